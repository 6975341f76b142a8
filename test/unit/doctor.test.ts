import { APIGatewayClient, GetAccountCommand } from "@aws-sdk/client-api-gateway";
import { BedrockClient, GetFoundationModelAvailabilityCommand } from "@aws-sdk/client-bedrock";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { resources } from "#config";
import { defineWorkflow } from "#engine";
import { UsageError } from "../../cli/args.ts";
import { doctorCommand, parseContext } from "../../cli/doctor.ts";
import {
  checkApiGatewayRole,
  checkBedrockModel,
  checkBootstrap,
  checkConcurrency,
  checkRetainedNames,
  type DoctorClients,
  type DoctorInput,
} from "../../cli/doctor-checks.ts";
import { planOf, type StagePlan, synthesizeStage } from "../../lib/stage-plan.ts";

// Mocks on client instances, never the classes: test files share one module graph.
const REGION = "eu-west-1";
const clients: DoctorClients = {
  cloudFormation: new CloudFormationClient({ region: REGION }),
  apiGateway: new APIGatewayClient({ region: REGION }),
  lambda: new LambdaClient({ region: REGION }),
  logs: new CloudWatchLogsClient({ region: REGION }),
  dynamodb: new DynamoDBClient({ region: REGION }),
  s3: new S3Client({ region: REGION }),
  bedrock: new BedrockClient({ region: REGION }),
};
const cfn = mockClient(clients.cloudFormation);
const apigw = mockClient(clients.apiGateway);
const lambda = mockClient(clients.lambda);
const logs = mockClient(clients.logs);
const dynamodb = mockClient(clients.dynamodb);
const s3 = mockClient(clients.s3);
const bedrock = mockClient(clients.bedrock);

const r = resources("dev");
const PLAN: StagePlan = {
  stackNames: [`${r.prefix}-core`, `${r.prefix}-api`],
  bootstrapVersion: 6,
  reservedConcurrency: 7,
  reservations: [{ stack: `${r.prefix}-workflow-triage`, function: "TriageNodeClassify", reserved: 7 }],
  retainedNames: [
    { kind: "table", name: r.checkpointTable.name, stack: `${r.prefix}-core` },
    { kind: "bucket", name: r.dataBucket.name, stack: `${r.prefix}-core` },
    { kind: "log group", name: `/aws/apigateway/${r.prefix}-api`, stack: `${r.prefix}-api` },
  ],
  setsApiGatewayAccountRole: true,
};
const input = (over: Partial<DoctorInput> = {}): DoctorInput => ({
  stage: "dev",
  region: REGION,
  plan: PLAN,
  ...over,
});
const notFound = (name: string) => Object.assign(new Error(`${name} not found`), { name });
const stackMissing = (name: string) =>
  Object.assign(new Error(`Stack with id ${name} does not exist`), { name: "ValidationError" });

/** An account where nothing blocks a first deploy of {@link PLAN}. */
function healthyAccount(): void {
  cfn.on(DescribeStacksCommand).callsFake(({ StackName }) => {
    if (StackName === "CDKToolkit")
      return {
        Stacks: [
          {
            StackName,
            StackStatus: "UPDATE_COMPLETE",
            Outputs: [{ OutputKey: "BootstrapVersion", OutputValue: "30" }],
          },
        ],
      };
    throw stackMissing(StackName);
  });
  apigw.on(GetAccountCommand).resolves({});
  lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  dynamodb.on(DescribeTableCommand).rejects(notFound("ResourceNotFoundException"));
  s3.on(HeadBucketCommand).rejects(notFound("NotFound"));
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
    modelId: "anthropic.claude-x",
    authorizationStatus: "AUTHORIZED",
    entitlementAvailability: "AVAILABLE",
    regionAvailability: "AVAILABLE",
    agreementAvailability: { status: "AVAILABLE" },
  });
}

beforeEach(() => {
  for (const m of [cfn, apigw, lambda, logs, dynamodb, s3, bedrock]) m.reset();
  healthyAccount();
});

describe("CDK bootstrap", () => {
  it("passes at or above the version the templates require", async () => {
    expect(await checkBootstrap(input(), clients)).toMatchObject({ ok: true });
  });

  it("fails, with the bootstrap command, when the region was never bootstrapped", async () => {
    cfn.on(DescribeStacksCommand, { StackName: "CDKToolkit" }).rejects(stackMissing("CDKToolkit"));
    const f = await checkBootstrap(input(), clients);
    expect(f).toMatchObject({ ok: false, fix: `npx cdk bootstrap aws://<account>/${REGION}` });
    expect(f.detail).toMatch(/not bootstrapped/);
  });

  it("fails when the bootstrap stack is older than the templates need", async () => {
    cfn.on(DescribeStacksCommand, { StackName: "CDKToolkit" }).resolves({
      Stacks: [
        {
          StackName: "CDKToolkit",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(),
          Outputs: [{ OutputKey: "BootstrapVersion", OutputValue: "5" }],
        },
      ],
    });
    const f = await checkBootstrap(input(), clients);
    expect(f.ok).toBe(false);
    expect(f.detail).toMatch(/version 5; the stacks require 6/);
  });
});

