import { Duration, Validations } from "aws-cdk-lib";
import { type CfnRole, Policy, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { type IEventSourceDlq, StartingPosition } from "aws-cdk-lib/aws-lambda";
import { ManagedKafkaEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue, Queue } from "aws-cdk-lib/aws-sqs";
import { Construct, type IConstruct } from "constructs";
import type { Resources } from "#config";
import { deadLetterAlarm, deadLetterStore } from "./dead-letter-store.ts";
import { grantSendEncrypted } from "./grants.ts";
import { SwitchyardFunction } from "./switchyard-function.ts";

/** `-c msk=true -c mskClusterArn=… -c mskTopic=trade-events`: the optional MSK entry point. */
export interface MskOptions {
  readonly clusterArn: string;
  readonly topic: string;
}

/**
 * The MSK option from the app's context, or undefined when `msk` is not `true`.
 *
 * @example
 * mskOptionsFrom(app); // { clusterArn: "arn:aws:kafka:…:cluster/trading/…", topic: "trade-events" }
 */
export function mskOptionsFrom(scope: IConstruct): MskOptions | undefined {
  const enabled = scope.node.tryGetContext("msk");
  if (enabled !== true && enabled !== "true") return undefined;
  const clusterArn = scope.node.tryGetContext("mskClusterArn") as string | undefined;
  if (!clusterArn)
    throw new Error(
      "-c msk=true needs -c mskClusterArn=arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>",
    );
  return { clusterArn, topic: String(scope.node.tryGetContext("mskTopic") ?? "trade-events") };
}

export interface TradeEventsConsumerProps extends MskOptions {
  readonly resources: Resources;
  readonly requestsQueue: IQueue;
  /** Encrypts the DLQ; the requests queue's key too. */
  readonly messagesKey: IKey;
  /** Where the DLQ-not-empty alarm goes (the alerts topic). */
  readonly alertsTopic?: ITopic;
  /** Handler file (default `functions/handlers/trade-events.ts`); tests stand one in. */
  readonly entry?: string;
  /** Records per invocation. Default 100. */
  readonly batchSize?: number;
  /** Retries of a failed batch (halved each time) before its records go to the DLQ. Default 3. */
  readonly retryAttempts?: number;
}

/** The parts of an MSK cluster ARN that name its topics and consumer groups. */
const CLUSTER_ARN =
  /^arn:(aws[a-z-]*):kafka:([a-z0-9-]+):(\d{12}):cluster\/([A-Za-z0-9-]+)\/([A-Za-z0-9-]+)$/;

/**
 * The optional MSK entry point, read as a record's path:
 *
 * ```
 * MSK topic ──(event source: TRIM_HORIZON, batch ≤ 100, provisioned pollers)──▶ trade-events Lambda ──▶ requests queue
 *   a failed batch: bisected and retried (3), then each failing record ──on-failure──▶ trade-events DLQ (encrypted, TLS only)
 *   DLQ not empty ──alarm──▶ alerts topic
 * ```
 * Least privilege: no `AWSLambdaMSKExecutionRole` (its `Resource: "*"` covers every cluster);
 * IAM access to exactly this cluster, topic and consumer group; the ENI actions Lambda's pollers
 * need in the cluster's VPC (EC2 offers no resource-level permissions for them) in a policy of
 * their own; send on exactly the requests queue and the DLQ. Bisect, retries and partial batch
 * responses need provisioned pollers (Lambda's Kafka error-handling controls).
 *
 * @example
 * new TradeEventsConsumer(this, "TradeEvents", { resources: r, clusterArn, topic: "trade-events", requestsQueue, messagesKey });
 */
export class TradeEventsConsumer extends Construct {
  readonly consumer: SwitchyardFunction;
  readonly deadLetterQueue: Queue;
  readonly eventSource: ManagedKafkaEventSource;

  constructor(scope: Construct, id: string, props: TradeEventsConsumerProps) {
    super(scope, id);
    const r = props.resources;
    const arn = CLUSTER_ARN.exec(props.clusterArn);
    if (!arn)
      throw new Error(
        `mskClusterArn "${props.clusterArn}" is not an MSK cluster ARN (…:cluster/<name>/<uuid>).`,
      );
    const [, partition, region, account, clusterName, clusterUuid] = arn;
    const kafkaArn = (kind: string, name: string) =>
      `arn:${partition}:kafka:${region}:${account}:${kind}/${clusterName}/${clusterUuid}/${name}`;
    const consumerGroupId = `${r.prefix}-trade-events`;

    // 1. Where records go when the consumer gives up on them: never dropped, redriven by an operator.
    this.deadLetterQueue = deadLetterStore(this, "DeadLetterQueue", {
      queueName: `${r.prefix}-trade-events-dlq`,
      retentionDays: 14,
      key: props.messagesKey,
      whyNoDlq:
        "This queue is itself the MSK event source's on-failure destination (records the consumer gave up on); " +
        "operators inspect and replay it, nothing consumes it that could fail.",
    });

    // 2. The consumer: trade events → run requests on the requests queue.
    this.consumer = new SwitchyardFunction(this, "Consumer", {
      entry: props.entry ?? "functions/handlers/trade-events.ts",
      description: `Switchyard ${r.stage}: MSK ${props.topic} → run requests (source msk)`,
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment: {
        SWITCHYARD_STAGE: r.stage,
        REQUESTS_QUEUE_URL: props.requestsQueue.queueUrl,
        OTEL_SERVICE_NAME: "switchyard-trade-events",
      },
    });
    const fn = this.consumer.function;
    // Exact actions instead of grantSendMessages (and SqsDlq, which calls it): those add
    // kms:ReEncrypt* and kms:GenerateDataKey*, wildcards a sender never uses.
    grantSendEncrypted(fn, [props.requestsQueue.queueArn, this.deadLetterQueue.queueArn], props.messagesKey);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          "kafka:DescribeClusterV2",
          "kafka-cluster:Connect",
          "kafka-cluster:DescribeClusterDynamicConfiguration",
        ],
        resources: [props.clusterArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
        resources: [kafkaArn("topic", props.topic)],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
        resources: [kafkaArn("group", consumerGroupId)],
      }),
    );
    const networking = new Policy(this, "PollerNetworking", {
      statements: [
        // The pollers find the brokers through GetBootstrapBrokers before they connect; it has no
        // resource-level permissions, so a grant on the cluster's ARN is never matched (AccessDenied).
        new PolicyStatement({ actions: ["kafka:GetBootstrapBrokers"], resources: ["*"] }),
        new PolicyStatement({
          actions: [
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
          ],
          resources: ["*"],
        }),
      ],
    });
    this.consumer.role.attachInlinePolicy(networking);
    Validations.of(networking).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Lambda's MSK pollers look up the brokers and create and describe network interfaces in the cluster's VPC " +
        "with the execution role; kafka:GetBootstrapBrokers and these EC2 actions offer no resource-level " +
        "permissions, and the subnets are the cluster's, not ours.",
    });

    // 3. The event source: from the oldest record, bisect and bounded retries, then the DLQ.
    const onFailure: IEventSourceDlq = { bind: () => ({ destination: this.deadLetterQueue.queueArn }) };
    this.eventSource = new ManagedKafkaEventSource({
      clusterArn: props.clusterArn,
      topic: props.topic,
      consumerGroupId,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 3,
      reportBatchItemFailures: true,
      onFailure,
      provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 },
    });
    fn.addEventSource(this.eventSource);
    // The event source attaches AWSLambdaMSKExecutionRole (Resource "*" on every cluster and log
    // group); the statements above grant what it would, scoped. SwitchyardFunction roles carry no
    // managed policy by design, so the role's list is emptied rather than filtered.
    (this.consumer.role.node.defaultChild as CfnRole).managedPolicyArns = undefined;

    if (props.alertsTopic) {
      deadLetterAlarm(this, "DeadLetterQueueNotEmpty", {
        queue: this.deadLetterQueue,
        alarmName: `${r.prefix}-trade-events-dlq-not-empty`,
        description: "Trade events were not turned into run requests: inspect the trade-events DLQ.",
        alertsTopic: props.alertsTopic,
      });
    }
  }
}
