import { SwitchyardError } from "#engine";

/**
 * A worker found a different number of trades in its partition than the orchestrator counted:
 * the two regenerated different days (e.g. a generator change deployed between them). Matching
 * anyway would silently miss or invent breaks, and retrying the same input cannot help.
 */
export class PartitionMismatchError extends SwitchyardError {
  constructor(partitionId: string, expected: number, found: number) {
    super(
      "Reconciliation.PartitionMismatch",
      `Partition ${partitionId}: the orchestrator counted ${expected} trades, the worker found ${found}.`,
    );
  }
}

/**
 * `summarize` ran without every partition's outcome merged in, or with trades unaccounted for:
 * a lost worker write would under-report breaks, so the run fails instead.
 */
export class IncompleteReconciliationError extends SwitchyardError {
  constructor(detail: string) {
    super("Reconciliation.Incomplete", `Reconciliation incomplete: ${detail}.`);
  }
}