describe("API Gateway CloudWatch role", () => {
  it("passes when the account has one, or when the api stack sets it", async () => {
    expect(await checkApiGatewayRole(input(), clients)).toMatchObject({
      ok: true,
      detail: /api stack sets it/,
    });
    apigw.on(GetAccountCommand).resolves({ cloudwatchRoleArn: "arn:aws:iam::123456789012:role/apigw-logs" });
    const kept = await checkApiGatewayRole(
      input({ plan: { ...PLAN, setsApiGatewayAccountRole: false } }),
      clients,
    );
    expect(kept).toMatchObject({ ok: true, detail: /apigw-logs/ });
  });

  it("fails when none is set and the stack was told one exists", async () => {
    const f = await checkApiGatewayRole(
      input({ plan: { ...PLAN, setsApiGatewayAccountRole: false } }),
      clients,
    );
    expect(f.ok).toBe(false);
    expect(f.fix).toMatch(/apiGatewayCloudWatchRole=existing/);
  });
});

describe("Lambda concurrency", () => {
  it("passes when the reservations leave Lambda's 100 unreserved", async () => {
    expect((await checkConcurrency(input(), clients)).every((f) => f.ok)).toBe(true);
  });

  it("fails on a new account's quota of 10: the reservation is refused and fan-outs throttle", async () => {
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    const findings = await checkConcurrency(input(), clients);
    expect(findings.map((f) => f.ok)).toEqual([false, false]);
    expect(findings[0]?.detail).toMatch(/reserve 7 \(switchyard-dev-workflow-triage\/TriageNodeClassify 7\)/);
    expect(findings[1]?.fix).toMatch(/L-B99A9384/);
  });

  it("fails when other functions already hold the headroom", async () => {
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 105 } });
    const [reservation] = await checkConcurrency(input(), clients);
    expect(reservation?.ok).toBe(false);
  });
});

describe("retained resources of fixed names", () => {
  it("passes when no name is taken", async () => {
    const findings = await checkRetainedNames(input(), clients);
    expect(findings).toEqual([
      expect.objectContaining({ ok: true, detail: expect.stringMatching(/none of the 3 fixed names/) }),
    ]);
  });

  it("fails on a leftover table, log group or bucket, with the command that frees each", async () => {
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: r.checkpointTable.name } });
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: `/aws/apigateway/${r.prefix}-api` }] });
    s3.on(HeadBucketCommand).rejects(
      Object.assign(new Error("Forbidden"), { name: "403", $metadata: { httpStatusCode: 403 } }),
    );
    const findings = await checkRetainedNames(input(), clients);
    expect(findings.map((f) => [f.check, f.ok])).toEqual([
      [`table ${r.checkpointTable.name}`, false],
      [`bucket ${r.dataBucket.name}`, false],
      [`log group /aws/apigateway/${r.prefix}-api`, false],
    ]);
    expect(findings[0]?.fix).toMatch(/aws dynamodb delete-table --table-name switchyard-dev-checkpoints/);
    expect(findings[2]?.fix).toMatch(
      /aws logs delete-log-group --log-group-name \/aws\/apigateway\/switchyard-dev-api/,
    );
  });

  it("does not count a log group that only shares the prefix", async () => {
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: `/aws/apigateway/${r.prefix}-api-old` }] });
    expect((await checkRetainedNames(input(), clients)).every((f) => f.ok)).toBe(true);
  });

  it("leaves a deployed stack's own resources alone, but not a stack stuck in ROLLBACK_COMPLETE", async () => {
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: r.checkpointTable.name } });
    cfn.on(DescribeStacksCommand, { StackName: `${r.prefix}-core` }).resolves({
      Stacks: [{ StackName: `${r.prefix}-core`, StackStatus: "UPDATE_COMPLETE", CreationTime: new Date() }],
    });
    expect((await checkRetainedNames(input(), clients)).every((f) => f.ok)).toBe(true);

    cfn.on(DescribeStacksCommand, { StackName: `${r.prefix}-core` }).resolves({
      Stacks: [{ StackName: `${r.prefix}-core`, StackStatus: "ROLLBACK_COMPLETE", CreationTime: new Date() }],
    });
    const findings = await checkRetainedNames(input(), clients);
    expect(findings.map((f) => f.check)).toEqual([
      `stack ${r.prefix}-core`,
      `table ${r.checkpointTable.name}`,
    ]);
    expect(findings[0]?.fix).toMatch(/delete-stack --stack-name switchyard-dev-core/);
  });
});

