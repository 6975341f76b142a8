/**
 * Engine errors. Each carries a stable `code`: errors cross Step Functions by name, and class
 * names do not survive minification, so the `name` IS the code (ASL `ErrorEquals` matches it).
 */
import { issueSummary, SwitchyardError } from "#core";

export { SwitchyardError };

/** The run request's input does not match the workflow's input schema. */
export class InvalidInputError extends SwitchyardError {
  readonly issues: readonly { path: string; message: string }[];
  constructor(workflow: string, issues: readonly { path: string; message: string }[]) {
    super("Switchyard.InvalidInput", `Invalid input for workflow "${workflow}": ${issueSummary(issues)}`);
    this.issues = issues;
  }
}

export class UnknownWorkflowError extends SwitchyardError {
  readonly known: readonly string[];
  constructor(name: string, known: readonly string[]) {
    super("Switchyard.UnknownWorkflow", `Unknown workflow "${name}". Known: ${known.join(", ") || "none"}.`);
    this.known = known;
  }
}

/** No checkpoint exists for the thread (resume or commit of something never started). */
export class ThreadNotFoundError extends SwitchyardError {
  constructor(threadId: string) {
    super("Switchyard.ThreadNotFound", `No checkpoint for thread "${threadId}".`);
  }
}

/** A resume was asked for a thread that is not waiting on an interrupt. */
export class NotWaitingError extends SwitchyardError {
  constructor(threadId: string, status: string) {
    super("Switchyard.NotWaiting", `Thread "${threadId}" is ${status}, not waiting for a decision.`);
  }
}

/** A resume's answer does not fit the waiting interrupts (an unknown id, or one value for several). */
export class InvalidResumeError extends SwitchyardError {
  readonly issues: readonly { path: string; message: string }[];
  constructor(threadId: string, issues: readonly { path: string; message: string }[]) {
    const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    super("Switchyard.InvalidResume", `Invalid resume for thread "${threadId}": ${detail}`);
    this.issues = issues;
  }
}

/** A graph uses a LangGraph feature the engine cannot run as `invoke` does (docs/engine.md, the parity table). */
export class UnsupportedFeatureError extends SwitchyardError {
  constructor(
    workflow: string,
    readonly feature: string,
    readonly node: string,
    why: string,
  ) {
    super(
      "Switchyard.UnsupportedFeature",
      `Workflow "${workflow}": node "${node}" uses ${feature}, which the engine does not support: ${why}`,
    );
  }
}

/** The handler was given a payload it cannot parse: a bug in the state machine, never retried. */
export class InvalidPayloadError extends SwitchyardError {
  constructor(message: string) {
    super("Switchyard.InvalidPayload", message);
  }
}

/** The code of {@link DeadlineAtRiskError}: never retried, in-process or on Step Functions. */
export const DEADLINE_AT_RISK = "Switchyard.DeadlineAtRisk";

/**
 * The one code a node Lambda fails under when its node's own `retryOn` refuses the error (see
 * `nodeFailure` in retry.ts): the node's ASL `Retry` never retries it, whatever the inner code.
 */
export const NON_RETRYABLE = "Switchyard.NonRetryable";

/**
 * A node's failure its retry policy will not repeat, wrapped so Step Functions does not repeat it
 * either. The message starts with the inner code, which {@link reportedTaskError} reads back, so
 * the run fails (or the node's error handler runs) under the node's own code.
 */
