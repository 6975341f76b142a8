import { Send } from "@langchain/langgraph";
import type { ReconciliationStateValue } from "./state.ts";
import type { MatchTask } from "./types.ts";

/**
 * The conditional edge after `partition`: one `Send("match", task)` per partition, each task a
 * reference small enough for a Step Functions payload; straight to `summarize` if there is
 * nothing to match. It reads state only, so the Commit Lambda that evaluates it never loads
 * the day.
 *
 * @example
 * fanOut(state).length; // state.plan.partitions.length
 */
export function fanOut(state: ReconciliationStateValue): Send[] | "summarize" {
  const partitions = state.plan?.partitions ?? [];
  if (partitions.length === 0) return "summarize";
  return partitions.map(
    (partition): Send => new Send("match", { partition, tolerances: state.tolerances } satisfies MatchTask),
  );
}
