import { SwitchyardError } from "#core";

/** Errors of the triage workflow, each with a stable `code` (docs/architecture.md, "House style" §3). */
export class TriageError extends SwitchyardError {}

/**
 * The resume value of the approval interrupt is not a stamped vote `{ decision, comment?, by, at }`:
 * it did not come through a resume path (API, CLI, `resumeInProcess`), which adds `by` and `at`.
 */
export class InvalidDecisionError extends TriageError {
  constructor(problem: string) {
    super(
      "Triage.InvalidDecision",
      `Resume the approval through the API or CLI with { decision: "approve" | "reject", comment? }: ${problem}`,
    );
  }
}

/**
 * An approved effect is not in the ledger after the apply: the write failed (throttled, timed
 * out). Retryable — the node runs again and the idempotency key keeps the effect single.
 */
export class EffectNotAppliedError extends TriageError {
  constructor(proposalId: string, why: string) {
    super("Triage.EffectNotApplied", `Proposal ${proposalId} was approved but not applied: ${why}`, {
      retryable: true,
    });
  }
}

/** The request's `breakId` is not in its `breaksUri`: the caller's to fix, never retried. */
export class BreakNotFoundError extends TriageError {
  readonly breakId: string;
  constructor(breakId: string, uri: string) {
    super("Triage.BreakNotFound", `No break ${breakId} in ${uri}.`);
    this.breakId = breakId;
  }
}

/** The request's `breaksUri` is not a list of breaks (not JSON, or the break is malformed): never retried. */
export class BadBreaksFileError extends TriageError {
  readonly uri: string;
  constructor(uri: string, problem: string, cause?: unknown) {
    super("Triage.BadBreaksFile", `${uri} is not a list of breaks: ${problem}.`, cause ? { cause } : {});
    this.uri = uri;
  }
}

/** A node after `detect` found no day in state: `detect` did not run. A wiring mistake. */
export class NoDayError extends TriageError {
  constructor(node: string) {
    super("Triage.NoDay", `${node} ran before detect opened the day.`);
  }
}
