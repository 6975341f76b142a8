import { APIGatewayClient, GetAccountCommand } from "@aws-sdk/client-api-gateway";
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  type GetFoundationModelAvailabilityCommandOutput,
} from "@aws-sdk/client-bedrock";
import { CloudFormationClient, DescribeStacksCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { RetainedName, StagePlan } from "../lib/stage-plan.ts";

/** The AWS clients the checks call (one region); tests pass `aws-sdk-client-mock`ed ones. */
export interface DoctorClients {
  readonly cloudFormation: CloudFormationClient;
  readonly apiGateway: APIGatewayClient;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly bedrock: BedrockClient;
}

/** The standard credential chain's clients in `region`. */
export function doctorClients(region: string): DoctorClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    apiGateway: new APIGatewayClient({ region }),
    lambda: new LambdaClient({ region }),
    logs: new CloudWatchLogsClient({ region }),
    dynamodb: new DynamoDBClient({ region }),
    s3: new S3Client({ region }),
    bedrock: new BedrockClient({ region }),
  };
}

/** What the doctor checks against: the stage's plan (from its templates) and the model chosen. */
export interface DoctorInput {
  readonly stage: string;
  readonly region: string;
  readonly plan: StagePlan;
  /** The Bedrock model id when the agents use Bedrock (`-c modelProvider=bedrock -c bedrockModelId=…`). */
  readonly bedrockModelId?: string;
  /** The CDK bootstrap stack (default `CDKToolkit`, `cdk bootstrap --toolkit-stack-name`). */
  readonly toolkitStackName?: string;
}

/** One check's verdict: `problem` and `fix` only when it failed. */
export interface Finding {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
}

/** Lambda keeps this much concurrency unreserved in every account: reservations may not touch it. */
const MIN_UNRESERVED = 100;
/** A new account's quota: low enough that the reconciliation's fan-out alone is throttled. */
const USABLE_QUOTA = 100;

const ok = (check: string, detail: string): Finding => ({ check, ok: true, detail });
const problem = (check: string, detail: string, fix: string): Finding => ({ check, ok: false, detail, fix });

/** `DescribeStacks` of one stack, or undefined when it does not exist. */
async function describeStack(cfn: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return Stacks?.[0];
  } catch (err) {
    if ((err as Error).name === "ValidationError" && /does not exist/.test((err as Error).message))
      return undefined;
    throw err;
  }
}

/** The CDK bootstrap stack exists, at least at the version the templates require. */
export async function checkBootstrap(input: DoctorInput, c: DoctorClients): Promise<Finding> {
  const check = "CDK bootstrap";
  const name = input.toolkitStackName ?? "CDKToolkit";
  const bootstrap = `npx cdk bootstrap aws://<account>/${input.region}`;
  const stack = await describeStack(c.cloudFormation, name);
  if (!stack)
    return problem(
      check,
      `${name} does not exist in ${input.region}: the region is not bootstrapped.`,
      bootstrap,
    );
  const version = Number(stack.Outputs?.find((o) => o.OutputKey === "BootstrapVersion")?.OutputValue);
  if (!Number.isFinite(version) || version < input.plan.bootstrapVersion) {
    return problem(
      check,
      `${name} is at version ${Number.isFinite(version) ? version : "unknown"}; the stacks require ${input.plan.bootstrapVersion}.`,
      `${bootstrap}   (upgrades the bootstrap stack in place)`,
    );
  }
  return ok(check, `${name} version ${version} (the stacks require ${input.plan.bootstrapVersion}).`);
}

