import { Annotation } from "@langchain/langgraph";
import { mergeById } from "#core";
import type { Tolerances } from "#trading";
import type { DaySource, PartitionOutcome, PartitionPlan, ReconciliationReport } from "./types.ts";

const latest = <T>() => Annotation<T | null>({ reducer: (_, update) => update, default: () => null });

/**
 * Reconciliation state. It carries where the day is and where the outputs go, never the day:
 * the orchestrator reads the day once and writes one object per partition; each worker reads
 * only its own. The channel workers write in parallel (`matched`) merges by id, so a
 * superstep's writes apply in any order, and again, with the same result.
 */
export const ReconciliationState = Annotation.Root({
  source: Annotation<DaySource>,
  /** The output location asked for; the run's own folder under the data root when absent. */
  out: latest<string>(),
  partitionSize: Annotation<number>,
  tolerances: Annotation<Tolerances>,
  plan: latest<PartitionPlan>(),
  matched: Annotation<PartitionOutcome[]>({ reducer: mergeById((o) => o.partitionId), default: () => [] }),
  report: latest<ReconciliationReport>(),
});

export type ReconciliationStateValue = typeof ReconciliationState.State;
export type ReconciliationUpdate = typeof ReconciliationState.Update;
