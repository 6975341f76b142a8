import { END, START, StateGraph } from "@langchain/langgraph";
import { lazyNodes } from "#engine";
import { fanOut } from "./fan-out.ts";
import { ReconciliationState } from "./state.ts";

/**
 * The node functions by node name: the orchestrator, the worker and the summariser, each loading
 * its module on first use (lazy-node.ts): the start and commit Lambdas load none.
 */
export const reconciliationNodes = lazyNodes({
  partition: () => import("./nodes/partition.ts").then((m) => m.partition),
  match: () => import("./nodes/match.ts").then((m) => m.match),
  summarize: () => import("./nodes/summarize.ts").then((m) => m.summarize),
});

/**
 * Orchestrator–worker with parallel fan-out:
 * ```
 * START → partition ──Send × N──→ match ─→ summarize → END
 *             └──(no partitions)──────────↗
 * ```
 * All `match` tasks run in one superstep (on Step Functions, one Lambda each, under the Map);
 * their writes merge through the id-keyed reducers, and `summarize` runs once, after all of
 * them.
 *
 * @example
 * const app = buildReconciliationGraph().compile({ checkpointer: new MemorySaver() });
 */
export function buildReconciliationGraph() {
  return new StateGraph(ReconciliationState)
    .addNode("partition", reconciliationNodes.partition)
    .addNode("match", reconciliationNodes.match)
    .addNode("summarize", reconciliationNodes.summarize)
    .addEdge(START, "partition")
    .addConditionalEdges("partition", fanOut, ["match", "summarize"])
    .addEdge("match", "summarize")
    .addEdge("summarize", END);
}