/** API Gateway stage logging needs the region's CloudWatch role: set already, or set by the api stack. */
export async function checkApiGatewayRole(input: DoctorInput, c: DoctorClients): Promise<Finding> {
  const check = "API Gateway CloudWatch role";
  const { cloudwatchRoleArn } = await c.apiGateway.send(new GetAccountCommand({}));
  if (cloudwatchRoleArn) {
    return ok(
      check,
      input.plan.setsApiGatewayAccountRole
        ? `set (${cloudwatchRoleArn}); the api stack will point the region at its own role (-c apiGatewayCloudWatchRole=existing keeps this one).`
        : `set (${cloudwatchRoleArn}).`,
    );
  }
  if (input.plan.setsApiGatewayAccountRole) return ok(check, "not set yet; the api stack sets it.");
  return problem(
    check,
    "not set in this region, and -c apiGatewayCloudWatchRole=existing tells the api stack not to set it: its stage would be refused.",
    "deploy without -c apiGatewayCloudWatchRole=existing, or: aws apigateway update-account " +
      "--patch-operations op=replace,path=/cloudwatchRoleArn,value=<role trusted by apigateway.amazonaws.com " +
      "with AmazonAPIGatewayPushToCloudWatchLogs>",
  );
}

/** The Lambdas' reserved concurrency fits the account's quota, leaving Lambda's 100 unreserved. */
export async function checkConcurrency(input: DoctorInput, c: DoctorClients): Promise<Finding[]> {
  const check = "Lambda concurrency";
  const { AccountLimit } = await c.lambda.send(new GetAccountSettingsCommand({}));
  const quota = AccountLimit?.ConcurrentExecutions ?? 0;
  const unreserved = AccountLimit?.UnreservedConcurrentExecutions ?? quota;
  const reserved = input.plan.reservedConcurrency;
  const findings: Finding[] = [];
  const who = input.plan.reservations.map((r) => `${r.stack}/${r.function} ${r.reserved}`).join(", ");
  if (reserved > 0 && unreserved - reserved < MIN_UNRESERVED) {
    findings.push(
      problem(
        check,
        `the stacks reserve ${reserved} (${who}); the account has ${unreserved} unreserved of ${quota}, and Lambda keeps ${MIN_UNRESERVED} unreserved: the functions would be refused.`,
        "request a higher 'Concurrent executions' quota (Service Quotas, AWS Lambda, L-B99A9384), or lower the " +
          "nodes' reservedConcurrency / drop -c notifierReservedConcurrency.",
      ),
    );
  } else {
    findings.push(ok(check, `the stacks reserve ${reserved}; ${unreserved} of ${quota} unreserved.`));
  }
  if (quota < USABLE_QUOTA) {
    findings.push(
      problem(
        "Lambda concurrency quota",
        `the account's quota is ${quota} (a new account's): a superstep's fan-out alone would be throttled.`,
        "request 'Concurrent executions' of 1000 (Service Quotas, AWS Lambda, L-B99A9384) before running workflows.",
      ),
    );
  }
  return findings;
}

/** Whether a retained resource of this fixed name already exists outside any deployed stack. */
async function exists(name: RetainedName, c: DoctorClients): Promise<boolean> {
  try {
    if (name.kind === "table") {
      await c.dynamodb.send(new DescribeTableCommand({ TableName: name.name }));
      return true;
    }
    if (name.kind === "log group") {
      const { logGroups } = await c.logs.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: name.name }),
      );
      return (logGroups ?? []).some((g) => g.logGroupName === name.name);
    }
    await c.s3.send(new HeadBucketCommand({ Bucket: name.name }));
    return true;
  } catch (err) {
    const code = (err as Error).name;
    if (code === "ResourceNotFoundException" || code === "NotFound" || code === "NoSuchBucket") return false;
    // Bucket names are global: one owned by another account answers 403, one in another region
    // 301; either way the name is taken.
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name.kind === "bucket" && (status === 403 || status === 301)) return true;
    throw err;
  }
}

const DELETE: Readonly<Record<RetainedName["kind"], (name: string, region: string) => string>> = {
  table: (n, region) =>
    `back it up if it holds runs, then: aws dynamodb delete-table --table-name ${n} --region ${region}`,
  "log group": (n, region) => `aws logs delete-log-group --log-group-name ${n} --region ${region}`,
  bucket: (n) =>
    `empty and delete it if it is yours (aws s3 rb s3://${n} --force), else use another stage name`,
};

