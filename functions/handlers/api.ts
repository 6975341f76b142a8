import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createApiHandler, dynamoIdempotencyStore, sqsRunQueue } from "#api";
import { DynamoDBSaver } from "#checkpoint";
import { ConfigurationError, idempotencyTableName, readEnv, resources } from "#config";
import { getWorkflow } from "#workflows";

// Built once per cold start (STYLE.md §1); a missing variable fails the cold start, not a request.
const env = readEnv();
if (!env.REQUESTS_QUEUE_URL)
  throw new ConfigurationError("REQUESTS_QUEUE_URL is required by the api Lambda.");
const spec = resources(env.SWITCHYARD_STAGE).idempotencyTable;
const dynamodb = new DynamoDBClient({ region: env.AWS_REGION });

/** The REST API: API Gateway proxy event → route → domain (`#api`) → proxy result. */
export const handler = createApiHandler({
  ports: {
    queue: sqsRunQueue(new SQSClient({ region: env.AWS_REGION }), env.REQUESTS_QUEUE_URL),
    saver: DynamoDBSaver.fromEnv({ client: dynamodb }),
    workflowNamed: getWorkflow,
  },
  idempotencyStore: dynamoIdempotencyStore(dynamodb, idempotencyTableName(env), spec),
  idempotencyTtlSeconds: spec.ttlSeconds,
  auth: env.API_AUTH,
});
