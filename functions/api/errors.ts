import { type FieldIssue, issueSummary } from "#core";
import { SwitchyardError } from "#engine";

/** One field the request got wrong: where (`body.input.dataset.trades`, `header.idempotency-key`) and why. */
export type { FieldIssue };

/**
 * An error the API answers with its own HTTP status. The stable `code` (not the class name,
 * which minification changes) is what clients match on; the status is what HTTP caches and
 * retry logic see — 4xx never retried, 503 retried with backoff.
 */
export class ApiError extends SwitchyardError {
  readonly status: number;
  readonly issues?: readonly FieldIssue[];
  constructor(
    status: number,
    code: string,
    message: string,
    options: { issues?: readonly FieldIssue[]; cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, message, options);
    this.status = status;
    if (options.issues) this.issues = options.issues;
  }
}

/**
 * The request is malformed: bad JSON, a field of the wrong type, an unknown field. The message
 * names the fields (`The request is invalid: unknown field input.tradeDate.`); `issues` lists each.
 */
export class InvalidRequestError extends ApiError {
  constructor(issues: readonly FieldIssue[], lead = "The request is invalid") {
    const summary = issueSummary(issues);
    super(400, "Switchyard.InvalidRequest", `${lead}: ${summary}${/[.!?]$/.test(summary) ? "" : "."}`, {
      issues,
    });
  }
}

/** No authenticated caller on the request (API Gateway's authorizer did not run or was bypassed). */
export class UnauthenticatedError extends ApiError {
  constructor(mode: string) {
    super(401, "Switchyard.Unauthenticated", `This API requires ${mode} authentication.`);
  }
}

/** No checkpoint exists for the run: unknown, or accepted and not started by the dispatcher yet. */
export class RunNotFoundError extends ApiError {
  constructor(runId: string) {
    super(
      404,
      "Switchyard.RunNotFound",
      `No run "${runId}" (unknown, or accepted moments ago and not started yet: retry shortly).`,
    );
  }
}

/** A resume of a run that is not waiting for a decision (same code as the engine's NotWaitingError). */
export class RunNotWaitingError extends ApiError {
  constructor(runId: string, status: string) {
    super(409, "Switchyard.NotWaiting", `Run "${runId}" is ${status}, not waiting for a decision.`);
  }
}

/** A result asked of a run that has none (yet): 409 while it runs or once it failed, 404 when its workflow declares none. */
export class NoResultError extends ApiError {
  constructor(runId: string, why: string, status: 404 | 409) {
    super(status, "Switchyard.NoResult", `Run "${runId}" has no result: ${why}.`);
  }
}

/** A run with no decision audit: none recorded (unknown run, or one that never reached an agent), or none configured. */
export class NoAuditError extends ApiError {
  constructor(runId: string, why: string) {
    super(404, "Switchyard.NoAudit", `Run "${runId}" has no decision audit: ${why}.`);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(413, "Switchyard.PayloadTooLarge", `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(contentType: string | null) {
    super(
      415,
      "Switchyard.UnsupportedMediaType",
      `Send the body as application/json (got ${contentType ?? "no content-type"}).`,
    );
  }
}

/** The Idempotency-Key was used before with a different body: the key names one request only. */
export class IdempotencyKeyReusedError extends ApiError {
  constructor(cause?: unknown) {
    super(
      422,
      "Switchyard.IdempotencyKeyReused",
      "This Idempotency-Key was used with a different request body; use a new key for a new request.",
      { cause },
    );
  }
}

/** A request with the same Idempotency-Key is being processed right now; retry it shortly. */
export class IdempotencyInProgressError extends ApiError {
  constructor(cause?: unknown) {
    super(409, "Switchyard.IdempotencyInProgress", "A request with this Idempotency-Key is in progress.", {
      cause,
      retryable: true,
    });
  }
}
