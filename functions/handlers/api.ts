import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createApiHandler, dynamoIdempotencyStore, sqsDeadLetters, sqsRunQueue } from "#api";
import { auditStoreFromEnv } from "#audit";
import { DynamoDBSaver, ThreadLeases } from "#checkpoint";
import { ConfigurationError, dataBucketName, idempotencyTableName, readEnv, resources } from "#config";
import { checkDataRef, type DataRef, requireUnder } from "#trading";
import { getWorkflow } from "#workflows";
import { lambdaTelemetry } from "./instrument.ts";

// Built once per cold start (docs/architecture.md, "House style" §1); a missing variable fails the cold
// start, not a request.
const env = readEnv();
const { REQUESTS_QUEUE_URL, REQUESTS_DLQ_URL } = env;
if (!REQUESTS_QUEUE_URL || !REQUESTS_DLQ_URL)
  throw new ConfigurationError("The api Lambda needs REQUESTS_QUEUE_URL and REQUESTS_DLQ_URL.");
const spec = resources(env.SWITCHYARD_STAGE).idempotencyTable;
const dynamodb = new DynamoDBClient({ region: env.AWS_REGION });
const sqs = new SQSClient({ region: env.AWS_REGION });
const saver = DynamoDBSaver.fromEnv({ client: dynamodb });

/**
 * On AWS a run may name only the stage's data bucket — for its day, mapping, output and breaks:
 * a local path (the Lambda's own disk) or another bucket is refused with 400
 * (`Trading.UriNotAllowed` on the field) before anything is read. The local API server (`local/api-server.ts`) keeps accepting local paths.
 */
const allowedData = `s3://${dataBucketName(env)}/`;
const checkData = async (ref: DataRef) => {
  requireUnder(allowedData, [ref.uri, ref.mapping]);
  return checkDataRef(ref);
};
const allowUri = (uri: string) => requireUnder(allowedData, [uri]);
// The decision audit the engine writes (GET /runs/{id}/audit): read, and its seals checked with
// the signing key's public half (kms:GetPublicKey).
const audit = auditStoreFromEnv(env, { dynamodb });

// Like every other handler: a Powertools logger with correlation ids, an X-Ray subsegment and an
// OpenTelemetry span per request, EMF flushed before the function returns.
const { telemetry, instrument } = lambdaTelemetry(env);

/** The REST API: API Gateway proxy event → route → domain (`#api`) → proxy result. */
const api = createApiHandler({
  ports: {
    queue: sqsRunQueue(sqs, REQUESTS_QUEUE_URL),
    saver,
    workflowNamed: getWorkflow,
    deadLetters: sqsDeadLetters(sqs, {
      deadLetterQueueUrl: REQUESTS_DLQ_URL,
      requestsQueueUrl: REQUESTS_QUEUE_URL,
    }),
    // A failed run's record is one item beside its checkpoints (the lease): one GetItem.
    failedRuns: ThreadLeases.beside(saver),
    checkData,
    allowUri,
    ...(audit ? { audit: { log: audit.log, verifier: audit.signer } } : {}),
  },
  idempotencyStore: dynamoIdempotencyStore(dynamodb, idempotencyTableName(env), spec),
  idempotencyTtlSeconds: spec.ttlSeconds,
  auth: env.API_AUTH,
  // A 500's cause goes to the log, never to the caller: the API's one log event (`problemOf`).
  ...(telemetry
    ? { log: (_message: string, error: unknown) => telemetry.logger.error("api: unhandled error", { error }) }
    : {}),
});

export const handler = instrument("api", api);
