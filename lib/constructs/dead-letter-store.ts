import { Duration, Validations } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { type IQueue, Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

export interface DeadLetterStoreProps {
  readonly queueName: string;
  readonly retentionDays: number;
  /** The stage's messages key: every queue and topic is encrypted with it. */
  readonly key: IKey;
  /** Who sends here and who reads it: why the store needs no dead-letter queue of its own. */
  readonly whyNoDlq: string;
}

/**
 * A queue that is itself where failures end up (a source's on-failure destination, a schedule's
 * DLQ): encrypted with the stage's key, TLS-only, kept 14 days by default, and acknowledged for
 * cdk-nag's "queue without DLQ" rule with the reason given — a DLQ behind it would only hide records.
 *
 * @example
 * deadLetterStore(this, "DeadLetterQueue", { queueName, retentionDays: 14, key, whyNoDlq: "operators redrive it" });
 */
export function deadLetterStore(scope: Construct, id: string, props: DeadLetterStoreProps): Queue {
  const queue = new Queue(scope, id, {
    queueName: props.queueName,
    retentionPeriod: Duration.days(props.retentionDays),
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: props.key,
    enforceSSL: true,
  });
  Validations.of(queue).acknowledge({ id: "AwsSolutions-SQS3", reason: props.whyNoDlq });
  return queue;
}

export interface DeadLetterAlarmProps {
  /** The dead-letter store watched. */
  readonly queue: IQueue;
  readonly alarmName: string;
  /** What waits there and what to do about it (the alert people read). */
  readonly description: string;
  readonly alertsTopic: ITopic;
  /** How often the depth is sampled (default one minute). */
  readonly period?: Duration;
}

/**
 * The one alarm of a dead-letter store: its depth (`ApproximateNumberOfMessagesVisible` > 0),
 * alerting when something waits there and again when it has been drained. Depth, not a count of
 * arrivals, so the alarm stays on until someone acts, whoever dead-lettered the message — one
 * alarm per store, never a second on the `DeadLetters` metric (test/unit/alarms-dead-letters.test.ts).
 *
 * @example
 * deadLetterAlarm(this, "DeadLetterQueueNotEmpty", { queue, alarmName, description, alertsTopic });
 */
export function deadLetterAlarm(scope: Construct, id: string, props: DeadLetterAlarmProps): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.description,
    metric: props.queue.metricApproximateNumberOfMessagesVisible({
      period: props.period ?? Duration.minutes(1),
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const action = new SnsAction(props.alertsTopic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}
