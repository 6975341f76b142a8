import { SwitchyardError } from "#core";
import { causeText } from "./cause-text.ts";

/**
 * Errors of the model layer. Each carries a stable `code` (docs/architecture.md, "House style" §3):
 * class names do not survive minification, and Step Functions matches `ErrorEquals` on the code.
 */
export class ModelError extends SwitchyardError {}

/**
 * A model call that failed for good: either fatal at once (bad request, auth, unknown tool) or
 * still failing after the bounded retries. The provider's own error is the `cause`.
 */
export class ModelCallError extends ModelError {
  readonly attempts: number;
  constructor(attempts: number, retryable: boolean, cause: unknown) {
    const reason = causeText(cause);
    super(
      retryable ? "Models.Unavailable" : "Models.Rejected",
      retryable
        ? `Model call still failing after ${attempts} attempts: ${reason}`
        : `Model call rejected (not retried): ${reason}`,
      { cause, retryable },
    );
    this.attempts = attempts;
  }
}

/** Two different offline policies claim one agent name: a wiring mistake, caught at start-up. */
export class PolicyConflictError extends ModelError {
  constructor(agent: string) {
    super(
      "Models.PolicyConflict",
      `Agent "${agent}" already has a different offline policy; give the agent a workflow-qualified name (e.g. "triage.${agent}").`,
    );
  }
}
