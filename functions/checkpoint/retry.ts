/**
 * Retries of the saver's DynamoDB calls: throttles, 5xx and dropped connections retry with
 * exponential backoff and full jitter; validation and conditional-check failures never do. Which
 * failures are retryable is decided in ONE place for the whole project:
 * `classifyError` in `functions/ops/retry.ts` (`#retry`). Batch calls also retry what DynamoDB
 * left unprocessed, so no write is lost.
 */
import { isRetryable as isRetryableError } from "#retry";
import { CheckpointStorageError } from "./errors.ts";
import type { RetryPolicy } from "./types.ts";

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 2_000 };

/**
 * True for failures worth another attempt (throttling, server errors, dropped connections).
 *
 * @example
 * isRetryable(Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" })); // true
 * isRetryable(new ConditionalCheckFailedException({ message: "exists", $metadata: {} })); // false
 */
export function isRetryable(err: unknown): boolean {
  return isRetryableError(err);
}

/** Full-jitter backoff before attempt `attempt + 1` (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor((policy.random ?? Math.random)() * ceiling);
}

function sleep(policy: RetryPolicy, ms: number): Promise<void> {
  return policy.sleep ? policy.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts run out
 * (then a {@link CheckpointStorageError} with the last error as `cause`).
 *
 * @example
 * const out = await withRetry(DEFAULT_RETRY, () => client.send(cmd), () => stats.retries++);
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  onRetry: () => void = () => {},
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (i + 1 >= policy.maxAttempts) {
        throw new CheckpointStorageError(`DynamoDB still throttling after ${policy.maxAttempts} attempts.`, {
          cause: err,
        });
      }
      onRetry();
      await sleep(policy, backoffMs(policy, i));
    }
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
  let left = pending;
  for (let round = 0; left.length > 0; round++) {
    if (round > 0) {
      if (round >= policy.maxAttempts) {
        throw new CheckpointStorageError(
          `DynamoDB left ${left.length} item(s) unprocessed after ${policy.maxAttempts} rounds.`,
        );
      }
      onRetry();
      await sleep(policy, backoffMs(policy, round - 1));
    }
    left = await withRetry(policy, () => send(left), onRetry);
  }
}
