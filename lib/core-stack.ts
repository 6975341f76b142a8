import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { Effect, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key, KeySpec, KeyUsage } from "aws-cdk-lib/aws-kms";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import { Topic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { type BucketSpec, type QueueSpec, type Resources, resources } from "#config";
import type { DataBucketRef } from "./constructs/data-access.ts";
import { tableFromSpec } from "./constructs/table-from-spec.ts";

export interface SwitchyardCoreStackProps extends StackProps {
  /** Stage whose names `resources(stage)` gives, e.g. `dev`. */
  readonly stage: string;
  /**
   * Whether an EventBridge rule dead-letters into a queue encrypted with the messages key (the
   * data-arrivals rule, deployed with the arrival workflow): only then may EventBridge use the key.
   */
  readonly eventBridgeDeadLetters?: boolean;
}

/**
 * The stateful core every workflow shares, declared from `resources(stage)` so a deploy creates
 * exactly what the embedded AWS creates locally. Read top to bottom, it follows a request:
 *
 * ```
 * requests queue ──(maxReceiveCount failed receives)──> requests DLQ      accepted, never dropped
 *      │ dispatcher starts an execution
 *      v
 * checkpoint table                                                        state of every run
 *      │ execution FAILED / TIMED_OUT / ABORTED
 *      v
 * failed-runs queue + alerts topic                                        resume / redrive by operator
 *
 * data bucket: incoming/<day>/ ──(Object Created, EventBridge)──> a reconciliation run request
 *              runs/<runId>/   <── what the workflows' nodes write           the record of outputs
 * ```
 *
 * Everything at rest is encrypted; queues, topic and data bucket with one customer-managed key
 * (rotated) whose policy lets EventBridge and CloudWatch alarms deliver to them, which AWS-managed
 * keys forbid. Every queue, the topic and the bucket refuse non-TLS requests.
 *
 * @example
 * const core = new SwitchyardCoreStack(app, "switchyard-dev-core", { stage: "dev" });
 * core.checkpointTable.grantReadWriteData(fn.function);
 */
export class SwitchyardCoreStack extends Stack {
  /** The names and settings this stack was built from. */
  readonly resources: Resources;
  /** Encrypts the queues and the topic. */
  readonly messagesKey: Key;
  /**
   * Signs the head of every run's decision audit chain (docs/controls.md): ECDSA P-256, its
   * private half never leaves KMS. Kept on stack deletion — a seal must stay verifiable as long
   * as the record it seals.
   */
  readonly auditSigningKey: Key;
  readonly requestsQueue: Queue;
  readonly requestsDeadLetterQueue: Queue;
  readonly checkpointTable: Table;
  readonly failedRunsQueue: Queue;
  readonly alertsTopic: Topic;
  /** Trading data: `incoming/` (arrivals) and `runs/` (outputs); versioned, KMS-encrypted, TLS only. */
  readonly dataBucket: Bucket;
  /** Server access logs of the data bucket: who read or wrote which trading file, for audit. */
  readonly dataAccessLogsBucket: Bucket;
  /** The data bucket as other stacks grant on it: by its fixed name, with its key (no export of the bucket). */
  readonly dataBucketRef: DataBucketRef;

  constructor(scope: Construct, id: string, props: SwitchyardCoreStackProps) {
    super(scope, id, props);
    const r = resources(props.stage);
    this.resources = r;

    this.messagesKey = new Key(this, "MessagesKey", {
      alias: `alias/${r.prefix}-messages`,
      description: `Switchyard ${r.stage}: SSE for the requests, dead-letter and failed-runs queues, the alerts topic and the data bucket`,
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to the encrypted alerts topic, so the service encrypts with this
    // key; only alarms of this account (aws:SourceAccount), and only when they exist (aws:SourceArn).
    this.messagesKey.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowAlarmsToPublishEncrypted",
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"], // in a key policy, "*" means this key
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    );
    // An EventBridge rule's dead-letter queue is written by EventBridge itself (no role), so the
    // service needs the key of an encrypted DLQ; no other EventBridge path uses it (rules target
    // Lambdas, Scheduler sends with its own role), so the statement exists only with such a DLQ.
    if (props.eventBridgeDeadLetters) {
      this.messagesKey.addToResourcePolicy(
        new PolicyStatement({
          sid: "AllowEventBridgeDeadLetters",
          effect: Effect.ALLOW,
          principals: [new ServicePrincipal("events.amazonaws.com")],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          conditions: { StringEquals: { "aws:SourceAccount": this.account } },
        }),
      );
    }

    // 1. A run request arrives (API, schedule, MSK) and waits here for the dispatcher.
    //    Compensation: after maxReceiveCount failed receives it moves to the DLQ, to be redriven.
    const requests = this.queue("Requests", r.requestsQueue);
    if (!requests.deadLetterQueue) {
      throw new Error(
        `${r.requestsQueue.name} needs a dead letter in resources(): accepted requests are never dropped.`,
      );
    }
    this.requestsQueue = requests.queue;
    this.requestsDeadLetterQueue = requests.deadLetterQueue;

    // 2. The execution's state: every superstep's checkpoint and pending writes. Kept on stack
    //    deletion: it is the only record of runs that are waiting or can be resumed. Not kept when
    //    its own first create fails, so a retried deploy does not collide with its fixed name.
    this.checkpointTable = tableFromSpec(
      this,
      "CheckpointTable",
      r.checkpointTable,
      RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    );

    //    Beside each run's checkpoints, its decision audit (partition `audit#<run>`): every model
    //    and tool call and every answer on a hash chain whose head this key signs. No rotation:
    //    KMS rotates only symmetric keys, and a rotated signing key would orphan old seals.
    this.auditSigningKey = new Key(this, "AuditSigningKey", {
      alias: `alias/${r.prefix}-audit`,
      description: `Switchyard ${r.stage}: signs the head of each run's decision audit chain`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // 3. An execution ended FAILED / TIMED_OUT / ABORTED: recorded here, with what resuming needs,
    //    and announced on the alerts topic. This queue is itself the dead-letter store of runs.
    this.failedRunsQueue = this.queue("FailedRuns", r.failedRunsQueue).queue;
    Validations.of(this.failedRunsQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "The failed-runs queue is itself a dead-letter store (failed executions awaiting resume/redrive); " +
        "operators drain it, no consumer fails on it, so a DLQ behind it would only hide records.",
    });
    this.alertsTopic = new Topic(this, "AlertsTopic", {
      topicName: r.alertsTopic.name,
      displayName: `Switchyard ${r.stage} alerts`,
      masterKey: this.messagesKey,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own (the TLS deny), which replaces SNS's default
    // one; CloudWatch alarms publish through the resource policy, so without this no alarm could
    // notify. Only this account's alarms may (aws:SourceAccount, aws:SourceArn).
    this.alertsTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowAlarmsToPublish",
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.alertsTopic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": this.account },
          ArnLike: {
            "aws:SourceArn": `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );

    // 4. Trading data: a day's files arrive under incoming/ (each object created is announced to
    //    EventBridge, where the ops stack starts a reconciliation on its folder); runs write under
    //    runs/. Versioned, so an overwritten or deleted file can be recovered for its retention.
    const data = this.dataBuckets(r.dataBucket);
    this.dataBucket = data.bucket;
    this.dataAccessLogsBucket = data.accessLogs;
    this.dataBucketRef = {
      name: r.dataBucket.name,
      incomingPrefix: r.dataBucket.incomingPrefix,
      outputPrefix: r.dataBucket.outputPrefix,
      generatedPrefix: r.dataBucket.generatedPrefix,
      key: this.messagesKey,
    };

    // What the CLI and handlers need (`#config` env variables named in each description).
    this.output("CheckpointTableName", this.checkpointTable.tableName, "CHECKPOINT_TABLE");
    this.output("RequestsQueueUrl", this.requestsQueue.queueUrl, "REQUESTS_QUEUE_URL");
    this.output(
      "RequestsDeadLetterQueueUrl",
      this.requestsDeadLetterQueue.queueUrl,
      "requests DLQ, for redrive",
    );
    this.output("FailedRunsQueueUrl", this.failedRunsQueue.queueUrl, "FAILED_RUNS_QUEUE_URL");
    this.output("AlertsTopicArn", this.alertsTopic.topicArn, "ALERTS_TOPIC_ARN");
    this.output("DataBucketName", this.dataBucket.bucketName, "DATA_BUCKET");
  }

  /**
   * The data bucket and the bucket its server access logs go to. Kept on stack deletion (the
   * files are trading records) but not on a failed first create, so a retried deploy of the
   * fixed name is not blocked by its own leftover (docs/architecture.md, "Verified pitfalls").
   */
  private dataBuckets(spec: BucketSpec): { bucket: Bucket; accessLogs: Bucket } {
    // Server access logs cannot be delivered to an SSE-KMS bucket: S3-managed keys here.
    const accessLogs = new Bucket(this, "DataAccessLogsBucket", {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    Validations.of(accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This bucket is the server access log target of the data bucket; logging its own access into " +
        "itself would log every log delivery, so it has no access logs of its own.",
    });
    const bucket = new Bucket(this, "DataBucket", {
      bucketName: spec.name,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.messagesKey,
      // One data key per bucket, not per object: far fewer KMS calls on days of many files.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${spec.name}/`,
      lifecycleRules: [
        {
          id: "expire-old-versions",
          noncurrentVersionExpiration: Duration.days(spec.noncurrentVersionDays),
          expiredObjectDeleteMarker: true,
        },
        {
          id: "abort-incomplete-uploads",
          abortIncompleteMultipartUploadAfter: Duration.days(spec.abortIncompleteUploadDays),
        },
        {
          // Distributed Map task lists and results: needed only while their superstep runs
          // (why the expiry is safe: functions/config/resources.ts, `engineObjects`).
          id: "expire-engine-objects",
          prefix: spec.engineObjects.prefix,
          expiration: Duration.days(spec.engineObjects.expireDays),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // EventBridge notifications as the bucket's own CloudFormation property: the Bucket's
    // `eventBridgeEnabled` prop would deploy a custom-resource Lambda (with a managed policy and a
    // wildcard s3:PutBucketNotification) to set the same flag.
    (bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    return { bucket, accessLogs };
  }

  /** A queue from its spec, with its DLQ when the spec has one; both encrypted and TLS-only. */
  private queue(id: string, spec: QueueSpec): { queue: Queue; deadLetterQueue?: Queue } {
    const secure = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.messagesKey,
      enforceSSL: true,
    } as const;
    const dl = spec.deadLetter;
    const deadLetterQueue = dl
      ? new Queue(this, `${id}DeadLetterQueue`, {
          queueName: dl.name,
          retentionPeriod: Duration.days(dl.retentionDays),
          ...secure,
        })
      : undefined;
    const queue = new Queue(this, `${id}Queue`, {
      queueName: spec.name,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(spec.retentionDays),
      deadLetterQueue:
        dl && deadLetterQueue ? { queue: deadLetterQueue, maxReceiveCount: dl.maxReceiveCount } : undefined,
      ...secure,
    });
    return { queue, deadLetterQueue };
  }

  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, id, { value, description });
  }
}
