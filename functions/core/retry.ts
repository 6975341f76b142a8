/**
 * THE ONE PLACE that decides whether a failed call is worth repeating, for model calls, tools and
 * AWS calls alike (docs/architecture.md, "House style" §4), and the in-process retry loop that
 * acts on it.
 *
 * Retryable: throttling (429, `ThrottlingException`, `ProvisionedThroughputExceededException`,
 * ...), timeouts (408, `TimeoutError`), server errors (5xx) and dropped connections
 * (`ECONNRESET`, ...). Fatal: validation, other 4xx (400–407, 409, ...), authentication and
 * authorisation, conditional-check failures, and anything unrecognised — retrying a bug only
 * multiplies its cost. An error that says so itself (`retryable: true|false`, as every
 * `SwitchyardError` does) is taken at its word. The error's `cause` chain is read outside in,
 * so a wrapper (`TypeError: fetch failed`) defers to what it wraps.
 *
 * This module imports nothing from the project, so any layer may use it without a cycle.
 */

export type ErrorClass = "retryable" | "fatal";

const RETRYABLE_NAMES = new Set([
  // AWS throttling (SDK v3 `THROTTLING_ERROR_CODES` and service-specific names)
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
  "TransactionInProgressException",
  // AWS server-side and transient
  "InternalServerError",
  "InternalServerException",
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ServiceException",
  "RequestTimeout",
  "RequestTimeoutException",
  "Lambda.ServiceException",
  "Lambda.TooManyRequestsException",
  // Model providers (Bedrock, OpenAI SDK) and Node
  "ModelNotReadyException",
  "ModelTimeoutException",
  "RateLimitError",
  "APIConnectionError",
  "APIConnectionTimeoutError",
  "TimeoutError",
]);

const FATAL_NAMES = new Set([
  "ValidationException",
  "ValidationError",
  "SerializationException",
  "ConditionalCheckFailedException",
  "TransactionCanceledException",
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "ResourceNotFoundException",
  "InvalidParameterValueException",
  "InvalidParameterException",
  "ExecutionAlreadyExists",
  "ModelErrorException",
  "BadRequestError",
  "AuthenticationError",
  "PermissionDeniedError",
  "NotFoundError",
  "ConflictError",
  "UnprocessableEntityError",
  "ZodError",
  "ToolInputParsingException",
  // A caller cancelled on purpose; repeating would override that decision.
  "AbortError",
]);

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

const FATAL_MESSAGE =
  /unknown tool|tool .{0,80}not found|validation|invalid (argument|request|schema|input)/i;
const RETRYABLE_MESSAGE = /throttl|rate limit|too many requests|timed? ?out|overloaded|socket hang up/i;

/**
 * Classifies a failure as worth repeating or not.
 *
 * @example
 * classifyError(Object.assign(new Error("slow down"), { name: "ThrottlingException" })); // "retryable"
 * classifyError({ $metadata: { httpStatusCode: 400 }, name: "ValidationException" }); // "fatal"
 * classifyError(new TypeError("fetch failed", { cause: { code: "ECONNRESET" } })); // "retryable"
 */
export function classifyError(err: unknown): ErrorClass {
  for (const candidate of causeChain(err)) {
    const verdict = classifyOne(candidate);
    if (verdict) return verdict;
  }
  return "fatal";
}

/** `classifyError(err) === "retryable"`, for `filter`s and conditions. */
export function isRetryable(err: unknown): boolean {
  return classifyError(err) === "retryable";
}

