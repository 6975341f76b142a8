import { ModelError } from "./errors.ts";

/** What to do about a failed model call: try again later, or give up now. */
export type ModelErrorClass = "retryable" | "fatal";

// Names the providers give their errors (AWS SDK exceptions, the OpenAI SDK, Node and undici).
const RETRYABLE_NAMES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "ServiceUnavailableException",
  "InternalServerException",
  "ModelNotReadyException",
  "ModelTimeoutException",
  "RateLimitError",
  "InternalServerError",
  "APIConnectionError",
  "APIConnectionTimeoutError",
  "TimeoutError",
]);
const FATAL_NAMES = new Set([
  "ValidationException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "ResourceNotFoundException",
  "ModelErrorException",
  "BadRequestError",
  "AuthenticationError",
  "PermissionDeniedError",
  "NotFoundError",
  "ConflictError",
  "UnprocessableEntityError",
  "ZodError",
  "ToolInputParsingException",
  "ConfigurationError",
  // A caller cancelled on purpose; repeating would override that decision.
  "AbortError",
]);
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
const FATAL_MESSAGE = /unknown tool|tool .{0,80}not found|validation|invalid (argument|request|schema)/i;
const RETRYABLE_MESSAGE = /throttl|rate limit|too many requests|timed? ?out|overloaded|socket hang up/i;

/**
 * THE ONE PLACE that decides whether a failed model call is worth repeating (STYLE.md §4).
 * Throttling (429), timeouts (408, `TimeoutError`), server errors (5xx) and dropped connections
 * (ECONNRESET, ECONNREFUSED, ...) are retryable; bad requests (400–407, 409 and other 4xx),
 * validation, authentication and unknown tools are fatal. The error and its `cause` chain are
 * read outside in, so a wrapper (`TypeError: fetch failed`) defers to what it wraps. Anything
 * unrecognised is fatal: retrying a bug only multiplies its cost.
 *
 * @example
 * classifyModelError(Object.assign(new Error("slow down"), { name: "ThrottlingException" })); // "retryable"
 * classifyModelError({ status: 400, message: "bad tool schema" }); // "fatal"
 */
export function classifyModelError(err: unknown): ModelErrorClass {
  for (const candidate of causeChain(err)) {
    const verdict = classifyOne(candidate);
    if (verdict) return verdict;
  }
  return "fatal";
}

function classifyOne(err: object): ModelErrorClass | undefined {
  if (err instanceof ModelError) return err.retryable ? "retryable" : "fatal";
  const e = err as Record<string, unknown>;
  const name = typeof e.name === "string" ? e.name : "";
  if (RETRYABLE_NAMES.has(name) || RETRYABLE_CODES.has(String(e.code))) return "retryable";
  if (FATAL_NAMES.has(name)) return "fatal";
  const status = httpStatus(e);
  if (status !== undefined && status >= 400) {
    return status === 408 || status === 429 || status >= 500 ? "retryable" : "fatal";
  }
  const sdkRetryable = e.$retryable as { throttling?: boolean } | undefined;
  if (sdkRetryable !== undefined || e.$fault === "server") return "retryable";
  if (e.$fault === "client") return "fatal";
  const message = typeof e.message === "string" ? e.message : "";
  if (FATAL_MESSAGE.test(message)) return "fatal";
  if (RETRYABLE_MESSAGE.test(message)) return "retryable";
  return undefined;
}

/** The HTTP status wherever a provider puts it: AWS SDK, OpenAI, ollama-js, plain fetch wrappers. */
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
