import { z } from "zod";

/**
 * The message every entry point (API, EventBridge schedules, MSK consumer, S3 data arrivals, operator redrive)
 * puts on the requests queue, and the dispatcher consumes. One schema, so producers and the
 * consumer cannot drift. The run id names the Step Functions execution, which is what makes a
 * duplicate delivery start nothing new (StartExecution with an existing name is rejected).
 * Strict: a field no producer writes (a misspelt `inputs`) is poison, dead-lettered with its
 * name, never silently dropped.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{8,80}$/;

export const RunRequestSchema = z.strictObject({
  /** Names the execution (≤ 80 chars, [A-Za-z0-9_-]): idempotent start. */
  runId: z.string().regex(RUN_ID_PATTERN, "8–80 characters: letters, digits, '-' and '_'"),
  workflow: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, "a registered workflow name"),
  /** The workflow's input, validated against the workflow's own schema by the dispatcher/start. */
  input: z.unknown().optional(),
  /** The checkpoint thread; defaults to the run id. */
  threadId: z.string().regex(RUN_ID_PATTERN).optional(),
  /** Answer to a waiting interrupt (resume), instead of new input. */
  resume: z.unknown().optional(),
  /** LangGraph's `recursionLimit` for this start or resume; the workflow's otherwise. */
  recursionLimit: z.number().int().min(1).optional(),
  /** Continue a failed run from its last checkpoint, instead of new input. */
  recover: z.boolean().optional(),
  source: z.enum(["api", "schedule", "msk", "s3", "redrive", "cli"]),
  /**
   * Who asked for the run, as the entry point authenticated them (the API's caller:
   * `iam:<principal ARN>` or `cognito:<sub>`); a workflow's four-eyes rules may exclude them.
   */
  requestedBy: z.string().min(1).max(2_048).optional(),
  /** Caller's idempotency key (API `Idempotency-Key`), kept for audit. */
  idempotencyKey: z.string().max(128).optional(),
  requestedAt: z.iso.datetime().max(64),
  /** A schedule's IANA time zone: the date `{businessDate}` in its input stands for (see `dated-input.ts`). */
  timeZone: z.string().min(1).max(64).optional(),
  /** W3C trace context of the producer, so the run's trace links to the request. */
  traceparent: z.string().max(128).optional(),
});

export type RunRequest = z.infer<typeof RunRequestSchema>;
