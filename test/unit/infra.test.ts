import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { beforeAll, describe, expect, it } from "vitest";
import { allQueues, type Resources, resources } from "#config";
import { CREATE_REQUIRE_BANNER, SwitchyardFunction } from "../../lib/constructs/switchyard-function.ts";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";

// The same feature flags `cdk synth` runs with, so these templates are the deployed ones.
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAGE = "qa";
const DAY_SECONDS = 86_400;

// Synth once per file: bundling the function takes seconds.
let r: Resources;
let core: Template;
let fn: Template;
let health: SwitchyardFunction;
let assemblyDir: string;

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
  // No workflows: this file tests the core stack and the function construct alone
  // (agent-workflow.test.ts covers the workflows stack).
  // The ops stack's handlers stood in by the health handler: one bundle in the assembly, tested below.
  const stacks = defineSwitchyard(app, { workflows: {}, entryFor: () => "functions/handlers/health.ts" });
  r = stacks.core.resources;
  const host = new Stack(app, "FunctionHost");
  health = new SwitchyardFunction(host, "Health", {
    entry: "functions/handlers/health.ts",
    environment: { SWITCHYARD_STAGE: STAGE },
    logRetention: RetentionDays.TWO_WEEKS,
  });
  core = Template.fromStack(stacks.core);
  fn = Template.fromStack(host);
  assemblyDir = app.synth().directory;
});

/** The single resource of `type` whose properties match, by logical id. */
function logicalId(template: Template, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as string;
}

describe("SwitchyardCoreStack", () => {
  it("takes every name from the shared resource module, stage included", () => {
    expect(r).toEqual(resources(STAGE));
    core.hasResourceProperties("AWS::DynamoDB::Table", { TableName: "switchyard-qa-checkpoints" });
    for (const { name } of allQueues(r)) core.hasResourceProperties("AWS::SQS::Queue", { QueueName: name });
    core.resourceCountIs("AWS::SQS::Queue", allQueues(r).length);
    core.hasResourceProperties("AWS::SNS::Topic", { TopicName: r.alertsTopic.name });
    // The data bucket's settings and grants: data-bucket-infra.test.ts.
    core.hasResourceProperties("AWS::S3::Bucket", { BucketName: "switchyard-qa-data" });
  });

  it("checkpoint table: pk/sk strings, on demand, TTL, PITR, encrypted, retained (but not after a failed create)", () => {
    const t = r.checkpointTable;
    core.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "RetainExceptOnCreate",
      UpdateReplacePolicy: "Retain",
      Properties: {
        TableName: t.name,
        KeySchema: [
          { AttributeName: t.partitionKey, KeyType: "HASH" },
          { AttributeName: t.sortKey, KeyType: "RANGE" },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: t.partitionKey, AttributeType: "S" },
          { AttributeName: t.sortKey, AttributeType: "S" },
        ]),
        BillingMode: "PAY_PER_REQUEST",
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSE on, no key given: the AWS-managed aws/dynamodb key (absent would be the AWS-owned key).
        SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
      },
    });
  });

  it("requests queue: visibility and retention from the module, redrive to its DLQ after maxReceiveCount", () => {
    const spec = r.requestsQueue;
    const dl = spec.deadLetter;
    if (!dl) throw new Error("the requests queue has a dead letter in resources()");
    const dlqId = logicalId(core, "AWS::SQS::Queue", {
      QueueName: dl.name,
      MessageRetentionPeriod: dl.retentionDays * DAY_SECONDS,
    });
    core.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: spec.name,
      VisibilityTimeout: 180,
      MessageRetentionPeriod: spec.retentionDays * DAY_SECONDS,
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] }, maxReceiveCount: 5 },
    });
  });

  it("failed-runs queue: its own settings, no redrive (it is the dead-letter store of runs)", () => {
    core.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: r.failedRunsQueue.name,
      VisibilityTimeout: r.failedRunsQueue.visibilityTimeoutSeconds,
      MessageRetentionPeriod: 14 * DAY_SECONDS,
      RedrivePolicy: Match.absent(),
    });
  });

  it("queues and topic are encrypted with one rotated customer key that alarms may use", () => {
    const keyId = logicalId(core, "AWS::KMS::Key", { EnableKeyRotation: true });
    const keyArn = { "Fn::GetAtt": [keyId, "Arn"] };
    for (const { name } of allQueues(r)) {
      core.hasResourceProperties("AWS::SQS::Queue", { QueueName: name, KmsMasterKeyId: keyArn });
    }
    core.hasResourceProperties("AWS::SNS::Topic", { TopicName: r.alertsTopic.name, KmsMasterKeyId: keyArn });
    core.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
          }),
        ]),
      },
    });
  });

  it("audit signing key: asymmetric P-256 for signing only, kept when the stack goes", () => {
    const keys = core.findResources("AWS::KMS::Key", {
      Properties: Match.objectLike({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }),
    });
    expect(Object.values(keys)).toHaveLength(1);
    expect(Object.values(keys)[0]).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    core.hasResourceProperties("AWS::KMS::Alias", { AliasName: "alias/switchyard-qa-audit" });
  });

  it("every queue and the topic deny requests without TLS", () => {
    // Principal "*" and { AWS: "*" } both mean anyone; CDK renders SNS and SQS differently.
    const denyWithoutTls = (action: string, principal: unknown) => ({
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Principal: principal,
            Action: action,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
    for (const { name } of allQueues(r)) {
      const queueId = logicalId(core, "AWS::SQS::Queue", { QueueName: name });
      core.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: queueId }],
        ...denyWithoutTls("sqs:*", { AWS: "*" }),
      });
    }
    const topicId = logicalId(core, "AWS::SNS::Topic", { TopicName: r.alertsTopic.name });
    core.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [{ Ref: topicId }],
      ...denyWithoutTls("sns:Publish", "*"),
    });
  });

  it("outputs what the CLI and handlers read: table name, queue URLs, topic ARN", () => {
    core.hasOutput("CheckpointTableName", { Value: { Ref: logicalId(core, "AWS::DynamoDB::Table", {}) } });
    for (const [output, name] of [
      ["RequestsQueueUrl", r.requestsQueue.name],
      ["RequestsDeadLetterQueueUrl", r.requestsQueue.deadLetter?.name],
      ["FailedRunsQueueUrl", r.failedRunsQueue.name],
    ] as const) {
      core.hasOutput(output, { Value: { Ref: logicalId(core, "AWS::SQS::Queue", { QueueName: name }) } });
    }
    core.hasOutput("AlertsTopicArn", {
      Value: { Ref: logicalId(core, "AWS::SNS::Topic", { TopicName: r.alertsTopic.name }) },
    });
  });

  it("rejects an invalid stage before building anything", () => {
    const app = new App({ context: { ...cdkJson.context, stage: "Prod_1" } });
    expect(() => defineSwitchyard(app, { workflows: {} })).toThrow(/Invalid stage "Prod_1"/);
    expect(app.node.children).toHaveLength(0);
  });
});