function classifyOne(err: object): ErrorClass | undefined {
  const e = err as Record<string, unknown>;
  // Errors that know (SwitchyardError and subclasses, ModelError) decide for themselves.
  if (typeof e.retryable === "boolean" && typeof e.code === "string")
    return e.retryable ? "retryable" : "fatal";
  const name = typeof e.name === "string" ? e.name : "";
  const code = typeof e.code === "string" ? e.code : "";
  if (RETRYABLE_NAMES.has(name) || RETRYABLE_NAMES.has(code) || RETRYABLE_CODES.has(code)) return "retryable";
  if (FATAL_NAMES.has(name) || FATAL_NAMES.has(code)) return "fatal";
  const status = httpStatus(e);
  if (status !== undefined && status >= 400) {
    return status === 408 || status === 429 || status >= 500 ? "retryable" : "fatal";
  }
  // AWS SDK v3 marks what its own retry strategy would retry.
  if (e.$retryable !== undefined || e.$fault === "server") return "retryable";
  if (e.$fault === "client") return "fatal";
  const message = typeof e.message === "string" ? e.message : "";
  if (FATAL_MESSAGE.test(message)) return "fatal";
  if (RETRYABLE_MESSAGE.test(message)) return "retryable";
  return undefined;
}

/** The HTTP status wherever a client puts it: AWS SDK, OpenAI, fetch wrappers. */
function httpStatus(e: Record<string, unknown>): number | undefined {
  const metadata = e.$metadata as { httpStatusCode?: unknown } | undefined;
  const response = e.response as { status?: unknown } | undefined;
  for (const value of [metadata?.httpStatusCode, e.status, e.statusCode, e.status_code, response?.status]) {
    if (typeof value === "number" && Number.isInteger(value)) return value;
  }
  return undefined;
}

/** The error, its causes and an AggregateError's members, outermost first, bounded against cycles. */
function* causeChain(err: unknown): Generator<object> {
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 16) {
    const next = queue.shift();
    if (next === null || typeof next !== "object" || seen.has(next)) continue;
    seen.add(next);
    yield next;
    const { cause, errors } = next as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
}

export interface RetryPolicy {
  /** Every attempt counts, the first included (LangGraph's convention). Default 4. */
  readonly maxAttempts?: number;
  /** Ceiling of the first backoff. Default 100 ms. */
  readonly initialDelayMs?: number;
  readonly backoffFactor?: number;
  /** Ceiling of any one backoff. Default 5 s. */
  readonly maxDelayMs?: number;
  /** Full jitter (default) spreads retrying callers apart; `none` waits the ceiling. */
  readonly jitter?: "full" | "none";
  /** Overrides {@link classifyError} (e.g. to also retry a conditional-check race). */
  readonly retryOn?: (err: unknown) => boolean;
  /** Called before each wait: logs and metrics of retries. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Stops waiting and retrying (a Lambda about to time out). */
  readonly signal?: AbortSignal;
  /** For tests: deterministic jitter and instant waits. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY = {
  maxAttempts: 4,
  initialDelayMs: 100,
  backoffFactor: 2,
  maxDelayMs: 5_000,
} as const;

/**
 * The wait before retry number `attempt` (1 = the first retry): exponential, capped, with full
 * jitter ("Exponential Backoff And Jitter", AWS Architecture Blog).
 *
 * @example
 * backoffDelay({ initialDelayMs: 100, jitter: "none" }, 3); // 400
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const initial = policy.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs;
  const factor = policy.backoffFactor ?? DEFAULT_RETRY_POLICY.backoffFactor;
  const max = policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs;
  const ceiling = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return policy.jitter === "none" ? ceiling : Math.floor((policy.random ?? Math.random)() * ceiling);
}

/**
 * Runs `fn`, repeating it after a backoff while the failure is retryable and attempts remain.
 * A fatal failure is thrown at once, unchanged; the last retryable one is thrown when attempts
 * run out.
 *
 * @example
 * const item = await withRetry(() => dynamodb.send(new GetItemCommand(input)), { maxAttempts: 5 });
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy = {},
): Promise<T> {
  const maxAttempts = Math.max(1, policy.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts);
  const retryOn = policy.retryOn ?? isRetryable;
  const sleep = policy.sleep ?? ((ms: number) => abortableSleep(ms, policy.signal));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !retryOn(error) || policy.signal?.aborted) throw error;
      const delayMs = backoffDelay(policy, attempt);
      policy.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
