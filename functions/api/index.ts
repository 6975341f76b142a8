/**
 * `#api`: the REST API domain behind the `api` Lambda and `npm run serve` — routes, zod
 * schemas, typed errors with HTTP statuses, and the ports it runs over.
 *
 * @example
 * import { createApiHandler, sqsRunQueue } from "#api";
 */
export { type AuditPort, type AuditTrail, AuditTrailSchema, readAuditTrail } from "./audit-trail.ts";
export { type AuthMode, callerOf } from "./auth.ts";
export { dynamoIdempotencyStore, sqsRunQueue } from "./aws.ts";
export { approverOf, LOCAL_LOOPBACK, requesterOf } from "./caller.ts";
export * from "./errors.ts";
export { type ApiHandler, type ApiOptions, createApiHandler, MAX_BODY_BYTES } from "./handler.ts";
export { type Idempotent, idempotent, type KeyedCall } from "./idempotency.ts";
export { openApiDocument } from "./openapi.ts";
export { publishedSchemas } from "./published.ts";
export * from "./routes.ts";
export { newRunId, workflowOfRunId } from "./run-id.ts";
export * from "./run-view.ts";
export { type Accepted, type HistoryEntry, type RunsContext, readResult, readRun } from "./runs.ts";
export * from "./schemas.ts";
export { type SqsDeadLettersOptions, sqsDeadLetters } from "./sqs-dead-letters.ts";
export type * from "./types.ts";
export * from "./workflow-info.ts";