/**
 * Resources the stacks keep on deletion under names fixed by the stage: a leftover of an earlier,
 * destroyed deploy makes the create fail. A stack that exists owns its resources; a stack left
 * in ROLLBACK_COMPLETE must be deleted before it can be created again.
 */
export async function checkRetainedNames(input: DoctorInput, c: DoctorClients): Promise<Finding[]> {
  const findings: Finding[] = [];
  const deployed = new Map<string, Stack | undefined>();
  for (const stackName of input.plan.stackNames)
    deployed.set(stackName, await describeStack(c.cloudFormation, stackName));
  for (const [stackName, stack] of deployed) {
    if (stack?.StackStatus === "ROLLBACK_COMPLETE") {
      findings.push(
        problem(
          `stack ${stackName}`,
          "is in ROLLBACK_COMPLETE (its first create failed): CloudFormation cannot update it.",
          `aws cloudformation delete-stack --stack-name ${stackName} --region ${input.region}, then deploy again`,
        ),
      );
    }
  }
  const orphans: RetainedName[] = [];
  for (const name of input.plan.retainedNames) {
    const owner = deployed.get(name.stack);
    if (owner && owner.StackStatus !== "ROLLBACK_COMPLETE") continue;
    if (await exists(name, c)) orphans.push(name);
  }
  for (const o of orphans) {
    findings.push(
      problem(
        `${o.kind} ${o.name}`,
        `exists but no stack ${o.stack} owns it (left by an earlier deploy): creating ${o.stack} would fail on the name.`,
        DELETE[o.kind](o.name, input.region),
      ),
    );
  }
  if (orphans.length === 0) {
    findings.push(
      ok("retained names", `none of the ${input.plan.retainedNames.length} fixed names is taken.`),
    );
  }
  return findings;
}

/** The chosen Bedrock model can be invoked from this account and region. */
export async function checkBedrockModel(input: DoctorInput, c: DoctorClients): Promise<Finding | undefined> {
  const modelId = input.bedrockModelId;
  if (!modelId) return undefined;
  const check = `Bedrock model ${modelId}`;
  const access = `open Bedrock → Model access in ${input.region} and enable ${modelId} (or choose a model available there)`;
  let a: GetFoundationModelAvailabilityCommandOutput;
  try {
    a = await c.bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId }));
  } catch (err) {
    const code = (err as Error).name;
    if (code === "ResourceNotFoundException" || code === "ValidationException") {
      return problem(check, `unknown in ${input.region}: ${(err as Error).message}`, access);
    }
    throw err;
  }
  const reasons = [
    a.regionAvailability !== "AVAILABLE" && `not offered in ${input.region}`,
    a.authorizationStatus !== "AUTHORIZED" && "this account is not authorized for it",
    a.entitlementAvailability !== "AVAILABLE" && "no entitlement",
    a.agreementAvailability?.status !== "AVAILABLE" && "its agreement is not accepted",
  ].filter(Boolean);
  return reasons.length === 0
    ? ok(check, "available and authorized.")
    : problem(check, `${reasons.join("; ")}.`, access);
}

/**
 * Every check, in the order a first deploy meets them.
 *
 * @example
 * const findings = await runDoctor({ stage: "dev", region: "eu-west-1", plan }, doctorClients("eu-west-1"));
 * findings.filter((f) => !f.ok); // what to fix before `cdk deploy`
 */
export async function runDoctor(input: DoctorInput, clients: DoctorClients): Promise<Finding[]> {
  const bedrock = await checkBedrockModel(input, clients);
  return [
    await checkBootstrap(input, clients),
    await checkApiGatewayRole(input, clients),
    ...(await checkConcurrency(input, clients)),
    ...(await checkRetainedNames(input, clients)),
    ...(bedrock ? [bedrock] : []),
  ];
}
