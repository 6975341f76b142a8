import { type CloudFormationClient, DescribeStacksCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { resources } from "#config";
import {
  AwsCredentialsError,
  InvalidStageError,
  StackNotFoundError,
  StackOutputMissingError,
} from "./errors.ts";

/** A deployed stage's endpoints, as its CloudFormation stacks export them. */
export interface DeployedStage {
  readonly stage: string;
  readonly region: string;
  readonly checkpointTable: string;
  readonly requestsQueueUrl: string;
  readonly failedRunsQueueUrl: string;
  readonly alertsTopicArn: string;
  /** The REST API base URL; absent while the stage has no API stack (no workflow deployed yet). */
  readonly apiUrl?: string;
}

/**
 * The output keys `lib/core-stack.ts` and `lib/api-stack.ts` declare (CfnOutput ids directly
 * under the stack, so the logical id is the key). Renaming one there breaks `--target aws`, and
 * the unit test that resolves them by these keys.
 */
export const CORE_OUTPUTS = {
  checkpointTable: "CheckpointTableName",
  requestsQueueUrl: "RequestsQueueUrl",
  failedRunsQueueUrl: "FailedRunsQueueUrl",
  alertsTopicArn: "AlertsTopicArn",
} as const;
export const API_OUTPUTS = { apiUrl: "ApiUrl" } as const;

type Cfn = Pick<CloudFormationClient, "send">;

/**
 * Reads `switchyard-<stage>-core` (required) and `switchyard-<stage>-api` (optional) with
 * `DescribeStacks` and returns their outputs by key.
 *
 * @example
 * const deployed = await resolveStage(new CloudFormationClient({ region: "eu-west-1" }), "dev", "eu-west-1");
 * deployed.requestsQueueUrl; // "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-requests"
 */
export async function resolveStage(cfn: Cfn, stage: string, region: string): Promise<DeployedStage> {
  const prefix = prefixOf(stage);
  const [core, api] = await Promise.all([
    describeStack(cfn, `${prefix}-core`, region),
    describeStack(cfn, `${prefix}-api`, region).catch((err: unknown) => {
      // The API stack is only deployed with workflows; run, status and resume need core alone.
      if (err instanceof StackNotFoundError) return undefined;
      throw err;
    }),
  ]);
  const coreOutputs = outputsOf(core, CORE_OUTPUTS);
  const apiUrl = api ? outputsOf(api, API_OUTPUTS).apiUrl : undefined;
  return { stage, region, ...coreOutputs, ...(apiUrl ? { apiUrl } : {}) };
}

function prefixOf(stage: string): string {
  try {
    return resources(stage).prefix;
  } catch (err) {
    throw new InvalidStageError(stage, err);
  }
}

async function describeStack(cfn: Cfn, stackName: string, region: string): Promise<Stack> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) throw new StackNotFoundError(stackName, region);
    return stack;
  } catch (err) {
    const e = err as Error;
    // CloudFormation answers an unknown stack with a 400 ValidationError, not a typed NotFound.
    if (e?.name === "ValidationError" && /does not exist/i.test(e.message)) {
      throw new StackNotFoundError(stackName, region, err);
    }
    if (e?.name === "CredentialsProviderError") throw new AwsCredentialsError(err);
    throw err;
  }
}

function outputsOf<K extends string>(stack: Stack, keys: Readonly<Record<K, string>>): Record<K, string> {
  const byKey = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const out = {} as Record<K, string>;
  for (const [field, key] of Object.entries(keys) as [K, string][]) {
    const value = byKey.get(key);
    if (!value) throw new StackOutputMissingError(stack.StackName ?? "?", key, stack.StackStatus ?? "?");
    out[field] = value;
  }
  return out;
}
