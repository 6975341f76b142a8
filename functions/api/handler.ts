import { isAPIGatewayProxyEventV1, Router } from "@aws-lambda-powertools/event-handler/http";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { z } from "zod";
import type { WorkflowDefinition } from "#engine";
import { readAuditTrail } from "./audit-trail.ts";
import { type AuthMode, callerOf } from "./auth.ts";
import { approverOf, requesterOf } from "./caller.ts";
import { listDeadLetters, redriveDeadLetters } from "./dead-letters.ts";
import { InvalidRequestError, PayloadTooLargeError } from "./errors.ts";
import { idempotent } from "./idempotency.ts";
import { openApiDocument } from "./openapi.ts";
import { idempotencyKeyOf, jsonBody, queryOf, traceparentOf } from "./requests.ts";
import { json, problemOf, RESPONSE_HEADERS } from "./responses.ts";
import { type OperationId, ROUTES, type RouteSpec, routerPath } from "./routes.ts";
import {
  type Accepted,
  acceptResume,
  acceptStart,
  enqueueRun,
  type RunsContext,
  readHistory,
  readResult,
  readRun,
} from "./runs.ts";
import { parseOr400, type RunQuery } from "./schemas.ts";
import type { ApiPorts, InvocationContext, ProxyEvent, ProxyResult } from "./types.ts";
import { workflowInfo } from "./workflow-info.ts";

/** Run requests are small (an input, a decision); SQS takes 256 KiB, so this leaves the envelope room. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiOptions {
  readonly ports: ApiPorts;
  /** Where Idempotency-Key records live (DynamoDB in AWS and locally). */
  readonly idempotencyStore: BasePersistenceLayer;
  /**
   * The workflows `GET /workflows` lists and `/openapi.json` describes (the Lambda's wiring passes
   * the registry's). Passed, so `#api` loads no workflow: the CDK face reads its routes alone.
   */
  readonly workflows: readonly WorkflowDefinition[];
  /** How long a key is remembered (`resources().idempotencyTable.ttlSeconds`). */
  readonly idempotencyTtlSeconds: number;
  readonly auth: AuthMode;
  readonly maxBodyBytes?: number;
  readonly log?: (message: string, error: unknown) => void;
}

export type ApiHandler = (event: unknown, context?: InvocationContext) => Promise<ProxyResult>;

type RunQueryValue = z.infer<typeof RunQuery>;
const NO_QUERY = z.strictObject({});

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
 * | GET  /workflows                | 200 { workflows }: each with its input as JSON Schema    |
 * | GET  /workflows/{name}         | 200 input, result and answers as JSON Schema, example    |
 * | POST /workflows/{name}/runs    | 202 { runId } (Idempotency-Key honoured)                 |
 * | GET  /runs/{id}                | 200 the run view: status, waiting, summary, outputs      |
 * | GET  /runs/{id}/result         | 200 the workflow's declared result; 409 unless it has one|
 * | GET  /runs/{id}/history        | 200 checkpoints, newest first                            |
 * | POST /runs/{id}/resume         | 202 { runId, resumeId }; 409 unless waiting; four-eyes: 403/409 |
 * | GET  /dead-letters             | 200 { items }: the requests DLQ, filtered, peeked        |
 * | POST /dead-letters/redrive     | 200 report; a dry run unless "dryRun": false             |
 * | GET  /openapi.json             | 200 the OpenAPI 3.1 document of these routes             |
 *
 * The routes are the table of routes.ts; this function only binds each to its implementation.
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

  // Each route's path parameters, query and body, parsed by the route table's own schemas.
  const parsed = async (spec: RouteSpec, r: RouteContext) => {
    const path: Record<string, string> = {};
    for (const [name, schema] of Object.entries(spec.pathParams ?? {}))
      path[name] = parseOr400(schema as never, r.params[name], `path.${name}`);
    // A route without query parameters refuses any, naming it, as the others refuse unknown ones.
    const query: unknown = parseOr400(spec.query ?? NO_QUERY, queryOf(r.req), "query");
    const body = spec.body
      ? parseOr400(spec.body.schema, await jsonBody(r.req, { required: spec.body.required }), "body")
      : undefined;
    return { path, query, body };
  };
  type Parsed = Awaited<ReturnType<typeof parsed>>;
  const listed = options.workflows;
  // Built on first request, not at cold start: most invocations never ask for it.
  let document: Record<string, unknown> | undefined;
  const implementations: Record<OperationId, (p: Parsed, r: RouteContext) => Promise<Response>> = {
    listWorkflows: async () => json(200, { workflows: listed.map(workflowInfo) }),
    getWorkflow: async (p) => json(200, workflowInfo(ports.workflowNamed(p.path.name as string))),
    startRun: async (p, r) => {
      // Who asks for the run, so a four-eyes rule can keep them from approving it.
      const requester = requesterOf(r.event as ProxyEvent, auth);
      const caller = { ...who(r), ...(requester ? { approver: requester } : {}) };
      const accepted = await acceptStart(
        ctx,
        p.path.name as string,
        (p.body as { input?: never }).input,
        caller,
      );
      return json(202, accepted, { location: `/runs/${accepted.runId}` });
    },
    getRun: async (p) =>
      json(200, await readRun(ctx, p.path.id as string, (p.query as RunQueryValue).workflow)),
    getRunResult: async (p) =>
      json(200, await readResult(ctx, p.path.id as string, (p.query as RunQueryValue).workflow)),
    getRunAudit: async (p) =>
      json(
        200,
        await readAuditTrail(ports.audit, p.path.id as string, p.query as { from: number; limit: number }),
      ),
    getRunHistory: async (p) => {
      const id = p.path.id as string;
      return json(200, {
        runId: id,
        checkpoints: await readHistory(ctx, id, (p.query as { limit: number }).limit),
      });
    },
    resumeRun: async (p, r) => {
      // Who answers comes from the authenticated caller, never the body (docs/controls.md).
      const approver = approverOf(r.event as ProxyEvent, auth);
      const accepted = await acceptResume(
        ctx,
        p.path.id as string,
        (p.body as { decision: unknown }).decision,
        { ...who(r), approver },
      );
      return json(202, accepted, { location: `/runs/${accepted.runId}` });
    },
    listDeadLetters: async (p) => json(200, { items: await listDeadLetters(ports, p.query as never) }),
    redriveDeadLetters: async (p) => json(200, await redriveDeadLetters(ports, p.body as never)),
    getOpenApi: async () => {
      document ??= openApiDocument(listed);
      return json(200, document);
    },
  };
  for (const spec of ROUTES as readonly (RouteSpec & { operationId: OperationId })[]) {
    const implementation = implementations[spec.operationId];
    const register = spec.method === "GET" ? router.get.bind(router) : router.post.bind(router);
    register(routerPath(spec.path), async (r: RouteContext) => implementation(await parsed(spec, r), r));
  }
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
