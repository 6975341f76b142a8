import { z } from "zod";
import { AuditTrailSchema } from "./audit-trail.ts";
import { RunResultViewSchema, RunViewSchema } from "./run-view.ts";
import {
  AuditQuery,
  DeadLettersQuery,
  HistoryQuery,
  IdempotencyKey,
  RedriveBody,
  ResumeBody,
  RunId,
  RunQuery,
  StartRunBody,
  WorkflowName,
} from "./schemas.ts";
import { WorkflowInfoSchema, WorkflowListSchema } from "./workflow-info.ts";

/**
 * The one route table: the router (handler.ts) registers these paths, the OpenAPI document
 * (openapi.ts) describes them, and the API Gateway construct creates a method for each. A route
 * added here without an implementation in the handler fails to type-check.
 */

/** `202 Accepted` of a start or a resume. */
export const AcceptedSchema = z.strictObject({
  runId: z.string(),
  /** For a resume: the id of the new execution on the run's thread. */
  resumeId: z.string().optional(),
});

export const HistorySchema = z.strictObject({
  runId: z.string(),
  checkpoints: z.array(
    z.strictObject({
      checkpointId: z.string(),
      parentCheckpointId: z.string().optional(),
      step: z.number().int(),
      source: z.string().optional(),
      createdAt: z.string(),
      pendingWrites: z.number().int(),
    }),
  ),
});

export const DeadLettersSchema = z.strictObject({
  items: z.array(
    z.object({
      id: z.string(),
      queue: z.string(),
      kind: z.enum(["run-request", "failed-run", "unreadable"]),
      runId: z.string().optional(),
      workflow: z.string().optional(),
      error: z.string().optional(),
      receiveCount: z.number().int(),
      sentAt: z.string(),
      reexecutes: z.string(),
      bodyBytes: z.number().int(),
      body: z.unknown().optional(),
    }),
  ),
});

export const RedriveReportSchema = z.object({
  dryRun: z.boolean(),
  matched: z.number().int(),
  redriven: z.number().int(),
  entries: z.array(
    z.object({
      id: z.string(),
      runId: z.string().optional(),
      workflow: z.string().optional(),
      action: z.enum(["redriven", "would-redrive", "skipped"]),
      reexecutes: z.string(),
    }),
  ),
});

/** Every error answer: a stable code to match on, a message naming the fields, the issues. */
export const ErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** The OpenAPI document itself (`GET /openapi.json`): an object, described by the OpenAPI 3.1 spec. */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown());

/** Response bodies by component name (`#/components/schemas/<name>` in the OpenAPI document). */
export const RESPONSE_SCHEMAS = {
  RunView: RunViewSchema,
  RunResultView: RunResultViewSchema,
  Accepted: AcceptedSchema,
  History: HistorySchema,
  AuditTrail: AuditTrailSchema,
  WorkflowList: WorkflowListSchema,
  WorkflowInfo: WorkflowInfoSchema,
  DeadLetters: DeadLettersSchema,
  RedriveReport: RedriveReportSchema,
  OpenApiDocument: OpenApiDocumentSchema,
  Error: ErrorSchema,
} as const;
export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

export type HttpMethod = "GET" | "POST";