describe("SwitchyardFunction", () => {
  it("runs Node.js 24 on ARM64 with active tracing, its environment and the named handler", () => {
    fn.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      TracingConfig: { Mode: "Active" },
      Handler: "index.handler",
      MemorySize: 1024,
      Timeout: 30,
      Environment: { Variables: { SWITCHYARD_STAGE: STAGE } },
    });
  });

  it("logs to its own log group with the set retention", () => {
    const logGroupId = logicalId(fn, "AWS::Logs::LogGroup", { RetentionInDays: 14 });
    fn.hasResourceProperties("AWS::Lambda::Function", {
      LoggingConfig: { LogGroup: { Ref: logGroupId } },
    });
  });

  it("has a role without managed policies that may write only to its log group, plus X-Ray", () => {
    fn.hasResourceProperties("AWS::IAM::Role", { ManagedPolicyArns: Match.absent() });
    const logGroupId = logicalId(fn, "AWS::Logs::LogGroup", {});
    fn.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: { "Fn::GetAtt": [logGroupId, "Arn"] },
          }),
          Match.objectLike({ Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: "*" }),
        ]),
      },
    });
  });

  it("bundles a real handler with lib/bundling: minified ESM with its source map beside, that runs", async () => {
    const bundles = readdirSync(assemblyDir)
      .filter((d) => d.startsWith("asset."))
      .map((d) => join(assemblyDir, d, "index.mjs"))
      .filter((f) => existsSync(f));
    expect(bundles).toHaveLength(1);
    const file = bundles[0] as string;
    const code = readFileSync(file, "utf8");
    expect(code.startsWith(CREATE_REQUIRE_BANNER)).toBe(true);
    // Minified: banner, one line of code, the link to the source map written beside (not inlined).
    expect(code.split("\n").length).toBeLessThanOrEqual(4);
    expect(code.trimEnd().endsWith("//# sourceMappingURL=index.mjs.map")).toBe(true);
    expect(existsSync(`${file}.map`)).toBe(true);
    const bundle = (await import(pathToFileURL(file).href)) as { handler: () => Promise<unknown> };
    expect(await bundle.handler()).toEqual({ ok: true, service: "switchyard" });
  });

  it("fails validation when anything but X-Ray is granted on Resource '*'", () => {
    expect(health.node.validate()).toEqual([]);
    health.function.addToRolePolicy(new PolicyStatement({ actions: ["s3:GetObject"], resources: ["*"] }));
    expect(health.node.validate()).toEqual([expect.stringMatching(/s3:GetObject granted on Resource '\*'/)]);
  });
});
