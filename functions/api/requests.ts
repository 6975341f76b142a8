import { type FieldIssue, InvalidRequestError, UnsupportedMediaTypeError } from "./errors.ts";
import { IdempotencyKey, parseOr400 } from "./schemas.ts";

/** Keys that would reach an object's prototype if a later step copied the parsed body naively. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The request's JSON body: `{}` when empty and optional; 415 unless sent as application/json;
 * 400 for invalid JSON or a prototype-polluting key anywhere in it.
 *
 * @example
 * const body = await jsonBody(req, { required: false }); // {} for an empty POST
 */
export async function jsonBody(req: Request, options: { required: boolean }): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") {
    if (options.required)
      throw new InvalidRequestError([{ path: "body", message: "a JSON body is required" }]);
    return {};
  }
  const type = req.headers.get("content-type");
  if (!type || !/^application\/json\s*(;|$)/i.test(type)) throw new UnsupportedMediaTypeError(type);
  const forbidden: FieldIssue[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden.push({ path: `body..${key}`, message: "forbidden key" });
      return value;
    });
  } catch {
    throw new InvalidRequestError([{ path: "body", message: "not valid JSON" }]);
  }
  if (forbidden.length > 0) throw new InvalidRequestError(forbidden);
  return parsed;
}

/** The `Idempotency-Key` header, validated, or undefined when the caller sent none. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const value = req.headers.get("idempotency-key");
  return value === null ? undefined : parseOr400(IdempotencyKey, value, "header.idempotency-key");
}

/** W3C `traceparent`, kept only when well-formed: a bad trace header never fails a request. */
export function traceparentOf(req: Request): string | undefined {
  const value = req.headers.get("traceparent");
  return value && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(value) ? value : undefined;
}

export function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
