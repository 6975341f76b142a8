/** Errors of the triage workflow, each with a stable `code` (STYLE.md §3). */
export class TriageError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = code;
    this.code = code;
  }
}

/** The resume value of the approval interrupt is not `{ decision: "approve" | "reject", by }`. */
export class InvalidDecisionError extends TriageError {
  constructor(problem: string) {
    super(
      "Triage.InvalidDecision",
      `Resume the approval with { decision: "approve" | "reject", by }: ${problem}`,
    );
  }
}

/**
 * An approved effect is not in the ledger after the apply: the write failed (throttled, timed
 * out). Retryable — the node runs again and the idempotency key keeps the effect single.
 */
export class EffectNotAppliedError extends TriageError {
  constructor(proposalId: string, why: string) {
    super("Triage.EffectNotApplied", `Proposal ${proposalId} was approved but not applied: ${why}`);
  }
}
