import { MAX_ISSUES, nameOf } from "#core";
import { type FieldIssue, InvalidRequestError, UnsupportedMediaTypeError } from "./errors.ts";
import { IdempotencyKey, parseOr400 } from "./schemas.ts";

/** Keys that would reach an object's prototype if a later step copied the parsed body naively. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Deepest nesting a body may have. Run inputs nest a few levels; a 64 KiB body of `[[[[…` is
 * 32,000 levels, which recursive code downstream (zod, the checkpoint serializer) would meet as
 * a stack overflow — a 500 for valid JSON. Refused here instead, walking without recursion.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The request's JSON body: `{}` when empty and optional; 415 unless sent as application/json;
 * 400 for invalid JSON, nesting deeper than {@link MAX_JSON_DEPTH}, or a prototype-polluting key
 * anywhere in it.
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidRequestError([{ path: "body", message: "not valid JSON" }]);
  }
  const issues = shapeIssues(parsed);
  if (issues.length > 0) throw new InvalidRequestError(issues);
  return parsed;
}

/** Forbidden keys and excess depth, found by an explicit stack (no recursion on caller data). */
function shapeIssues(root: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: "body", depth: 0 }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) {
      issues.push({ path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
      break;
    }
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}.${nameOf(key)}`;
      if (FORBIDDEN_KEYS.has(key)) issues.push({ path: at, message: "forbidden key" });
      stack.push({ value: child, path: at, depth: depth + 1 });
    }
  }
  return issues;
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