export interface RouteSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** OpenAPI form: `/runs/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly pathParams?: Readonly<Record<string, z.ZodType>>;
  /** Strict: an unknown query parameter is a 400 naming it. */
  readonly query?: z.ZodObject;
  readonly body?: { readonly schema: z.ZodType; readonly required: boolean };
  /** Whether the route honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** The success status and its body, then the errors this route answers besides every route's. */
  readonly ok: {
    readonly status: 200 | 202;
    readonly schema: ResponseSchemaName;
    readonly description: string;
  };
  readonly errors: readonly number[];
}

const run = { id: RunId } as const;

export const ROUTES = [
  {
    operationId: "listWorkflows",
    method: "GET",
    path: "/workflows",
    summary: "The workflows this API runs, each with its input as JSON Schema",
    ok: { status: 200, schema: "WorkflowList", description: "Every registered workflow" },
    errors: [],
  },
  {
    operationId: "getWorkflow",
    method: "GET",
    path: "/workflows/{name}",
    summary: "One workflow: its input and result as JSON Schema, allowed answers, an example request",
    pathParams: { name: WorkflowName },
    ok: { status: 200, schema: "WorkflowInfo", description: "The workflow" },
    errors: [404],
  },
  {
    operationId: "startRun",
    method: "POST",
    path: "/workflows/{name}/runs",
    summary: "Start a run; the input is checked against the workflow's own schema (GET /workflows/{name})",
    pathParams: { name: WorkflowName },
    body: { schema: StartRunBody, required: false },
    idempotent: true,
    ok: { status: 202, schema: "Accepted", description: "Accepted and queued; Location names the run" },
    errors: [404, 409, 413, 415, 422],
  },
  {
    operationId: "getRun",
    method: "GET",
    path: "/runs/{id}",
    summary: "Where a run stands; once finished its summary, outputs and a link to its result",
    pathParams: run,
    query: RunQuery,
    ok: { status: 200, schema: "RunView", description: "The run view" },
    errors: [404],
  },
  {
    operationId: "getRunResult",
    method: "GET",
    path: "/runs/{id}/result",
    summary: "The workflow's declared result (breaks, root causes, the triage decision and amendment)",
    description:
      "Answered once the run has succeeded, or while it waits for a person (what is decided so far); 409 while it runs or after it failed.",
    pathParams: run,
    query: RunQuery,
    ok: { status: 200, schema: "RunResultView", description: "The result" },
    errors: [404, 409],
  },
  {
    operationId: "getRunHistory",
    method: "GET",
    path: "/runs/{id}/history",
    summary: "The run's checkpoints, newest first",
    pathParams: run,
    query: HistoryQuery,
    ok: { status: 200, schema: "History", description: "Checkpoints" },
    errors: [404],
  },
  {
    operationId: "getRunAudit",
    method: "GET",
    path: "/runs/{id}/audit",
    summary: "The run's decision audit, verified now: every model call, tool call and approval, in order",
    description:
      "The hash chain is recomputed and its signed seal checked on every call (verified, problem); records are paged with from and limit.",
    pathParams: run,
    query: AuditQuery,
    ok: { status: 200, schema: "AuditTrail", description: "The verdict and a page of records" },
    errors: [404],
  },
  {
    operationId: "resumeRun",
    method: "POST",
    path: "/runs/{id}/resume",
    summary: "Answer a waiting run (the allowed answers are in its view's waiting.interrupts)",
    pathParams: run,
    body: { schema: ResumeBody, required: true },
    idempotent: true,
    ok: { status: 202, schema: "Accepted", description: "Accepted; a new execution on the same thread" },
    errors: [404, 409, 413, 415, 422],
  },
  {
    operationId: "listDeadLetters",
    method: "GET",
    path: "/dead-letters",
    summary: "The requests DLQ, filtered, peeked (nothing moves)",
    query: DeadLettersQuery,
    ok: { status: 200, schema: "DeadLetters", description: "Dead letters" },
    errors: [],
  },
  {
    operationId: "redriveDeadLetters",
    method: "POST",
    path: "/dead-letters/redrive",
    summary: 'Redrive dead letters; a dry run unless "dryRun": false',
    body: { schema: RedriveBody, required: false },
    ok: { status: 200, schema: "RedriveReport", description: "What moved, or would" },
    errors: [413, 415],
  },
  {
    operationId: "getOpenApi",
    method: "GET",
    path: "/openapi.json",
    summary: "This document",
    ok: { status: 200, schema: "OpenApiDocument", description: "OpenAPI 3.1" },
    errors: [],
  },
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]["operationId"];

/** Statuses every route may answer: bad request, no caller, an unknown route's neighbour, a fault. */
export const COMMON_ERRORS = [400, 401, 500] as const;

/** The Idempotency-Key header's schema, for the routes that honour it. */
export const IDEMPOTENCY_KEY_HEADER = IdempotencyKey;

/**
 * A route's path in the router's form (`/runs/:id`).
 *
 * @example
 * routerPath("/runs/{id}/result"); // "/runs/:id/result"
 */
export function routerPath(path: string): `/${string}` {
  return path.replace(/\{(\w+)\}/g, ":$1") as `/${string}`;
}
