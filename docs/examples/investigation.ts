/**
 * Runnable example for docs/patterns.md: investigate a trading day's breaks in this process,
 * checkpointed in memory, with the offline policy model (or the provider MODEL_PROVIDER names),
 * and print the run summary with the next actions. `test/unit/investigation.test.ts` runs it, so
 * it cannot rot. Run it yourself with `npx tsx docs/examples/investigation.ts`, or on a desk's
 * files with `npx tsx docs/examples/investigation.ts docs/examples/data`.
 */
import { MemorySaver } from "@langchain/langgraph";
import { type InvestigationStateValue, investigation } from "#workflows";

/**
 * Validates a run request, runs the investigation graph to the end and returns the final state
 * with its one-screen summary. `{}` investigates the generated standard day; `{ data: { uri } }`
 * a day in the canonical format; add `breaks` or `breaksUri` (a reconciliation run's
 * `breaks.json`) to investigate those breaks rather than the matcher's.
 *
 * @example
 * const { state, summary } = await investigateExample({ dataset: { seed: 7 }, maxRounds: 3 });
 * console.log(summary.headline);
 * state.findings.filter((f) => f.status === "escalated").map((f) => f.nextAction); // a person's worklist
 */
export async function investigateExample(request: unknown = {}) {
  const input = investigation.input.parse(request); // throws a ZodError naming each bad field
  const app = investigation.graph.compile({ checkpointer: new MemorySaver() });
  const state = (await app.invoke(investigation.toState(input), {
    configurable: { thread_id: "investigation-example" },
  })) as InvestigationStateValue;
  const summary = investigation.summarize?.(state);
  if (!summary) throw new Error("The investigation workflow always defines summarize.");
  return { state, summary };
}

if (import.meta.main) {
  const uri = process.argv[2];
  const { state, summary } = await investigateExample(
    uri ? { data: { uri } } : { dataset: { seed: 7 }, batchSize: 5 },
  );
  console.log(summary.headline);
  for (const step of summary.steps) console.log(`  ${step.node}: ${step.did}`);
  for (const action of state.conclusion?.nextActions.slice(0, 10) ?? []) {
    console.log(
      `  ${action.breakId} [${action.status}${action.rootCause ? `: ${action.rootCause}` : ""}] ${action.nextAction}`,
    );
  }
}
