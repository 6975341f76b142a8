import { Aws, Duration } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DISPATCHER_TIMEOUT_SECONDS, type Resources, stateMachineName } from "#config";
import { SwitchyardFunction } from "./switchyard-function.ts";

export interface IngressProps {
  readonly resources: Resources;
  readonly requestsQueue: IQueue;
  /** Workflows the dispatcher may start (their state machines are named by `stateMachineName`). */
  readonly workflows: readonly string[];
  /** Dispatcher handler file (default `functions/handlers/dispatcher.ts`); tests stand one in. */
  readonly entry?: string;
}

/** The dispatcher's batch: up to 10 requests, gathered for at most 1 s (latency over cost). */
const BATCH_SIZE = 10;

/**
 * The requests queue's consumer: the dispatcher Lambda, fed by an SQS event source with partial
 * batch failures, starting executions named by run id on exactly the listed state machines.
 *
 * ```
 * requests queue ──(batch ≤ 10, reportBatchItemFailures)──▶ dispatcher ──StartExecution(name = runId)──▶ state machine
 *   └─ a record failing maxReceiveCount times ──▶ requests DLQ (redrive: `switchyard redrive`)
 * ```
 * AWS's rule for SQS sources is a visibility timeout ≥ 6× the function timeout; the resource
 * module sets it so, and this construct refuses anything less.
 *
 * @example
 * new Ingress(this, "Ingress", { resources: r, requestsQueue: core.requestsQueue, workflows: ["triage"] });
 */
export class Ingress extends Construct {
  readonly dispatcher: SwitchyardFunction;

  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, id);
    const r = props.resources;
    if (r.requestsQueue.visibilityTimeoutSeconds < 6 * DISPATCHER_TIMEOUT_SECONDS) {
      throw new Error(
        `${r.requestsQueue.name}: visibility ${r.requestsQueue.visibilityTimeoutSeconds} s is under 6× the ` +
          `dispatcher's ${DISPATCHER_TIMEOUT_SECONDS} s timeout; a slow batch would be delivered twice.`,
      );
    }
    const arnPrefix = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:`;
    this.dispatcher = new SwitchyardFunction(this, "Dispatcher", {
      entry: props.entry ?? "functions/handlers/dispatcher.ts",
      description: `Switchyard ${r.stage}: run requests → Step Functions executions named by run id`,
      timeout: Duration.seconds(DISPATCHER_TIMEOUT_SECONDS),
      memorySize: 512,
      environment: {
        SWITCHYARD_STAGE: r.stage,
        STATE_MACHINE_ARN_PREFIX: arnPrefix,
        OTEL_SERVICE_NAME: "switchyard-dispatcher",
      },
    });
    if (props.workflows.length > 0) {
      this.dispatcher.function.addToRolePolicy(
        new PolicyStatement({
          actions: ["states:StartExecution"],
          resources: props.workflows.map((w) => `${arnPrefix}${stateMachineName(r, w)}`),
        }),
      );
    }
    this.dispatcher.function.addEventSource(
      new SqsEventSource(props.requestsQueue, {
        batchSize: BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
  }
}
