/**
 * Runnable example for docs/patterns.md and docs/data.md: reconcile a day in the canonical format
 * in this process, checkpointed in memory, and print the run summary and where the outputs went.
 * `test/unit/reconciliation.test.ts` runs it, so it cannot rot. Run it yourself with
 * `npx tsx docs/examples/reconciliation.ts`.
 */
import { MemorySaver } from "@langchain/langgraph";
import { type ReconciliationStateValue, reconciliation } from "#workflows";

/**
 * Validates a run request, runs the reconciliation graph to the end and returns the final state
 * with its one-screen summary.
 *
 * @example
 * const { summary } = await reconcileExample({ data: { uri: "docs/examples/data" }, partitionSize: 10 });
 * console.log(summary.headline);
 */
export async function reconcileExample(request: unknown = {}, threadId = "reconciliation-example") {
  const input = reconciliation.input.parse(request); // throws a ZodError naming each bad field
  const app = reconciliation.graph.compile({ checkpointer: new MemorySaver() });
  const state = (await app.invoke(reconciliation.toState(input), {
    configurable: { thread_id: threadId },
  })) as ReconciliationStateValue;
  const summary = reconciliation.summarize?.(state);
  if (!summary) throw new Error("The reconciliation workflow always defines summarize.");
  return { state, summary };
}

if (import.meta.main) {
  const { summary } = await reconcileExample({ data: { uri: "docs/examples/data" }, partitionSize: 10 });
  console.log(summary.headline);
  for (const step of summary.steps) console.log(`  ${step.node}: ${step.did}`);
}
