import { SwitchyardError } from "#core";

/**
 * A worker found a different partition than the orchestrator wrote (the object was replaced
 * between them). Matching anyway would silently miss or invent breaks, and retrying the same
 * input cannot help.
 */
export class PartitionMismatchError extends SwitchyardError {
  constructor(partitionId: string, expected: string, found: string) {
    super(
      "Reconciliation.PartitionMismatch",
      `Partition ${partitionId}: the orchestrator wrote ${expected}, the worker read ${found}.`,
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