export class NonRetryableError extends SwitchyardError {
  readonly innerCode: string;
  constructor(innerCode: string, cause: unknown) {
    super(NON_RETRYABLE, `${innerCode}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.innerCode = innerCode;
  }
}

/**
 * The `{code, message}` of a task failure as Step Functions reports it (`{Error, Cause}`; on Lambda
 * the cause is the function's JSON `{errorType, errorMessage}`), with a {@link NonRetryableError}
 * unwrapped to the node's own code.
 *
 * @example
 * reportedTaskError({ Error: "Switchyard.NonRetryable", Cause: '{"errorMessage":"Triage.InvalidDecision: no vote"}' });
 * // { code: "Triage.InvalidDecision", message: "no vote" }
 */
export function reportedTaskError(
  reported: { readonly Error?: string; readonly Cause?: string } | undefined,
): {
  code: string;
  message: string;
} {
  const code = reported?.Error ?? "Switchyard.TaskFailed";
  const message = lambdaErrorMessage(reported?.Cause) ?? reported?.Cause ?? "task failed";
  if (code !== NON_RETRYABLE) return { code, message };
  const inner = /^([^\s:]+): ([\s\S]*)$/.exec(message);
  return inner ? { code: inner[1] as string, message: inner[2] as string } : { code, message };
}

/** Lambda's `errorMessage` when the cause is its JSON error document. */
function lambdaErrorMessage(cause: string | undefined): string | undefined {
  if (!cause?.trimStart().startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === "string" ? parsed.errorMessage : undefined;
  } catch {
    return undefined;
  }
}

/** Codes the state machine never retries: retrying the same input cannot succeed. */
export const NON_RETRYABLE_CODES = [
  // A node's own retryOn refused it: Step Functions must refuse too.
  NON_RETRYABLE,
  "Switchyard.InvalidInput",
  "Switchyard.UnknownWorkflow",
  "Switchyard.ThreadNotFound",
  "Switchyard.NotWaiting",
  "Switchyard.InvalidResume",
  "Switchyard.InvalidPayload",
  // Another execution holds the thread: this one must not touch it, now or on a retry.
  "Switchyard.ThreadBusy",
  // LangGraph's GraphRecursionError (a subgraph out of steps): the same run would loop again.
  "GRAPH_RECURSION_LIMIT",
  // A retry would end past the work's deadline (functions/engine/deadline.ts): hold and escalate instead.
  DEADLINE_AT_RISK,
] as const;

/** What a node's work is due by: an instant and what it is, for people. */
export interface NodeDeadline {
  /** ISO 8601. */
  readonly at: string;
  /** E.g. `DTC same-day affirmation, 2026-11-24 21:00 America/New_York (trade T000123)`. */
  readonly label: string;
}

/**
 * A node failed, and another attempt would end after its deadline less the margin: it stops
 * retrying so the workflow can hold the work and escalate it while people still have time.
 * Carries HTTP-like `status` 409 so LangGraph's default `retryOn` stops too.
 */
export class DeadlineAtRiskError extends SwitchyardError {
  readonly status = 409;
  constructor(
    readonly node: string,
    readonly deadline: NodeDeadline,
    readonly nextAttemptEndsAt: string,
    cause: unknown,
  ) {
    super(
      DEADLINE_AT_RISK,
      `${node} failed (${(cause as Error)?.message ?? String(cause)}) and another attempt would end at ` +
        `${nextAttemptEndsAt}, past the margin before ${deadline.label}`,
      { cause, retryable: false },
    );
  }
}

/**
 * A workflow asked for Express execution but can outlast it: Express executions end after
 * 5 minutes (functions/engine/express.ts states the rule). Raised by `defineWorkflow`.
 */
export class ExpressLimitError extends SwitchyardError {
  constructor(
    readonly workflow: string,
    readonly reason: string,
  ) {
    super(
      "Switchyard.ExpressLimit",
      `Workflow "${workflow}" cannot run as Express (execution: "express"): ${reason}.`,
    );
  }
}

/**
 * A task list or a Map run's result files in S3 are not what the engine wrote or Step Functions'
 * `ResultWriter` writes: a superstep's outcome cannot be known, so its commit fails loudly.
 */
export class TaskListUnreadableError extends SwitchyardError {
  constructor(where: string, detail: string) {
    super("Switchyard.TaskListUnreadable", `Unreadable ${where}: ${detail}`);
  }
}
