import { Duration, Validations } from "aws-cdk-lib";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
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