describe("Bedrock model access", () => {
  it("is not checked unless the agents use Bedrock", async () => {
    expect(await checkBedrockModel(input(), clients)).toBeUndefined();
    expect(bedrock.calls()).toHaveLength(0);
  });

  it("passes for an authorized model, fails for one without access or unknown in the region", async () => {
    expect(await checkBedrockModel(input({ bedrockModelId: "anthropic.claude-x" }), clients)).toMatchObject({
      ok: true,
    });
    bedrock.on(GetFoundationModelAvailabilityCommand).resolves({
      modelId: "anthropic.claude-x",
      authorizationStatus: "NOT_AUTHORIZED",
      entitlementAvailability: "AVAILABLE",
      regionAvailability: "AVAILABLE",
      agreementAvailability: { status: "NOT_AVAILABLE" },
    });
    const denied = await checkBedrockModel(input({ bedrockModelId: "anthropic.claude-x" }), clients);
    expect(denied).toMatchObject({ ok: false, detail: /not authorized.*agreement/ });
    expect(denied?.fix).toMatch(/Model access in eu-west-1/);
    bedrock
      .on(GetFoundationModelAvailabilityCommand)
      .rejects(Object.assign(new Error("no such model"), { name: "ValidationException" }));
    expect(await checkBedrockModel(input({ bedrockModelId: "nope" }), clients)).toMatchObject({
      ok: false,
      detail: /unknown/,
    });
  });
});

describe("the plan, from the synthesized templates", () => {
  let plan: StagePlan;
  beforeAll(() => {
    const State = Annotation.Root({ note: Annotation<string> });
    const graph = new StateGraph(State)
      .addNode("only", () => ({ note: "x" }))
      .addEdge(START, "only")
      .addEdge("only", END);
    const reserving = defineWorkflow({
      name: "reserving",
      graph,
      input: z.object({}),
      nodes: { only: { reservedConcurrency: 5 } },
    });
    plan = planOf(synthesizeStage({ stage: "dev", notifierReservedConcurrency: "2" }, { reserving }));
  }, 120_000);

  it("sums every function's reserved concurrency, naming each", () => {
    expect(plan.reservedConcurrency).toBe(7);
    expect(plan.reservations.map((x) => x.reserved).sort()).toEqual([2, 5]);
  });

  it("lists the retained resources of fixed names, the bootstrap version and the account role", () => {
    expect(plan.retainedNames.map((x) => `${x.kind} ${x.name}`).sort()).toEqual(
      [
        `bucket ${r.dataBucket.name}`,
        `log group /aws/apigateway/${r.prefix}-api`,
        `log group /aws/vendedlogs/states/${r.prefix}-reserving`,
        `table ${r.checkpointTable.name}`,
      ].sort(),
    );
    expect(plan.bootstrapVersion).toBeGreaterThanOrEqual(6);
    expect(plan.setsApiGatewayAccountRole).toBe(true);
  });
});

describe("switchyard doctor --target aws", () => {
  it("exits 0 and says so when nothing blocks a first deploy", async () => {
    const lines: string[] = [];
    const contexts: Record<string, unknown>[] = [];
    const planFor = (context: Record<string, unknown>) => {
      contexts.push(context);
      return PLAN;
    };
    const code = await doctorCommand({
      stage: "dev",
      region: REGION,
      out: (l) => lines.push(l),
      clients,
      planFor,
    });
    expect(code).toBe(0);
    expect(contexts).toEqual([{ stage: "dev" }]);
    expect(lines.at(-1)).toBe("Nothing blocks a first deploy: npx cdk deploy --all -c stage=dev");
    expect(lines.filter((l) => l.startsWith("✓")).length).toBeGreaterThanOrEqual(4);
  });

  it("exits 1 and prints each problem with its fix; Bedrock is checked when -c chooses it", async () => {
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    bedrock
      .on(GetFoundationModelAvailabilityCommand)
      .rejects(Object.assign(new Error("no such model"), { name: "ResourceNotFoundException" }));
    const lines: string[] = [];
    const code = await doctorCommand({
      stage: "dev",
      region: REGION,
      context: ["modelProvider=bedrock", "bedrockModelId=anthropic.claude-x"],
      out: (l) => lines.push(l),
      clients,
      planFor: () => PLAN,
    });
    expect(code).toBe(1);
    expect(lines).toContain(
      "✗ Lambda concurrency quota: the account's quota is 10 (a new account's): a superstep's fan-out alone would be throttled.",
    );
    expect(lines.some((l) => l.startsWith("✗ Bedrock model anthropic.claude-x"))).toBe(true);
    // The reservation, the quota and the model: each with its fix.
    expect(lines.filter((l) => l.startsWith("    fix: ")).length).toBe(3);
    expect(lines.at(-1)).toBe("3 problems to fix before npx cdk deploy --all -c stage=dev");
  });

  it("refuses a context pair without '=' as bad usage", () => {
    expect(() => parseContext(["modelProvider"])).toThrow(UsageError);
    expect(parseContext(["a=b=c"])).toEqual({ a: "b=c" });
  });
});
