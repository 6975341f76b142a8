import type { RunRequest } from "./run-request.ts";

/** The token a scheduled run's input may carry in any string: the date the run is for. */
export const BUSINESS_DATE_TOKEN = "{businessDate}";

/**
 * A scheduled request's input with `{businessDate}` replaced, in every string, by the date of
 * its scheduled time in the schedule's own time zone — so the 18:00 New York end of day reads
 * `s3://<bucket>/incoming/2026-11-24/` on the 24th, whatever the UTC date is by then. Other
 * requests, and inputs without the token, are returned as they are.
 *
 * @example
 * datedInput({ input: { data: { uri: "s3://b/incoming/{businessDate}/" } }, requestedAt: "2026-11-24T23:00:00Z", timeZone: "America/New_York", … });
 * // { data: { uri: "s3://b/incoming/2026-11-24/" } }
 */
export function datedInput(request: Pick<RunRequest, "input" | "requestedAt" | "timeZone">): unknown {
  if (request.input === undefined || !JSON.stringify(request.input).includes(BUSINESS_DATE_TOKEN))
    return request.input;
  const date = localDate(request.requestedAt, request.timeZone ?? "UTC");
  return replaceIn(request.input, date);
}

/** `YYYY-MM-DD` of an instant in an IANA time zone. */
export function localDate(instant: string, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(instant));
}

function replaceIn(value: unknown, date: string): unknown {
  if (typeof value === "string") return value.replaceAll(BUSINESS_DATE_TOKEN, date);
  if (Array.isArray(value)) return value.map((v) => replaceIn(v, date));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIn(v, date)]));
  }
  return value;
}
