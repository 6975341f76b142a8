import { Annotation } from "@langchain/langgraph";
import type { DatasetSpec, Tolerances } from "#data";
import { mergeById } from "./reducers.ts";
import type {
  BreakRecord,
  PartitionBy,
  PartitionOutcome,
  PartitionPlan,
  ReconciliationReport,
} from "./types.ts";

const latest = <T>() => Annotation<T | null>({ reducer: (_, update) => update, default: () => null });

/**
 * Reconciliation state. It carries the dataset spec and the partition references, never the
 * trades: the orchestrator and every worker regenerate the day with `loadTradeDay(spec)`.
 * The channels workers write in parallel (`breaks`, `matched`) merge by id, so a superstep's
 * writes can be applied in any order, and again, with the same result.
 */
export const ReconciliationState = Annotation.Root({
  dataset: Annotation<Required<DatasetSpec>>,
  partitionBy: Annotation<PartitionBy>,
  partitionSize: Annotation<number>,
  tolerances: Annotation<Tolerances>,
  plan: latest<PartitionPlan>(),
  breaks: Annotation<BreakRecord[]>({ reducer: mergeById((b) => b.breakId), default: () => [] }),
  matched: Annotation<PartitionOutcome[]>({
    reducer: mergeById((o) => o.partitionId),
    default: () => [],
  }),
  report: latest<ReconciliationReport>(),
});

export type ReconciliationStateValue = typeof ReconciliationState.State;
export type ReconciliationUpdate = typeof ReconciliationState.Update;
