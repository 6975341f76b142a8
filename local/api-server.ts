import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import {
  type ApiHandler,
  createApiHandler,
  dynamoIdempotencyStore,
  type ProxyEvent,
  sqsRunQueue,
} from "#api";
import type { WorkflowDefinition } from "#engine";
import { type RunRequest, RunRequestSchema } from "#ops";
import { getWorkflow } from "#workflows";
import { recoverOnStepFunctions, resumeOnStepFunctions, runOnStepFunctions } from "./engine.ts";
import type { LocalAws } from "./local-aws.ts";
import { localSaver } from "./saver.ts";

const LOOPBACK = "127.0.0.1";
/** API Gateway's own hard limit is 10 MB; the handler refuses far less (MAX_BODY_BYTES). */
const HARD_BODY_LIMIT = 1024 * 1024;

export interface ApiServerOptions {
  readonly aws: LocalAws;
  /** Default 0 (a free port); `npm run serve` passes `PORT` (3000). */
  readonly port?: number;
  /** Drain the requests queue and run each request on the local Step Functions runner (default true). */
  readonly consume?: boolean;
  readonly workflowNamed?: (name: string) => WorkflowDefinition;
  /** Progress lines: requests, runs started and finished. */
  readonly log?: (line: string) => void;
}

export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The API Gateway proxy handler the server calls: the api Lambda's, over the embedded AWS. */
  readonly handler: ApiHandler;
  /** Resolves when every run the consumer started has ended (tests wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Serves the `api` Lambda's handler over HTTP on 127.0.0.1 against the embedded AWS, and (by
 * default) a local consumer standing in for the dispatcher: it drains the requests queue and
 * runs each request through the same state machine CDK deploys, so a curl'd run really runs.
 *
 * Authentication: API Gateway enforces IAM (SigV4) in AWS. Here the server marks loopback peers
 * as the caller `local:loopback`, and only them; anything else reaches the handler without a
 * caller and gets 401 — and the socket listens on loopback alone anyway.
 *
 * @example
 * const aws = await startLocalAws();
 * const api = await startApiServer({ aws, port: 3000 });
 * // curl -X POST http://127.0.0.1:3000/workflows/triage/runs
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { aws } = options;
  const log = options.log ?? (() => undefined);
  const workflowNamed = options.workflowNamed ?? getWorkflow;
  const spec = aws.resources.idempotencyTable;
  const queueUrl = aws.queueUrls[aws.resources.requestsQueue.name] ?? "";
  const handler = createApiHandler({
    ports: { queue: sqsRunQueue(aws.clients.sqs, queueUrl), saver: localSaver(aws), workflowNamed },
    idempotencyStore: dynamoIdempotencyStore(aws.clients.dynamodb, spec.name, spec),
    idempotencyTtlSeconds: spec.ttlSeconds,
    auth: "iam",
    log: (message, error) => log(`${message}: ${(error as Error)?.stack ?? String(error)}`),
  });

  const server = createServer((req, res) => {
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

  const consumer = options.consume === false ? undefined : startConsumer(aws, queueUrl, workflowNamed, log);
  return {
    url: `http://${LOOPBACK}:${port}`,
    handler,
    idle: () => consumer?.idle() ?? Promise.resolve(),
    stop: async () => {
      await consumer?.stop();
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
      identity: loopback ? { caller: "local", userArn: "local:loopback", sourceIp } : { sourceIp },
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

interface Consumer {
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local stand-in for the dispatcher: receive a run request, delete it, run it. A message
 * that is not a valid run request is left alone, so after maxReceiveCount receives the queue
 * moves it to the requests DLQ, as on AWS.
 */
function startConsumer(
  aws: LocalAws,
  queueUrl: string,
  workflowNamed: (name: string) => WorkflowDefinition,
  log: (line: string) => void,
): Consumer {
  const running = new Set<Promise<void>>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const received = await aws.clients.sqs
        .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
        .catch((err: unknown) => {
          if (!stopped) log(`consumer: ${(err as Error).message}`);
          return { Messages: [] };
        });
      for (const message of received.Messages ?? []) {
        const parsed = RunRequestSchema.safeParse(safeJson(message.Body));
        if (!parsed.success) {
          log(`consumer: not a run request, left for the DLQ: ${message.MessageId}`);
          continue;
        }
        await aws.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        const run = execute(aws, parsed.data, workflowNamed, log).finally(() => running.delete(run));
        running.add(run);
      }
    }
  })();
  const idle = async () => {
    while (running.size > 0) await Promise.allSettled([...running]);
  };
  return {
    idle,
    stop: async () => {
      stopped = true;
      await loop;
      await idle();
    },
  };
}

async function execute(
  aws: LocalAws,
  request: RunRequest,
  workflowNamed: (name: string) => WorkflowDefinition,
  log: (line: string) => void,
): Promise<void> {
  const threadId = request.threadId ?? request.runId;
  try {
    const workflow = workflowNamed(request.workflow);
    log(`run ${request.runId}: ${request.workflow} on thread ${threadId} started`);
    const result =
      request.resume !== undefined
        ? await resumeOnStepFunctions(workflow, threadId, request.resume, { aws })
        : request.recover
          ? await recoverOnStepFunctions(workflow, threadId, { aws })
          : await runOnStepFunctions(workflow, request.input ?? {}, { aws, threadId });
    log(`run ${request.runId}: ${result.status}${result.error ? ` (${result.error.code})` : ""}`);
  } catch (err) {
    log(`run ${request.runId}: failed to run: ${(err as Error).message}`);
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
