import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { DynamoDBSaver, ThreadLeases } from "#checkpoint";
import type { RecordedFailures } from "#engine";
import { type DeployedStage, resolveStage } from "./stack-outputs.ts";

/** What the CLI talks to on a deployed stage: its endpoints, the requests queue, the checkpoints. */
export interface AwsTarget {
  readonly deployed: DeployedStage;
  readonly sqs: Pick<SQSClient, "send">;
  /** The same DynamoDB saver the Lambdas use, over the stage's checkpoint table (read only here). */
  readonly saver: BaseCheckpointSaver;
  /** The failure recorded beside a run's checkpoints (its lease item), as `GET /runs/{id}` reads it. */
  readonly failures: RecordedFailures;
}

export interface AwsTargetOptions {
  readonly stage: string;
  /** From `AWS_REGION`; the stacks, queue and table are all in this one region. */
  readonly region: string;
}

/**
 * Connects to a deployed stage: resolves its stack outputs, then builds the SQS client and the
 * checkpoint saver over them. Credentials come from the SDK's standard chain (environment,
 * `AWS_PROFILE`/SSO, web identity, instance or container role) — nothing is read here.
 *
 * @example
 * const target = await connectAwsTarget({ stage: "prod", region: "eu-west-1" });
 * await target.saver.getTuple(threadConfig(runId));
 */
export async function connectAwsTarget(options: AwsTargetOptions): Promise<AwsTarget> {
  const { region } = options;
  const deployed = await resolveStage(new CloudFormationClient({ region }), options.stage, region);
  const saver = new DynamoDBSaver({
    client: new DynamoDBClient({ region }),
    tableName: deployed.checkpointTable,
  });
  return { deployed, sqs: new SQSClient({ region }), saver, failures: ThreadLeases.beside(saver) };
}
