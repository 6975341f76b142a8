import { Duration } from "aws-cdk-lib";
import { Match as EventMatch, Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { CfnEventInvokeConfig } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue, Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Resources } from "#config";
import { deadLetterAlarm, deadLetterStore } from "./dead-letter-store.ts";
import { grantSendEncrypted } from "./grants.ts";
import { SwitchyardFunction } from "./switchyard-function.ts";

/** The object that completes a day (`ARRIVAL_OBJECT` in functions/ingress/data-arrival.ts). */
const ARRIVAL_OBJECT = "manifest.json";

export interface DataArrivalsProps {
  readonly resources: Resources;
  readonly requestsQueue: IQueue;
  /** Encrypts the requests queue and the arrivals DLQ. */
  readonly messagesKey: IKey;
  /** Where the DLQ-not-empty alarm goes (the alerts topic). */
  readonly alertsTopic?: ITopic;
  /** Handler file (default `functions/handlers/data-arrived.ts`); tests stand one in. */
  readonly entry?: string;
}

/**
 * The data bucket's entry point: a day's `manifest.json`, uploaded after its data files, starts
 * the day's one run.
 *
 * ```
 * s3://<data bucket>/incoming/<day>/<data file> created          ─ matches no rule: no run
 * s3://<data bucket>/incoming/<day>/manifest.json created (last)
 *   ─ S3 → EventBridge "Object Created" ─ rule: this bucket, key wildcard incoming/*manifest.json
 *   ─▶ data-arrived Lambda ─ run request {"data":{"uri":"s3://<bucket>/incoming/<day>/"}} ─▶ requests queue
 *      (any other key that reaches it, e.g. incoming/<day>/old-manifest.json: skipped, with the reason)
 *   EventBridge cannot invoke (8 retries, 2 h) ──────────────────────────▶ data-arrivals DLQ
 *   the handler keeps failing (2 async retries, 6 h) ─on-failure──────────▶ data-arrivals DLQ
 *   DLQ not empty ─alarm─▶ alerts topic
 * ```
 * The arrival's workflow is `resources().dataBucket.arrivalWorkflow` (reconciliation); the
 * handler's run id (the manifest's key and S3 sequencer) makes a redelivered event start
 * nothing twice, and uploading the manifest again runs the day again.
 *
 * @example
 * new DataArrivals(this, "DataArrivals", { resources: r, requestsQueue, messagesKey, alertsTopic });
 */
export class DataArrivals extends Construct {
  readonly handler: SwitchyardFunction;
  readonly deadLetterQueue: Queue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: DataArrivalsProps) {
    super(scope, id);
    const r = props.resources;
    const spec = r.dataBucket;

    // 1. Where an arrival goes when it cannot become a run request: never dropped, redriven by hand.
    this.deadLetterQueue = deadLetterStore(this, "DeadLetterQueue", {
      queueName: `${r.prefix}-data-arrivals-dlq`,
      retentionDays: 14,
      key: props.messagesKey,
      whyNoDlq:
        "This queue is itself the dead-letter target of the data-arrival rule and of the data-arrived Lambda's " +
        "async invocations; operators inspect and replay it, and nothing consumes it that could fail.",
    });

    // 2. The handler: an S3 Object Created event → one run request on the requests queue.
    this.handler = new SwitchyardFunction(this, "Handler", {
      entry: props.entry ?? "functions/handlers/data-arrived.ts",
      description: `Switchyard ${r.stage}: a day's manifest arrived under ${spec.incomingPrefix} → ${spec.arrivalWorkflow} run requests (source s3)`,
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: {
        SWITCHYARD_STAGE: r.stage,
        REQUESTS_QUEUE_URL: props.requestsQueue.queueUrl,
        DATA_BUCKET: spec.name,
        OTEL_SERVICE_NAME: "switchyard-data-arrived",
      },
    });
    const fn = this.handler.function;
    // Exact actions instead of grantSendMessages: it adds kms:ReEncrypt* and kms:GenerateDataKey*.
    grantSendEncrypted(fn, [props.requestsQueue.queueArn, this.deadLetterQueue.queueArn], props.messagesKey);
    new CfnEventInvokeConfig(this, "AsyncInvoke", {
      functionName: fn.functionName,
      qualifier: "$LATEST",
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.queueArn } },
    });

    // 3. The rule: a day's manifest created in the data bucket under incoming/ (the bucket sends
    //    every event to EventBridge; this rule picks the manifests, the day's last file, so a
    //    day of many files starts one run, on the complete day). The handler checks the key too.
    this.rule = new Rule(this, "ObjectCreated", {
      description: `Switchyard ${r.stage}: a manifest.json created under s3://${spec.name}/${spec.incomingPrefix} starts ${spec.arrivalWorkflow} of its day`,
      eventPattern: {
        source: ["aws.s3"],
        detailType: ["Object Created"],
        detail: {
          bucket: { name: [spec.name] },
          object: { key: EventMatch.wildcard(`${spec.incomingPrefix}*${ARRIVAL_OBJECT}`) },
        },
      },
      targets: [
        new LambdaFunction(fn, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });

    if (props.alertsTopic) {
      deadLetterAlarm(this, "DeadLetterQueueNotEmpty", {
        queue: this.deadLetterQueue,
        alarmName: `${r.prefix}-data-arrivals-dlq-not-empty`,
        description: `Data arrived under ${spec.incomingPrefix} but started no run: inspect the data-arrivals DLQ.`,
        alertsTopic: props.alertsTopic,
      });
    }
  }
}
