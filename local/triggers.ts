import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import type { WorkflowDefinition } from "#engine";
import { type DispatchOutcome, dispatchBatch, type SqsBatchResponse, type SqsEvent } from "#ingress";
import {
  type ExecutionStatusChangeEvent,
  type FailedRun,
  type Notification,
  notify,
  recordFailedRun,
  type SnsMessage,
} from "#ops";
import type { Telemetry } from "#telemetry";
import {
  buildDispatcherDeps,
  buildFailedRunDeps,
  buildNotifierDeps,
  FailedRunEnv,
  NotifierEnv,
} from "#wiring";
import type { LocalExecutions } from "./executions.ts";
import type { LocalAws } from "./local-aws.ts";
import { localInboxName } from "./provision.ts";
import { localLeases, localSaver } from "./saver.ts";

/**
 * What AWS runs between the resources and the ops Lambdas, which the embedded AWS cannot: the
 * SQS event source (requests queue → dispatcher), the EventBridge rule (failed execution →
 * failed-run handler) and the SNS subscription (alerts topic → notifier). Each calls the same
 * domain function as the deployed handler, with the same kind of event.
 */

/**
 * The SQS event source mapping: receives batches, hands them to `handle` as an SQS event,
 * deletes what succeeded and makes the reported failures visible again at once (AWS waits out
 * the visibility timeout). Stops when the queue is empty; redrive policies move poison
 * messages to the DLQ after `maxReceiveCount`, as on AWS.
 *
 * @example
 * await pollQueue(aws, aws.env.REQUESTS_QUEUE_URL, (event) => dispatchBatch(event, deps));
 */
/**
 * The event Lambda's SQS event source mapping delivers for received messages: what the local
 * pollers hand to the handlers, as AWS would.
 *
 * @example
 * await dispatcher.handler(sqsEventOf(received.Messages ?? [], queueArn, "us-east-1"));
 */
export function sqsEventOf(messages: readonly Message[], queueArn: string, region: string): SqsEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId ?? "",
      receiptHandle: m.ReceiptHandle ?? "",
      body: m.Body ?? "",
      attributes: m.Attributes ?? {},
      // As Lambda's event source mapping delivers them: the trace context a producer (or a
      // redrive) put there continues in the execution.
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [
          name,
          {
            dataType: a.DataType ?? "String",
            ...(a.StringValue === undefined ? {} : { stringValue: a.StringValue }),
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: m.MD5OfBody ?? "",
      eventSource: "aws:sqs",
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}

export async function pollQueue(
  aws: LocalAws,
  queueUrl: string,
  handle: (event: SqsEvent) => Promise<SqsBatchResponse>,
  options: { maxBatches?: number } = {},
): Promise<{ batches: number; succeeded: number; failed: number }> {
  const sqs = aws.clients.sqs;
  const queueArn = Object.entries(aws.queueUrls).find(([, url]) => url === queueUrl)?.[0];
  const arn = queueArn ? aws.queueArns[queueArn] : undefined;
  const totals = { batches: 0, succeeded: 0, failed: 0 };
  while (totals.batches < (options.maxBatches ?? 10_000)) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    totals.batches++;
    const event = sqsEventOf(messages, arn ?? "", aws.region);
    const { batchItemFailures } = await handle(event);
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) {
      if (failed.has(m.MessageId ?? "")) {
        totals.failed++;
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      } else {
        totals.succeeded++;
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }
  return totals;
}

/**
 * The dispatcher over the requests queue, starting executions in the local registry, wired as the
 * dispatcher Lambda is (`buildDispatcherDeps`): the stage's `maxReceiveCount`, so a request's last
 * failed delivery counts as a `DeadLetters` point on `metrics`.
 *
 * @example
 * const outcomes = await dispatchRequests(aws, executions, { metrics: telemetry.metrics });
 */
export async function dispatchRequests(
  aws: LocalAws,
  executions: Pick<LocalExecutions, "startExecution">,
  telemetry?: Pick<Telemetry, "metrics">,
): Promise<DispatchOutcome[]> {
  const outcomes: DispatchOutcome[] = [];
  const deps = buildDispatcherDeps(aws.env, { startExecution: executions.startExecution }, telemetry);
  await pollQueue(aws, requestsQueueUrl(aws), (event) =>
    dispatchBatch(event, { ...deps, onOutcome: (o) => outcomes.push(o) }),
  );
  return outcomes;
}

/**
 * The EventBridge rule's target: the failed-run Lambda's wiring (`buildFailedRunDeps`) over the
 * embedded AWS (the failure beside the checkpoints, the record on the failed-runs queue, alert on
 * the alerts topic). Pass it as `LocalExecutions`' `onFailed`.
 *
 * @example
 * new LocalExecutions({ aws, workflowNamed, onFailed: failedRunTarget(aws, workflowNamed) });
 */
export function failedRunTarget(
  aws: LocalAws,
  workflowNamed: (name: string) => WorkflowDefinition,
  telemetry?: Pick<Telemetry, "metrics">,
): (event: ExecutionStatusChangeEvent) => Promise<FailedRun> {
  const deps = buildFailedRunDeps(
    FailedRunEnv.read(aws.env),
    {
      sqs: aws.clients.sqs,
      sns: aws.clients.sns,
      saver: localSaver(aws),
      workflowNamed,
      leases: localLeases(aws),
    },
    telemetry,
  );
  return (event) => recordFailedRun(event, deps);
}

export interface LocalNotifierOptions {
  readonly windowSeconds: number;
  readonly slackWebhookUrl?: string;
  /** The clock (tests close windows by moving it). */
  readonly now?: () => Date;
}

/**
 * The alerts topic's Lambda subscription: drains the local inbox queue of the alerts topic into
 * the notifier (grouping windows in the embedded DynamoDB), which sends ended windows to the
 * notifications topic (email) and Slack. Returns the notifications sent.
 *
 * @example
 * const sent = await runNotifier(aws, { windowSeconds: 60, now: () => later });
 */
export async function runNotifier(aws: LocalAws, options: LocalNotifierOptions): Promise<Notification[]> {
  const env = NotifierEnv.read({ ...aws.env, ALERT_WINDOW_SECONDS: String(options.windowSeconds) });
  const wiring = buildNotifierDeps(env, {
    dynamodb: aws.clients.dynamodb,
    sns: aws.clients.sns,
    slackWebhookUrl: async () => options.slackWebhookUrl,
  });
  const deps = await wiring.deps();
  const now = options.now ?? (() => new Date());
  const sent: Notification[] = [];
  const inbox = aws.queueUrls[localInboxName(aws.resources.alertsTopic.name)] ?? "";
  await pollQueue(aws, inbox, async (event) => {
    // SNS → SQS delivers the SNS envelope as the body: the same fields a Lambda's SNS event has.
    const messages = event.Records.map((r) => JSON.parse(r.body) as SnsMessage);
    sent.push(...(await notify(messages, deps, now())));
    return { batchItemFailures: [] };
  });
  // Windows that ended with no new alert arriving (the schedule's job on AWS).
  sent.push(...(await notify([], deps, now())));
  return sent;
}

function requestsQueueUrl(aws: LocalAws): string {
  return aws.queueUrls[aws.resources.requestsQueue.name] ?? "";
}
