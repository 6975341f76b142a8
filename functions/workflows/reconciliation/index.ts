import { defineWorkflow } from "#engine";
import { buildReconciliationGraph } from "./graph.ts";
import { ReconciliationInput, type ReconciliationInputValue, reconciliationInputToState } from "./input.ts";
import type { ReconciliationStateValue } from "./state.ts";
import { summarizeReconciliation } from "./summary.ts";

/**
 * End-of-day reconciliation, orchestrator–worker: `partition` splits the day's trades by desk,
 * asset class or counterparty, one `match` worker per partition compares bookings with broker
 * confirmations in parallel, and `summarize` tallies the merged breaks.
 */
export const reconciliation = defineWorkflow<ReconciliationInputValue, ReconciliationStateValue>({
  name: "reconciliation",
  description:
    "Reconciliation: partition the day's trades, match each partition against broker confirmations in parallel, merge and summarise the breaks.",
  graph: buildReconciliationGraph(),
  input: ReconciliationInput,
  toState: reconciliationInputToState,
  // Both regenerate the day (~2 s for 50,000 trades with one vCPU); 1,769 MB is one full vCPU.
  // Workers get headroom in time too: a cold worker regenerates before it matches.
  nodes: {
    partition: { memoryMb: 1769, timeoutSeconds: 120 },
    match: { memoryMb: 1769, timeoutSeconds: 120 },
  },
  summarize: summarizeReconciliation,
});

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
export { detailLine, matchPartition } from "./match.ts";
export { WORST_BREAKS } from "./nodes/summarize.ts";
export { fnv1a, keyCount, partitionId, planPartitions, tradesOf } from "./partition.ts";
export { mergeById } from "./reducers.ts";
export {
  ReconciliationState,
  type ReconciliationStateValue,
  type ReconciliationUpdate,
} from "./state.ts";
export { summarizeReconciliation } from "./summary.ts";
export type * from "./types.ts";
