import { isAPIGatewayProxyEventV1, Router } from "@aws-lambda-powertools/event-handler/http";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { type AuthMode, callerOf } from "./auth.ts";
import { approverOf } from "./caller.ts";
import { listDeadLetters, redriveDeadLetters } from "./dead-letters.ts";
import { InvalidRequestError, PayloadTooLargeError } from "./errors.ts";
import { idempotent } from "./idempotency.ts";
import { idempotencyKeyOf, jsonBody, queryOf, traceparentOf } from "./requests.ts";
import { json, problemOf, RESPONSE_HEADERS } from "./responses.ts";
import {
  type Accepted,
  acceptResume,
  acceptStart,
  enqueueRun,
  type RunsContext,
  readHistory,
  readRun,
} from "./runs.ts";
import {
  DeadLettersQuery,
  HistoryQuery,
  parseOr400,
  RedriveBody,
  ResumeBody,
  RunId,
  RunQuery,
  StartRunBody,
  WorkflowName,
} from "./schemas.ts";
import type { ApiPorts, InvocationContext, ProxyEvent, ProxyResult } from "./types.ts";

/** Run requests are small (an input, a decision); SQS takes 256 KiB, so this leaves the envelope room. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiOptions {
  readonly ports: ApiPorts;
  /** Where Idempotency-Key records live (DynamoDB in AWS and locally). */
  readonly idempotencyStore: BasePersistenceLayer;
  /** How long a key is remembered (`resources().idempotencyTable.ttlSeconds`). */
  readonly idempotencyTtlSeconds: number;
  readonly auth: AuthMode;
  readonly maxBodyBytes?: number;
  readonly log?: (message: string, error: unknown) => void;
}

export type ApiHandler = (event: unknown, context?: InvocationContext) => Promise<ProxyResult>;

interface RouteContext {
  readonly params: Record<string, string>;
  readonly req: Request;
  readonly event: unknown;
}

/**
 * The REST API as one Lambda handler over API Gateway (REST, proxy integration) events:
 * authenticate, bound the body, route (Powertools event handler), validate every part with
 * zod, call the domain, map errors to statuses. `npm run serve` calls the same function.
 *
 * | Route                          | Answer                                                   |
 * | ------------------------------ | -------------------------------------------------------- |
 * | POST /workflows/{name}/runs    | 202 { runId } (Idempotency-Key honoured)                 |
 * | GET  /runs/{id}                | 200 status, step, nodes, waiting interrupt, error        |
 * | GET  /runs/{id}/history        | 200 checkpoints, newest first                            |
 * | POST /runs/{id}/resume         | 202 { runId, resumeId }; 409 unless waiting; four-eyes: 403/409 |
 * | GET  /dead-letters             | 200 { items }: the requests DLQ, filtered, peeked        |
 * | POST /dead-letters/redrive     | 200 report; a dry run unless "dryRun": false             |
 *
 * @example
 * export const handler = createApiHandler({ ports, idempotencyStore, idempotencyTtlSeconds: 86_400, auth: "iam" });
 */
export function createApiHandler(options: ApiOptions): ApiHandler {
  const { ports, auth } = options;
  const log = options.log ?? ((message, error) => console.error(message, error));
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const enqueueOnce = idempotent<Accepted>(
    (call) => enqueueRun(ctx, call),
    options.idempotencyStore,
    options.idempotencyTtlSeconds,
  );
  const ctx: RunsContext = { ports, enqueueOnce };
  const router = new Router({
    logger: { debug: () => undefined, info: () => undefined, warn: log, error: log },
  });
  const who = (r: RouteContext) => ({
    caller: callerOf(r.event as ProxyEvent, auth),
    idempotencyKey: idempotencyKeyOf(r.req),
    traceparent: traceparentOf(r.req),
  });

  router.post("/workflows/:name/runs", async (r: RouteContext) => {
    const name = parseOr400(WorkflowName, r.params.name, "path.name");
    const caller = who(r);
    const body = parseOr400(StartRunBody, await jsonBody(r.req, { required: false }), "body");
    const accepted = await acceptStart(ctx, name, body.input, caller);
    return json(202, accepted, { location: `/runs/${accepted.runId}` });
  });
  router.get("/runs/:id", async (r: RouteContext) => {
    const id = parseOr400(RunId, r.params.id, "path.id");
    const query = parseOr400(RunQuery, queryOf(r.req), "query");
    return json(200, await readRun(ctx, id, query.workflow));
  });
  router.get("/runs/:id/history", async (r: RouteContext) => {
    const id = parseOr400(RunId, r.params.id, "path.id");
    const query = parseOr400(HistoryQuery, queryOf(r.req), "query");
    return json(200, { runId: id, checkpoints: await readHistory(ctx, id, query.limit) });
  });
  router.post("/runs/:id/resume", async (r: RouteContext) => {
    const id = parseOr400(RunId, r.params.id, "path.id");
    const caller = who(r);
    const body = parseOr400(ResumeBody, await jsonBody(r.req, { required: true }), "body");
    const approver = approverOf(r.event as ProxyEvent, auth);
    const accepted = await acceptResume(ctx, id, body.decision, { ...caller, approver });
    return json(202, accepted, { location: `/runs/${accepted.runId}` });
  });
  router.get("/dead-letters", async (r: RouteContext) => {
    const query = parseOr400(DeadLettersQuery, queryOf(r.req), "query");
    return json(200, { items: await listDeadLetters(ports, query) });
  });
  router.post("/dead-letters/redrive", async (r: RouteContext) => {
    const body = parseOr400(RedriveBody, await jsonBody(r.req, { required: false }), "body");
    return json(200, await redriveDeadLetters(ports, body));
  });
  router.errorHandler(Error, async (err: Error) => {
    const p = problemOf(err, log);
    return json(p.status, p.body);
  });

  return async (event, context) => {
    try {
      // Not an API Gateway REST proxy event: nothing to route (a misconfigured integration).
      if (!isAPIGatewayProxyEventV1(event)) {
        throw new InvalidRequestError([{ path: "event", message: "not an API Gateway REST proxy event" }]);
      }
      const proxy = event as unknown as ProxyEvent;
      callerOf(proxy, auth); // before routing: an unauthenticated caller learns nothing, not even 404s
      if (bodyBytes(proxy) > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
      if (context) enqueueOnce.registerContext(context);
      return (await router.resolve(event as never, (context ?? {}) as never)) as ProxyResult;
    } catch (err) {
      // Errors outside the router's own try: auth, size, or an event the router cannot turn into
      // a Request (a GET with a body, a bad Host header) — the client's fault unless unrecognised.
      const p = problemOf(err instanceof TypeError ? malformed() : err, log);
      return { statusCode: p.status, headers: { ...RESPONSE_HEADERS }, body: JSON.stringify(p.body) };
    }
  };
}

function bodyBytes(event: ProxyEvent): number {
  if (event.body === null) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
}

function malformed(): InvalidRequestError {
  return new InvalidRequestError([{ path: "request", message: "malformed HTTP request" }]);
}
