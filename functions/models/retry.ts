import { classifyError, type RetryPolicy, withRetry } from "#core";
import { ModelCallError } from "./errors.ts";

/** A model call's retry: the project's one loop, with fewer, longer waits than an AWS call's. */
export type RetryOptions = Omit<RetryPolicy, "retryOn" | "signal">;

/** Defaults beside the loop that uses them: 3 attempts (as LangGraph counts them), 500 ms → 10 s. */
export const MODEL_RETRY_POLICY = { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 10_000 } as const;

/**
 * Runs a model call, repeating it with backoff while `classifyError` calls the failure retryable
 * and attempts remain. Gives up with a {@link ModelCallError} whose code says which
 * (`Models.Rejected` at once for fatal errors, `Models.Unavailable` when attempts ran out), the
 * provider's error as its cause.
 *
 * @example
 * const reply = await withModelRetry(() => model.invoke(messages), { maxAttempts: 4 });
 */
export async function withModelRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  let attempts = 0;
  try {
    return await withRetry(
      (attempt) => {
        attempts = attempt;
        return call();
      },
      { ...MODEL_RETRY_POLICY, ...options },
    );
  } catch (error) {
    throw new ModelCallError(attempts, classifyError(error) === "retryable", error);
  }
}
