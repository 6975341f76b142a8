import { classifyModelError } from "./classify.ts";
import { ModelCallError } from "./errors.ts";

export interface RetryOptions {
  /** All attempts, the first included (as LangGraph counts them). Default 3. */
  readonly maxAttempts?: number;
  /** Cap of the first backoff in ms. Default 500. */
  readonly initialDelayMs?: number;
  /** Cap of any backoff in ms. Default 10 000. */
  readonly maxDelayMs?: number;
  /** Injectable for tests: resolves after `ms`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests: uniform in [0, 1). */
  readonly random?: () => number;
  /** Told about each retry before its wait, e.g. to log or count it. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * "Full jitter" backoff: a uniform wait between 0 and the exponential cap, so many agents
 * throttled at the same moment do not come back at the same moment.
 *
 * @example
 * backoffDelay(3, { initialDelayMs: 500, maxDelayMs: 10_000, random: () => 0.5 }); // 1000
 */
export function backoffDelay(
  attempt: number,
  options: { initialDelayMs: number; maxDelayMs: number; random: () => number },
): number {
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
  return Math.floor(options.random() * cap);
}

/**
 * Runs a model call, repeating it with backoff while {@link classifyModelError} calls the
 * failure retryable and attempts remain. Gives up with a {@link ModelCallError} whose code says
 * which (`Models.Rejected` at once for fatal errors, `Models.Unavailable` when attempts ran out),
 * the provider's error as its cause.
 *
 * @example
 * const reply = await withModelRetry(() => model.invoke(messages), { maxAttempts: 4 });
 */
export async function withModelRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const sleep = options.sleep ?? realSleep;
  const timing = {
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    random: options.random ?? Math.random,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const retryable = classifyModelError(error) === "retryable";
      if (!retryable || attempt >= maxAttempts) throw new ModelCallError(attempt, retryable, error);
      const delayMs = backoffDelay(attempt, timing);
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
