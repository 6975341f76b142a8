import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { IdempotencyTableSpec } from "#config";
import { encodeMessageBody } from "#ingress";
import type { RunQueuePort } from "./types.ts";

/**
 * The requests queue as the API's {@link RunQueuePort}: one `SendMessage` per accepted request.
 * The message body is the `#ingress` RunRequest; its run id names the execution, so a duplicate
 * delivery starts nothing new.
 *
 * @example
 * const queue = sqsRunQueue(new SQSClient({}), env.REQUESTS_QUEUE_URL);
 */
export function sqsRunQueue(sqs: SQSClient, queueUrl: string): RunQueuePort {
  return {
    async enqueue(request) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: encodeMessageBody(request),
          MessageAttributes: {
            workflow: { DataType: "String", StringValue: request.workflow },
            source: { DataType: "String", StringValue: request.source },
          },
        }),
      );
    },
  };
}

/**
 * Powertools' DynamoDB idempotency layer over the stage's idempotency table (key `id`, TTL on
 * `expiration`, as `resources().idempotencyTable` and the stack declare it).
 *
 * @example
 * const store = dynamoIdempotencyStore(new DynamoDBClient({}), "switchyard-dev-idempotency", spec);
 */
export function dynamoIdempotencyStore(
  client: DynamoDBClient,
  tableName: string,
  spec: Pick<IdempotencyTableSpec, "partitionKey" | "ttlAttribute">,
): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: spec.partitionKey,
    expiryAttr: spec.ttlAttribute,
  });
}
