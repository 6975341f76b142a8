/**
 * Runnable example for docs/patterns.md ("Network: triage"): triage one reconciliation break on
 * the canonical trading day in this process, checkpointed in memory with an in-memory effects
 * ledger; when the route needs a person, answer the approval interrupt and resume. The trade
 * below is the extra booking of the generated day's largest duplicate: its cancellation always
 * waits for a person. `test/unit/triage.test.ts` runs it, so it
 * cannot rot. Run it yourself with `npx tsx docs/examples/triage.ts`.
 */
import { Command, MemorySaver } from "@langchain/langgraph";
import { type FourEyesAsk, stampVote } from "#agents";
import { bindEffectsLedger, inMemoryEffectsLedger } from "#tools";
import { type TriageStateValue, triage } from "#workflows";

/** What a person answers: approve or reject, with a comment. Who they are is not theirs to say. */
export interface Answer {
  readonly decision: "approve" | "reject";
  readonly comment?: string;
}

/**
 * Runs the triage network on a request; if it waits for approval, resumes it with `answer`
 * given by `approver` (a new invocation on the same thread, as a new Step Functions execution
 * would be). The answer is stamped with the approver and checked against the four-eyes policy
 * first, as the API and CLI do (`stampVote`).
 *
 * @example
 * const { waitedFor, summary } = await triageExample({ tradeId: "T20261124-0001019" }, { decision: "approve" }, "local:ops.jane");
 * console.log(waitedFor?.question, summary.headline);
 */
export async function triageExample(request: unknown = {}, answer?: Answer, approver = "local:example") {
  const input = triage.input.parse(request); // throws a ZodError naming each bad field
  const ledger = inMemoryEffectsLedger();
  const unbind = bindEffectsLedger(ledger);
  try {
    const app = triage.graph.compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "triage-example" } };
    let state = (await app.invoke(triage.toState(input), config)) as TriageStateValue & {
      __interrupt__?: { value: { question: string; approvalKey: string; fourEyes: FourEyesAsk } }[];
    };
    const waitedFor = state.__interrupt__?.[0]?.value;
    if (waitedFor && answer) {
      const vote = stampVote(waitedFor.fourEyes, answer, approver, new Date());
      state = (await app.invoke(new Command({ resume: vote }), config)) as typeof state;
    }
    const summary = triage.summarize?.(state);
    if (!summary) throw new Error("The triage workflow always defines summarize.");
    return { state, summary, waitedFor, ledger: await ledger.entries() };
  } finally {
    unbind();
  }
}

if (import.meta.main) {
  const { waitedFor, summary, ledger } = await triageExample(
    { tradeId: "T20261124-0001019" },
    { decision: "approve", comment: "checked with the desk: a double booking" },
    "local:ops.jane",
  );
  if (waitedFor) console.log(`waited for: ${waitedFor.question}`);
  console.log(summary.headline);
  for (const step of summary.steps) console.log(`  ${step.node}: ${step.did}`);
  console.log(`ledger: ${ledger.length} effect(s)`);
}
