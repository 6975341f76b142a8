import { MethodNotAllowedError, NotFoundError } from "@aws-lambda-powertools/event-handler/http";
import { ApiError, type FieldIssue, InvalidRequestError } from "./errors.ts";

/** Headers on every answer: JSON, never cached (run status changes), never content-sniffed. */
export const RESPONSE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
} as const;

export interface Problem {
  readonly status: number;
  readonly body: { readonly error: { code: string; message: string; issues?: readonly FieldIssue[] } };
}

/** Engine errors the API passes through, by their stable code. */
const ENGINE_STATUS: Readonly<Record<string, number>> = {
  "Switchyard.UnknownWorkflow": 404,
  "Switchyard.ThreadNotFound": 404,
  "Switchyard.NotWaiting": 409,
  "Switchyard.InvalidInput": 400,
};

/**
 * The one mapping from an error to an HTTP answer. Anything unrecognised is a 500 whose body
 * says nothing about the internals; `log` gets the real error.
 *
 * @example
 * problemOf(new RunNotFoundError("triage_x")).status; // 404
 */
export function problemOf(err: unknown, log: (message: string, error: unknown) => void): Problem {
  if (err instanceof ApiError) return problem(err.status, err.code, err.message, err.issues);
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && ENGINE_STATUS[code] !== undefined) {
    const issues = (err as { issues?: readonly FieldIssue[] }).issues;
    return problem(ENGINE_STATUS[code], code, (err as Error).message, issues);
  }
  if (err instanceof NotFoundError) return problem(404, "Switchyard.RouteNotFound", "No such route.");
  if (err instanceof MethodNotAllowedError)
    return problem(405, "Switchyard.MethodNotAllowed", "Method not allowed on this route.");
  // A malformed %-escape in the path fails decodeURIComponent.
  if (err instanceof URIError)
    return problemOf(new InvalidRequestError([{ path: "path", message: "malformed URL encoding" }]), log);
  log("api: unhandled error", err);
  return problem(500, "Switchyard.Internal", "Internal error; it has been logged.");
}

function problem(status: number, code: string, message: string, issues?: readonly FieldIssue[]): Problem {
  return { status, body: { error: { code, message, ...(issues ? { issues } : {}) } } };
}

/** A JSON answer as a Web Response (what the Powertools router returns). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...RESPONSE_HEADERS, ...headers } });
}
