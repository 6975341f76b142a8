import type { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";

/** A table as the resource module describes it; the sort key is optional (idempotency has none). */
export interface TableFromSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly ttlAttribute: string;
  readonly pointInTimeRecovery: boolean;
}

/**
 * A DynamoDB table from the shared resource module (the same names and keys the embedded AWS
 * creates): string keys, on-demand, TTL, point-in-time recovery as the spec says, encrypted with
 * the AWS-managed key (only our own functions use it, so no key policy to open).
 *
 * @example
 * tableFromSpec(this, "CheckpointTable", resources(stage).checkpointTable, RemovalPolicy.RETAIN);
 */
export function tableFromSpec(
  scope: Construct,
  id: string,
  spec: TableFromSpec,
  removalPolicy: RemovalPolicy,
): Table {
  return new Table(scope, id, {
    tableName: spec.name,
    partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
    ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: spec.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: spec.pointInTimeRecovery },
    encryption: TableEncryption.AWS_MANAGED,
    removalPolicy,
  });
}
