/** A break reached `auto_fix` without a mechanical fix: the routing rule and the fixer disagree. */
export class NotMechanicalError extends Error {
  readonly code = "Triage.NotMechanical";
  constructor(breakId: string, kind: string) {
    super(`Break ${breakId} (${kind}) has no mechanical fix and must be escalated.`);
    this.name = "NotMechanicalError";
  }
}
