/**
 * The reconciliation workflow and what its tests, the CLI and the other workflows use of it. The engine
 * Lambdas load `workflow.ts` alone (functions/workflows/registry.ts).
 */

export { mergeById } from "#core";
export { IncompleteReconciliationError, PartitionMismatchError } from "./errors.ts";
export { fanOut } from "./fan-out.ts";
export { buildReconciliationGraph, reconciliationNodes } from "./graph.ts";
export {
  DEFAULT_PARTITION_SIZE,
  MAX_PARTITIONS,
  ReconciliationInput,
  type ReconciliationInputValue,
  reconciliationInputToState,
} from "./input.ts";
export { WORST_BREAKS } from "./nodes/summarize.ts";
export { type ReconciliationResult, ReconciliationResultSchema, reconciliationResult } from "./result.ts";
export {
  ReconciliationState,
  type ReconciliationStateValue,
  type ReconciliationUpdate,
} from "./state.ts";
export { summarizeReconciliation } from "./summary.ts";
export type * from "./types.ts";
export { reconciliation } from "./workflow.ts";
