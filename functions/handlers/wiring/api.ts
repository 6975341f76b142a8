import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import {
  type ApiOptions,
  type ApiPorts,
  type AuditPort,
  dynamoIdempotencyStore,
  type FailedRunsPort,
  sqsDeadLetters,
  sqsRunQueue,
} from "#api";
import {
  dataBucketName,
  type Env,
  type EnvWith,
  envSchemaFor,
  idempotencyTableName,
  resources,
} from "#config";
import type { WorkflowDefinition } from "#engine";
import { logEvent, type Telemetry } from "#telemetry";
import { checkDataRef, type DataRef, requireUnder } from "#trading";

/** The api Lambda enqueues runs and lists and redrives the requests DLQ: both queues required. */
export const ApiEnv = envSchemaFor("api", ["REQUESTS_QUEUE_URL", "REQUESTS_DLQ_URL"]);
export type ApiEnv = EnvWith<"REQUESTS_QUEUE_URL" | "REQUESTS_DLQ_URL"> & Env;

/** The clients and the ports that differ between AWS and the embedded AWS. */
export interface ApiClients {
  readonly sqs: SQSClient;
  /** The idempotency table's. */
  readonly dynamodb: DynamoDBClient;
  /** The checkpoint saver: run status and history are read from it. */
  readonly saver: BaseCheckpointSaver;
  /** The workflows it serves: by name, and the list `GET /workflows` shows (the Lambda: `#workflows`). */
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  readonly workflows: readonly WorkflowDefinition[];
  /** The run view's failures: the lease item beside the checkpoints, on AWS and locally alike. */
  readonly failedRuns: FailedRunsPort;
  /** Which data a run may name (`awsDataChecks` on AWS: the stage's bucket alone). */
  readonly data: Pick<ApiPorts, "checkData" | "allowUri">;
  readonly audit?: AuditPort | undefined;
  readonly now?: () => Date;
  /** A 500's cause, when there is no telemetry logger. */
  readonly log?: (message: string, error: unknown) => void;
}

/**
 * The REST API's options from its environment and clients, for the api Lambda
 * (functions/handlers/api.ts) and `npm run serve` (local/api-server.ts) alike: the requests queue
 * and its DLQ (redrives counted as `Redrives`), the idempotency table, and a 500's cause to the
 * log, never to the caller.
 *
 * @example
 * const api = createApiHandler(buildApiOptions(ApiEnv.read(), { sqs, dynamodb, saver, failedRuns, data }, telemetry));
 */
export function buildApiOptions(env: ApiEnv, clients: ApiClients, telemetry?: Telemetry): ApiOptions {
  const spec = resources(env.SWITCHYARD_STAGE).idempotencyTable;
  const log =
    telemetry !== undefined
      ? (_message: string, error: unknown) => logEvent(telemetry.logger, "api: unhandled error", { error })
      : clients.log;
  return {
    ports: {
      queue: sqsRunQueue(clients.sqs, env.REQUESTS_QUEUE_URL),
      saver: clients.saver,
      workflowNamed: clients.workflowNamed,
      deadLetters: sqsDeadLetters(clients.sqs, {
        deadLetterQueueUrl: env.REQUESTS_DLQ_URL,
        requestsQueueUrl: env.REQUESTS_QUEUE_URL,
        metrics: telemetry?.metrics,
      }),
      failedRuns: clients.failedRuns,
      ...clients.data,
      ...(clients.audit ? { audit: clients.audit } : {}),
      ...(clients.now ? { now: clients.now } : {}),
    },
    workflows: clients.workflows,
    idempotencyStore: dynamoIdempotencyStore(clients.dynamodb, idempotencyTableName(env), spec),
    idempotencyTtlSeconds: spec.ttlSeconds,
    auth: env.API_AUTH,
    ...(log ? { log } : {}),
  };
}

/**
 * On AWS a run may name only the stage's data bucket — for its day, mapping, output and breaks:
 * a local path (the Lambda's own disk) or another bucket is refused with 400
 * (`Trading.UriNotAllowed` on the field) before anything is read. The local API server keeps
 * accepting local paths (`checkDataRef` alone).
 *
 * @example
 * buildApiOptions(env, { ...clients, data: awsDataChecks(env) });
 */
export function awsDataChecks(env: Env): Pick<ApiPorts, "checkData" | "allowUri"> {
  const allowed = `s3://${dataBucketName(env)}/`;
  return {
    checkData: async (ref: DataRef) => {
      requireUnder(allowed, [ref.uri, ref.mapping]);
      return checkDataRef(ref);
    },
    allowUri: (uri: string) => requireUnder(allowed, [uri]),
  };
}

/** The id every log line of a request carries: API Gateway's request id. */
export function apiCorrelationId(event: unknown): string | undefined {
  const id = (event as { requestContext?: { requestId?: unknown } } | null)?.requestContext?.requestId;
  return typeof id === "string" ? id : undefined;
}
