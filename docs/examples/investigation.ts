/**
 * Runnable example for docs/patterns.md: investigate a trade day's breaks in this process,
 * checkpointed in memory, with the offline policy model (or the provider MODEL_PROVIDER names),
 * and print the run summary. `test/unit/investigation.test.ts` runs it, so it cannot rot.
 * Run it yourself with `npx tsx docs/examples/investigation.ts`.
 */
import { MemorySaver } from "@langchain/langgraph";
import { type InvestigationStateValue, investigation } from "#workflows";

/**
 * Validates a run request, runs the investigation graph to the end and returns the final state
 * with its one-screen summary.
 *
 * @example
 * const { state, summary } = await investigateExample({ dataset: { seed: 7 }, maxRounds: 3 });
 * console.log(summary.headline);
 * state.findings.filter((f) => f.status === "escalated"); // what a person must look at
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
  const { state, summary } = await investigateExample({ dataset: { seed: 7 }, batchSize: 5 });
  console.log(summary.headline);
  for (const step of summary.steps) console.log(`  ${step.node}: ${step.did}`);
  const [first] = state.findings;
  if (first) console.log(`  e.g. ${first.breakId}: ${first.rootCause} (${first.confidence})`, first.evidence);
}
