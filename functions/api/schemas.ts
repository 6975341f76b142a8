import { z } from "zod";
import { type FieldIssue, fieldIssues } from "#core";
import { RUN_ID_PATTERN } from "#ingress";
import { InvalidRequestError } from "./errors.ts";

/**
 * Every part of every request, as zod schemas. Objects are strict (an unknown field is a 400,
 * not silently ignored) and every string is bounded, so nothing unexpected reaches a queue or
 * a log line.
 */
export const WorkflowName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, "a workflow name: [a-z][a-z0-9-]{1,39}");
export const RunId = z.string().regex(RUN_ID_PATTERN, "a run id: 8–80 of [A-Za-z0-9_-]");

/**
 * `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header): an opaque token chosen by
 * the client, here 1–128 URL-safe characters (a UUID fits). Anything else is refused, never
 * normalised, so two spellings can never name one request.
 */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:~-]{1,128}$/, "1–128 characters of A-Z a-z 0-9 . _ : ~ -");

/** `POST /workflows/{name}/runs`: the workflow's input (its own schema checks it next). */
export const StartRunBody = z.strictObject({
  input: z.record(z.string(), z.json()).optional(),
});

/** `POST /runs/{id}/resume`: the decision the waiting interrupt asked for (any JSON value). */
export const ResumeBody = z.strictObject({ decision: z.json() });

export const RunQuery = z.strictObject({ workflow: WorkflowName.optional() });
export const HistoryQuery = z.strictObject({
  workflow: WorkflowName.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** A page of a run's audit chain: records from position `from` (1-based), at most `limit`. */
export const AuditQuery = z.strictObject({
  from: z.coerce.number().int().min(1).max(10_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
/** An error substring to select dead letters by: printable, bounded, never a pattern. */
const ErrorText = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x20-\x7E]+$/, "1–200 printable ASCII characters");
/** Up to the DLQ's retention (14 days). */
const MinAgeSeconds = z.coerce
  .number()
  .int()
  .min(0)
  .max(14 * 86_400);
/** A run id or an SQS message id (a UUID). */
const LetterId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "a run id or message id: 1–100 of [A-Za-z0-9_-]");

/** `GET /dead-letters?workflow=&error=&minAgeSeconds=&limit=` */
export const DeadLettersQuery = z.strictObject({
  workflow: WorkflowName.optional(),
  error: ErrorText.optional(),
  minAgeSeconds: MinAgeSeconds.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * `POST /dead-letters/redrive`: which letters (`filter`, `ids`), how many, and a dry run unless
 * the caller says `"dryRun": false` — moving messages is the one thing here that cannot be undone.
 */
export const RedriveBody = z.strictObject({
  dryRun: z.boolean().default(true),
  max: z.number().int().min(1).max(1000).default(100),
  filter: z
    .strictObject({
      workflow: WorkflowName.optional(),
      error: ErrorText.optional(),
      minAgeSeconds: z
        .number()
        .int()
        .min(0)
        .max(14 * 86_400)
        .optional(),
    })
    .default({}),
  ids: z.array(LetterId).min(1).max(100).optional(),
});

/**
 * Parses `value` with `schema`, or throws an {@link InvalidRequestError} listing every issue
 * under `where` (`body`, `query`, `path`, `header.idempotency-key`).
 *
 * @example
 * const body = parseOr400(StartRunBody, JSON.parse(text), "body");
 */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidRequestError(issuesOf(parsed.error, where));
}

/** The zod issues under `where` (`body`, `query`, `path.id`), by the one rule of `fieldIssues` (`#core`). */
export function issuesOf(error: z.ZodError, where: string): FieldIssue[] {
  return fieldIssues(error, { part: where });
}
