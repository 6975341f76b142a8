import { classifyError } from "#retry";

/** What to do about a failed model call: try again later, or give up now. */
export type ModelErrorClass = "retryable" | "fatal";

/**
 * Whether a failed model call is worth repeating. The decision itself is made in ONE place for
 * model calls, tools and AWS calls alike: `classifyError` in `functions/ops/retry.ts`
 * (`#retry`). Throttling (429), timeouts (408, `TimeoutError`), server errors (5xx) and dropped
 * connections are retryable; bad requests, validation, authentication and unknown tools are
 * fatal; a `ModelError` decides by its own `retryable` flag; anything unrecognised is fatal.
 *
 * @example
 * classifyModelError(Object.assign(new Error("slow down"), { name: "ThrottlingException" })); // "retryable"
 * classifyModelError({ status: 400, message: "bad tool schema" }); // "fatal"
 */
export function classifyModelError(err: unknown): ModelErrorClass {
  return classifyError(err);
}
