import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiHandler, createApiHandler, LOCAL_LOOPBACK, type ProxyEvent } from "#api";
import type { WorkflowDefinition } from "#engine";
import type { Faults } from "#faults";
import { dispatchBatch } from "#ingress";
import { createTelemetry, type Metrics, PrometheusRegistry } from "#telemetry";
import { checkDataRef } from "#trading";
import { ApiEnv, buildApiOptions, buildDispatcherDeps } from "#wiring";
import { LocalExecutions } from "./executions.ts";
import type { LocalAws } from "./local-aws.ts";
import { metricsRoute } from "./metrics-server.ts";
import { localLeases, localSaver } from "./saver.ts";
import { failedRunTarget, pollQueue } from "./triggers.ts";

const LOOPBACK = "127.0.0.1";
/** API Gateway's own hard limit is 10 MB; the handler refuses far less (MAX_BODY_BYTES). */
const HARD_BODY_LIMIT = 1024 * 1024;
/** How long the consumer waits after finding the requests queue empty. */
const IDLE_POLL_MS = 200;

export interface ApiServerOptions {
  readonly aws: LocalAws;
  /** Default 0 (a free port); `npm run serve` passes `PORT` (3000). */
  readonly port?: number;
  /** Run the dispatcher over the requests queue, starting executions locally (default true). */
  readonly consume?: boolean;
  /**
   * The workflows it serves, by name and as `GET /workflows` lists them (default: this
   * repository's registry, `#workflows`, imported only then — the `switchyard/local` face loads
   * no workflow of ours otherwise, and has no top-level await).
   */
  readonly workflowNamed?: (name: string) => WorkflowDefinition;
  readonly workflows?: readonly WorkflowDefinition[];
  /** Keeps execution names here, so the CLI and the server refuse each other's duplicates. */
  readonly executionsFile?: string;
  /** Faults for the local StartExecution (drills and tests: throttles into the DLQ). */
  readonly faults?: Faults;
  /** Replaces every state-machine Retry wait (tests); real intervals otherwise. */
  readonly retryIntervalMs?: number;
  /** The watchdog for the executions the server starts (SWITCHYARD_STALL_SECONDS in `serve`). */
  readonly stallTimeoutMs?: number;
  /** Level of the runs' telemetry log lines (default SILENT: the server logs its own lines). */
  readonly telemetryLogLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  /** Progress lines: requests, runs started and finished. */
  readonly log?: (line: string) => void;
  /** The API's clock (answers are stamped and checked against approval deadlines with it); tests fake it. */
  readonly now?: () => Date;
}

export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The API Gateway proxy handler the server calls: the api Lambda's, over the embedded AWS. */
  readonly handler: ApiHandler;
  /** The executions the dispatcher started (Step Functions' registry, locally). */
  readonly executions: LocalExecutions;
  /** What `GET /metrics` renders: fed by every run the server starts. */
  readonly metrics: PrometheusRegistry;
  /** Resolves when every execution started so far has ended (tests wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The workflows a server serves: the options', else this repository's registry, imported then. */
async function servedWorkflows(
  options: Pick<ApiServerOptions, "workflowNamed" | "workflows">,
): Promise<{ workflowNamed: (name: string) => WorkflowDefinition; listed: readonly WorkflowDefinition[] }> {
  if (options.workflowNamed && options.workflows)
    return { workflowNamed: options.workflowNamed, listed: options.workflows };
  const registry = await import("#workflows");
  return {
    workflowNamed: options.workflowNamed ?? registry.getWorkflow,
    listed: options.workflows ?? Object.values(registry.workflows),
  };
}

