import type { IGrantable } from "aws-cdk-lib/aws-iam";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";

/**
 * The exact KMS actions a sender or reader of an encrypted queue or topic uses. Not
 * `queue.grantSendMessages` / `topic.grantPublish`: those add `kms:ReEncrypt*` and
 * `kms:GenerateDataKey*`, wildcards no Switchyard principal ever needs.
 *
 * @example
 * grantKeyUse(fn, props.messagesKey);
 */
export function grantKeyUse(grantee: IGrantable, key: IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [key.keyArn] }),
  );
}

/**
 * `sqs:SendMessage` on the given queues (by ARN), and the key they are encrypted with.
 *
 * @example
 * grantSendEncrypted(fn, [props.requestsQueue.queueArn, dlq.queueArn], props.messagesKey);
 */
export function grantSendEncrypted(grantee: IGrantable, queueArns: readonly string[], key: IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [...queueArns] }),
  );
  grantKeyUse(grantee, key);
}
