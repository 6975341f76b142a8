import { defineWorkflow } from "#engine";
import { buildReconciliationGraph, reconciliationNodes } from "./graph.ts";
import { ReconciliationInput, type ReconciliationInputValue, reconciliationInputToState } from "./input.ts";
import { reconciliationResult } from "./result.ts";
import type { ReconciliationStateValue } from "./state.ts";
import { summarizeReconciliation } from "./summary.ts";

/**
 * End-of-day reconciliation, orchestrator–worker: `partition` reads the day (a desk's files in the
 * canonical format, or a generated day) and splits it, one `match` worker per partition pairs
 * bookings with broker confirmations and finds the breaks, and `summarize` writes
 * `breaks.json`, `breaks.csv`, `matches.json` beside the quarantine.
 */
export const reconciliation = defineWorkflow<ReconciliationInputValue, ReconciliationStateValue>({
  name: "reconciliation",
  description:
    "Reconciliation: read the day's trades, confirmations and prices, match each partition in parallel, write the breaks in twelve categories.",
  graph: buildReconciliationGraph(),
  input: ReconciliationInput,
  toState: reconciliationInputToState,
  // The orchestrator reads the whole day once; 1,769 MB is one full vCPU. Workers read one partition.
  nodes: {
    partition: { memoryMb: 1769, timeoutSeconds: 300 },
    match: { memoryMb: 1024, timeoutSeconds: 120 },
    summarize: { memoryMb: 1769, timeoutSeconds: 300 },
  },
  summarize: summarizeReconciliation,
  result: reconciliationResult,
  outputs: (state) => (state.report ? Object.fromEntries(Object.entries(state.report.outputs)) : undefined),
  nodeCode: reconciliationNodes,
});
