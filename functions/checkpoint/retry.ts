/**
 * Retries of the saver's DynamoDB calls, on the project's one retry loop (`withRetry` in
 * `functions/core/retry.ts`): throttles, 5xx and dropped connections retry with exponential
 * backoff and full jitter; validation and conditional-check failures never do. What is left after
 * the last attempt becomes a {@link CheckpointStorageError}. Batch calls also retry what DynamoDB
 * left unprocessed, so no write is lost.
 */
import { backoffDelay, isRetryable, type RetryPolicy, withRetry } from "#core";
import { CheckpointStorageError } from "./errors.ts";

/** The saver's own defaults: many short waits, since a checkpoint write holds up a whole superstep. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, initialDelayMs: 25, maxDelayMs: 2_000 };

function sleep(policy: RetryPolicy, ms: number): Promise<void> {
  return policy.sleep ? policy.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error (thrown unchanged), or the
 * attempts run out (then a {@link CheckpointStorageError} with the last error as `cause`).
 *
 * @example
 * const out = await withStorageRetry(DEFAULT_RETRY, () => client.send(cmd), () => stats.retries++);
 */
export async function withStorageRetry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  onRetry: () => void = () => {},
): Promise<T> {
  try {
    return await withRetry(attempt, { ...policy, retryOn: isRetryable, onRetry });
  } catch (err) {
    if (!isRetryable(err) || err instanceof CheckpointStorageError) throw err;
    throw new CheckpointStorageError(
      `DynamoDB still throttling after ${policy.maxAttempts ?? "every"} attempts.`,
      { cause: err },
    );
  }
}

/**
 * Sends `pending` through `send` until nothing is left unprocessed, backing off between rounds.
 * `send` returns what DynamoDB did not process (`UnprocessedItems` / `UnprocessedKeys`).
 *
 * @example
 * await untilProcessed(policy, requests, async (batch) => (await client.send(write(batch))).left);
 */
export async function untilProcessed<T>(
  policy: RetryPolicy,
  pending: T[],
  send: (batch: T[]) => Promise<T[]>,
  onRetry: () => void = () => {},
): Promise<void> {
  const rounds = policy.maxAttempts ?? DEFAULT_RETRY.maxAttempts ?? 1;
  let left = pending;
  for (let round = 0; left.length > 0; round++) {
    if (round > 0) {
      if (round >= rounds) {
        throw new CheckpointStorageError(
          `DynamoDB left ${left.length} item(s) unprocessed after ${rounds} rounds.`,
        );
      }
      onRetry();
      await sleep(policy, backoffDelay(policy, round));
    }
    left = await withStorageRetry(policy, () => send(left), onRetry);
  }
}