/**
 * Serves the `api` Lambda's handler over HTTP on 127.0.0.1 against the embedded AWS, with what
 * AWS runs behind it: the dispatcher over the requests queue (the SQS event source's stand-in,
 * `pollQueue` + `#ingress` `dispatchBatch`), starting executions in the local registry (duplicate
 * run ids start nothing; a failure is recorded beside its checkpoints (the lease item), on the
 * failed-runs queue and the alerts topic), and
 * `GET /metrics` in the Prometheus text format for the runs it started.
 *
 * ```
 * curl ─▶ api handler ─▶ requests queue ─▶ dispatchBatch ─▶ LocalExecutions ─▶ state machine
 *                           │ 5 failed starts               │ FAILED / TIMED_OUT / ABORTED
 *                           ▼                               ▼
 *                       requests DLQ ◀─ /dead-letters    lease item (─▶ GET /runs/{id}), failed-runs queue, alert
 * ```
 *
 * Authentication: API Gateway enforces IAM (SigV4) in AWS. Here the server marks loopback peers
 * as the caller `local:loopback`, and only them; anything else reaches the handler without a
 * caller and gets 401 — and the socket listens on loopback alone anyway.
 *
 * @example
 * const aws = await startLocalAws();
 * const api = await startApiServer({ aws, port: 3000 });
 * // curl -X POST http://127.0.0.1:3000/workflows/triage/runs ; curl http://127.0.0.1:3000/metrics
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { aws } = options;
  const log = options.log ?? (() => undefined);
  const { workflowNamed, listed } = await servedWorkflows(options);
  const queueUrl = aws.queueUrls[aws.resources.requestsQueue.name] ?? "";
  const metrics = new PrometheusRegistry();
  const telemetry = createTelemetry({ prometheus: metrics, logLevel: options.telemetryLogLevel ?? "SILENT" });
  const executions = new LocalExecutions({
    aws,
    workflowNamed,
    onFailed: failedRunTarget(aws, workflowNamed),
    // Prometheus only, no spans: the observer counts, no callback handler is attached.
    ...telemetry.hooks({ rootIsRun: false }),
    ...(options.executionsFile ? { file: options.executionsFile } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
    ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
  });
  // Wired as the api Lambda is (functions/handlers/wiring/api.ts); only the ports AWS has no
  // stand-in for differ: the executions registry for failures, local paths allowed for data.
  const handler = createApiHandler(
    buildApiOptions(ApiEnv.read(aws.env), {
      sqs: aws.clients.sqs,
      dynamodb: aws.clients.dynamodb,
      saver: localSaver(aws),
      workflowNamed,
      workflows: listed,
      failedRuns: localLeases(aws),
      data: { checkData: checkDataRef },
      audit: { log: aws.audit.log, verifier: aws.audit.signer },
      ...(options.now ? { now: options.now } : {}),
      log: (message, error) => log(`${message}: ${(error as Error)?.stack ?? String(error)}`),
    }),
  );

  const scrape = metricsRoute(metrics);
  const server = createServer((req, res) => {
    if (scrape(req, res)) return;
    serve(handler, req, res, log).catch((err: unknown) => {
      log(`serve: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const consumer =
    options.consume === false
      ? undefined
      : startDispatcher(aws, queueUrl, executions, log, telemetry.metrics);
  return {
    url: `http://${LOOPBACK}:${port}`,
    handler,
    executions,
    metrics,
    idle: async () => {
      await executions.idle();
    },
    stop: async () => {
      await consumer?.stop();
      await executions.idle();
      await telemetry.flush();
      await close(server);
    },
  };
}

async function serve(
  handler: ApiHandler,
  req: IncomingMessage,
  res: ServerResponse,
  log: (line: string) => void,
) {
  const body = await readBody(req);
  if (body === undefined) {
    res
      .writeHead(413, { "content-type": "application/json" })
      .end('{"error":{"code":"Switchyard.PayloadTooLarge"}}');
    return;
  }
  const result = await handler(toProxyEvent(req, body), {
    getRemainingTimeInMillis: () => 30_000, // the api Lambda's timeout: bounds an idempotency lock
    awsRequestId: randomUUID(),
  });
  log(`${req.method} ${req.url} → ${result.statusCode}`);
  res.writeHead(result.statusCode, result.headers as Record<string, string>).end(result.body);
}

/** The request as API Gateway's REST proxy integration would hand it to the Lambda. */
export function toProxyEvent(req: IncomingMessage, body: string): ProxyEvent {
  const url = new URL(req.url ?? "/", `http://${LOOPBACK}`);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    multiQuery[k] = [...(multiQuery[k] ?? []), v];
  }
  const sourceIp = req.socket.remoteAddress ?? "";
  const loopback = sourceIp === LOOPBACK || sourceIp === "::1" || sourceIp === "::ffff:127.0.0.1";
  return {
    httpMethod: req.method ?? "GET",
    path: url.pathname,
    resource: "/{proxy+}",
    headers,
    multiValueHeaders,
    queryStringParameters: url.searchParams.size > 0 ? query : null,
    multiValueQueryStringParameters: url.searchParams.size > 0 ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      requestId: randomUUID(),
      domainName: LOOPBACK,
      identity: loopback ? { caller: "local", userArn: LOCAL_LOOPBACK, sourceIp } : { sourceIp },
    },
    body: body === "" ? null : body,
    isBase64Encoded: false,
  };
}

/**
 * The body as text, or undefined past the hard limit. The rest is still read (and dropped) so
 * the keep-alive connection stays usable for the client's next request.
 */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= HARD_BODY_LIMIT) chunks.push(chunk as Buffer);
  }
  return size > HARD_BODY_LIMIT ? undefined : Buffer.concat(chunks).toString("utf8");
}

/**
 * The dispatcher Lambda's stand-in: drains the requests queue through the same `dispatchBatch`
 * the deployed dispatcher runs, polling again shortly after the queue runs dry.
 */
function startDispatcher(
  aws: LocalAws,
  queueUrl: string,
  executions: LocalExecutions,
  log: (line: string) => void,
  metrics: Metrics,
): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const deps = {
    // Wired as the dispatcher Lambda is (maxReceiveCount, metrics: DeadLetters counts here too).
    ...buildDispatcherDeps(aws.env, { startExecution: executions.startExecution }, { metrics }),
    onOutcome: (o: { runId: string; workflow: string; outcome: string }) =>
      log(
        `run ${o.runId}: ${o.workflow} ${o.outcome === "duplicate" ? "already started (duplicate)" : "started"}`,
      ),
  };
  const loop = (async () => {
    while (!stopped) {
      const drained = await pollQueue(aws, queueUrl, (event) => dispatchBatch(event, deps)).catch(
        (err: unknown) => {
          if (!stopped) log(`dispatcher: ${(err as Error).message}`);
          return { batches: 0 };
        },
      );
      if (drained.batches === 0 && !stopped)
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, IDLE_POLL_MS);
        });
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
