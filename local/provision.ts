import { CreateTableCommand, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
} from "@aws-sdk/client-s3";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import {
  allQueues,
  type BucketSpec,
  type IdempotencyTableSpec,
  type Resources,
  type TableSpec,
} from "#config";
import type { LocalClients } from "./clients.ts";

/** What provisioning created: queue URLs and ARNs by logical name, topic ARNs by name. */
export interface Provisioned {
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly queueArns: Readonly<Record<string, string>>;
  readonly topicArns: Readonly<Record<string, string>>;
}

const DAY_SECONDS = 86_400;

/**
 * Creates, from the shared resource module, the same tables, queues (DLQs and redrive policies
 * first), topics and data bucket the CDK stack declares. Idempotent, so a persisted local AWS can restart.
 * TTL is not enabled: dynalite has no `UpdateTimeToLive` and never expires items
 * (docs/architecture.md, "Verified pitfalls");
 * items still carry the TTL attribute, as on AWS.
 */
export async function provision(clients: LocalClients, resources: Resources): Promise<Provisioned> {
  await createTable(clients, resources.checkpointTable);
  await createTable(clients, resources.alertsTable);
  await createKeyTable(clients, resources.idempotencyTable);
  await createBucket(clients, resources.dataBucket);
  const queueUrls: Record<string, string> = {};
  const queueArns: Record<string, string> = {};
  for (const { name, retentionDays, spec } of allQueues(resources)) {
    const attributes: Record<string, string> = {
      MessageRetentionPeriod: String(retentionDays * DAY_SECONDS),
    };
    if (spec) {
      attributes.VisibilityTimeout = String(spec.visibilityTimeoutSeconds);
      if (spec.deadLetter) {
        const deadLetterTargetArn = queueArns[spec.deadLetter.name];
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn,
          maxReceiveCount: spec.deadLetter.maxReceiveCount,
        });
      }
    }
    const created = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    const url = required(created.QueueUrl, `queue URL of ${name}`);
    const attrs = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
    );
    queueUrls[name] = url;
    queueArns[name] = required(attrs.Attributes?.QueueArn, `ARN of ${name}`);
  }
  const topicArns: Record<string, string> = {};
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: resources.alertsTopic.name }));
  topicArns[resources.alertsTopic.name] = required(topic.TopicArn, "alerts topic ARN");
  const notifications = await clients.sns.send(
    new CreateTopicCommand({ Name: resources.notificationsTopic.name }),
  );
  topicArns[resources.notificationsTopic.name] = required(notifications.TopicArn, "notifications topic ARN");
  // Locally no Lambda subscribes to the topics: a queue per topic keeps what was published, for the
  // CLI to run the notifier over (`switchyard alerts`) and for tests to read.
  for (const topicName of [resources.alertsTopic.name, resources.notificationsTopic.name]) {
    const inbox = localInboxName(topicName);
    const created = await clients.sqs.send(new CreateQueueCommand({ QueueName: inbox }));
    const url = required(created.QueueUrl, `queue URL of ${inbox}`);
    const attrs = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
    );
    queueUrls[inbox] = url;
    queueArns[inbox] = required(attrs.Attributes?.QueueArn, `ARN of ${inbox}`);
    await clients.sns.send(
      new SubscribeCommand({ TopicArn: topicArns[topicName], Protocol: "sqs", Endpoint: queueArns[inbox] }),
    );
  }
  return { queueUrls, queueArns, topicArns };
}

/**
 * The local queue subscribed to a topic (`<topic>-inbox`): the stand-in for the topic's Lambda
 * and email subscribers on AWS, which the embedded AWS cannot run.
 */
export function localInboxName(topicName: string): string {
  return `${topicName}-inbox`;
}

async function createTable(clients: LocalClients, table: TableSpec): Promise<void> {
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: table.partitionKey, AttributeType: "S" },
          { AttributeName: table.sortKey, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: "HASH" },
          { AttributeName: table.sortKey, KeyType: "RANGE" },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
}

/** The API's Idempotency-Key table: one string key, as Powertools idempotency lays it out. */
async function createKeyTable(clients: LocalClients, table: IdempotencyTableSpec): Promise<void> {
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: table.partitionKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: table.partitionKey, KeyType: "HASH" }],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
}

/**
 * The data bucket, with the deployed bucket's lifecycle rules (stored, not enforced, by the
 * emulator). Encryption, versioning, TLS-only and public-access settings are the stack's: the
 * emulator has none of them.
 */
async function createBucket(clients: LocalClients, bucket: BucketSpec): Promise<void> {
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
  } catch (err) {
    if (!(err instanceof BucketAlreadyOwnedByYou)) throw err;
  }
  await clients.s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket.name,
      LifecycleConfiguration: { Rules: dataBucketLifecycle(bucket) },
    }),
  );
}

/** The lifecycle rules of the data bucket, in S3's API shape. */
function dataBucketLifecycle(bucket: BucketSpec) {
  return [
    {
      ID: "expire-old-versions",
      Status: "Enabled" as const,
      Filter: { Prefix: "" },
      NoncurrentVersionExpiration: { NoncurrentDays: bucket.noncurrentVersionDays },
    },
    {
      ID: "abort-incomplete-uploads",
      Status: "Enabled" as const,
      Filter: { Prefix: "" },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: bucket.abortIncompleteUploadDays },
    },
    {
      ID: "expire-engine-objects",
      Status: "Enabled" as const,
      Filter: { Prefix: bucket.engineObjects.prefix },
      Expiration: { Days: bucket.engineObjects.expireDays },
    },
  ];
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Local AWS did not return the ${what}.`);
  return value;
}
