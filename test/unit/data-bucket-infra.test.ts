/**
 * The data bucket (core stack), the data-arrival rule (ops stack) and who may read and write
 * the bucket (workflows and API stacks), asserted on the synthesized templates.
 */
import { readFileSync } from "node:fs";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Resources, resources } from "#config";
import { defineWorkflow, TASK_LIST_PREFIX, type WorkflowDefinition } from "#engine";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";

const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAGE = "dataqa";
const STAND_IN_ENTRY = "functions/handlers/health.ts";
const r: Resources = resources(STAGE);
const BUCKET_ARN = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:s3:::${r.dataBucket.name}`]] };
const objectsArn = (keys: string) => ({
  "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:s3:::${r.dataBucket.name}/${keys}`]],
});

/** A two-node stand-in named like the arrival workflow: the ops stack deploys the trigger only for it. */
function arrivalWorkflow(): WorkflowDefinition {
  const State = Annotation.Root({ note: Annotation<string> });
  const graph = new StateGraph(State)
    .addNode("partition", () => ({ note: "partitioned" }))
    .addNode("summarize", (s) => ({ note: `${s.note}, summarized` }))
    .addEdge(START, "partition")
    .addEdge("partition", "summarize")
    .addEdge("summarize", END);
  return defineWorkflow({ name: r.dataBucket.arrivalWorkflow, graph, input: z.object({}), nodes: {} });
}

type Json = Record<string, unknown>;
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Json; Effect: string };

let core: Template;
let ops: Template;
let workflows: Template;
let api: Template;

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
  const stacks = defineSwitchyard(app, {
    workflows: { [r.dataBucket.arrivalWorkflow]: arrivalWorkflow() },
    entryFor: () => STAND_IN_ENTRY,
  });
  core = Template.fromStack(stacks.core);
  ops = Template.fromStack(stacks.ops);
  workflows = Template.fromStack(stacks.workflows[r.dataBucket.arrivalWorkflow] as never);
  const apiStack = app.node.findChild(`${r.prefix}-api`);
  api = Template.fromStack(apiStack as never);
});

/** The logical id of the one resource of `type` whose properties match. */
function idOf(template: Template, type: string, props: Json): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as string;
}

/** Every statement of the role default policies of the functions whose environment matches. */
function statementsOf(template: Template, env: Json): Statement[] {
  const functions = template.findResources("AWS::Lambda::Function", {
    Properties: { Environment: { Variables: Match.objectLike(env) } },
  });
  const roles = Object.values(functions).map(
    (f) =>
      (f as { Properties: { Role: { "Fn::GetAtt": string[] } } }).Properties.Role["Fn::GetAtt"][0] as string,
  );
  expect(roles.length, JSON.stringify(env)).toBeGreaterThan(0);
  const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((p) =>
    (p as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((role) =>
      roles.includes(role.Ref),
    ),
  );
  return policies.flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

const actionsOf = (s: Statement) => [s.Action].flat();
const s3Statements = (statements: Statement[]) =>
  statements.filter((s) => actionsOf(s).some((a) => a.startsWith("s3:")));

describe("SwitchyardCoreStack: the data bucket", () => {
  it("is named from the resource module, KMS-encrypted with the messages key, versioned, private", () => {
    const keyId = idOf(core, "AWS::KMS::Key", { EnableKeyRotation: true });
    core.hasResource("AWS::S3::Bucket", {
      DeletionPolicy: "RetainExceptOnCreate",
      Properties: {
        BucketName: "switchyard-dataqa-data",
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: "aws:kms",
                KMSMasterKeyID: { "Fn::GetAtt": [keyId, "Arn"] },
              },
            },
          ],
        },
        VersioningConfiguration: { Status: "Enabled" },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      },
    });
  });

  it("expires old versions and unfinished uploads, and logs access to its own log bucket", () => {
    const logs = idOf(core, "AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
    });
    core.hasResourceProperties("AWS::S3::Bucket", {
      BucketName: r.dataBucket.name,
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: "expire-old-versions",
            Status: "Enabled",
            NoncurrentVersionExpiration: { NoncurrentDays: r.dataBucket.noncurrentVersionDays },
          }),
          Match.objectLike({
            Id: "abort-incomplete-uploads",
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.dataBucket.abortIncompleteUploadDays },
          }),
        ]),
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: `${r.dataBucket.name}/` },
    });
  });

  it("expires the engine's task lists and Map results under the prefix the engine writes them to", () => {
    expect(r.dataBucket.engineObjects.prefix).toBe(TASK_LIST_PREFIX);
    core.hasResourceProperties("AWS::S3::Bucket", {
      BucketName: r.dataBucket.name,
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: "expire-engine-objects",
            Status: "Enabled",
            Prefix: TASK_LIST_PREFIX,
            ExpirationInDays: r.dataBucket.engineObjects.expireDays,
          }),
        ]),
      },
    });
  });

  it("refuses any request not made over TLS 1.2 or later", () => {
    const bucket = idOf(core, "AWS::S3::Bucket", { BucketName: r.dataBucket.name });
    const policy = Object.values(core.findResources("AWS::S3::BucketPolicy")).find(
      (p) =>
        JSON.stringify((p as { Properties: Json }).Properties.Bucket) === JSON.stringify({ Ref: bucket }),
    ) as { Properties: { PolicyDocument: { Statement: Statement[] } } } | undefined;
    const denies = policy?.Properties.PolicyDocument.Statement.filter((s) => s.Effect === "Deny") ?? [];

    expect(denies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        expect.objectContaining({ Action: "s3:*", Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } } }),
      ]),
    );
  });

  it("sends its events to EventBridge by its own property, no custom-resource Lambda", () => {
    core.hasResourceProperties("AWS::S3::Bucket", {
      BucketName: r.dataBucket.name,
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    expect(Object.keys(core.findResources("Custom::S3BucketNotifications"))).toHaveLength(0);
    core.resourceCountIs("AWS::Lambda::Function", 0);
  });

  it("exports its name for DATA_BUCKET", () => {
    core.hasOutput("DataBucketName", { Description: "DATA_BUCKET" });
  });
});

describe("SwitchyardOpsStack: data arrivals", () => {
  it("matches a day's manifest created in the data bucket under incoming/, and hands it to the data-arrived Lambda", () => {
    const handler = idOf(ops, "AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          OTEL_SERVICE_NAME: "switchyard-data-arrived",
          DATA_BUCKET: r.dataBucket.name,
        }),
      },
    });
    const dlq = idOf(ops, "AWS::SQS::Queue", { QueueName: `${r.prefix}-data-arrivals-dlq` });
    ops.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.s3"],
        "detail-type": ["Object Created"],
        detail: {
          bucket: { name: [r.dataBucket.name] },
          object: { key: [{ wildcard: "incoming/*manifest.json" }] },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { "Fn::GetAtt": [handler, "Arn"] },
          DeadLetterConfig: { Arn: { "Fn::GetAtt": [dlq, "Arn"] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    ops.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: handler },
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [dlq, "Arn"] } } },
    });
  });

  it("lets through a day's manifest, not its data files: one run per day, on the complete day", () => {
    const rules = Object.values(
      ops.findResources("AWS::Events::Rule", {
        Properties: { EventPattern: Match.objectLike({ source: ["aws.s3"] }) },
      }),
    ) as { Properties: { EventPattern: { detail: { object: { key: { wildcard: string }[] } } } } }[];
    expect(rules).toHaveLength(1);
    const pattern = rules[0]?.Properties.EventPattern.detail.object.key[0]?.wildcard ?? "";
    // EventBridge's wildcard: '*' matches any run of characters, '/' included; nothing else is special.
    const wildcard = new RegExp(
      `^${pattern
        .split("*")
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    const matches = (key: string) => wildcard.test(key);

    expect(matches("incoming/2026-11-24/manifest.json")).toBe(true);
    expect(matches("incoming/desk-a/2026-11-24/manifest.json")).toBe(true);
    for (const file of [
      "trades.csv",
      "instruments.json",
      "confirmations.jsonl",
      "prices.csv",
      "mapping.json",
    ]) {
      expect(matches(`incoming/2026-11-24/${file}`), file).toBe(false);
    }
    expect(matches("runs/r1/manifest.json")).toBe(false);
  });

  it("lets the handler send to the requests queue and its DLQ only, and read no data", () => {
    const statements = statementsOf(ops, { OTEL_SERVICE_NAME: "switchyard-data-arrived" });
    const sqs = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("sqs:")));

    expect(sqs.flatMap(actionsOf)).toEqual(["sqs:SendMessage"]);
    expect(JSON.stringify(sqs[0]?.Resource)).toMatch(/RequestsQueue/);
    expect(s3Statements(statements)).toEqual([]);
  });

  it("is left out when the arrival workflow is not deployed", () => {
    const app = new App({ context: { ...cdkJson.context, stage: "nodata" } });
    const stacks = defineSwitchyard(app, { workflows: {}, entryFor: () => STAND_IN_ENTRY });
    expect(
      Object.keys(
        Template.fromStack(stacks.ops).findResources("AWS::Events::Rule", {
          Properties: { EventPattern: Match.objectLike({ source: ["aws.s3"] }) },
        }),
      ),
    ).toHaveLength(0);
  });
});

describe("who may use the data bucket", () => {
  it("node functions read every object and write only under runs/ and generated/, with the key only through S3", () => {
    const statements = statementsOf(workflows, { NODE_NAME: "partition" });

    expect(s3Statements(statements)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: "s3:ListBucket", Resource: BUCKET_ARN }),
        expect.objectContaining({ Action: "s3:GetObject", Resource: objectsArn("*") }),
        expect.objectContaining({
          Action: ["s3:AbortMultipartUpload", "s3:PutObject"],
          Resource: expect.arrayContaining([objectsArn("runs/*"), objectsArn("generated/*")]),
        }),
      ]),
    );
    expect(s3Statements(statements)).toHaveLength(3);
    const kms = statements.filter((s) => actionsOf(s).includes("kms:GenerateDataKey"));
    expect(kms).toHaveLength(1);
    expect(kms[0]?.Condition).toMatchObject({
      StringEquals: {
        "kms:ViaService": { "Fn::Join": ["", ["s3.", { Ref: "AWS::Region" }, ".amazonaws.com"]] },
      },
    });
    workflows.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ NODE_NAME: "partition", DATA_BUCKET: r.dataBucket.name }),
      },
    });
  });

  it("start and commit reach only the engine's task lists: start writes them, commit also reads", () => {
    for (const [role, actions] of [
      ["start", "s3:PutObject"],
      ["commit", ["s3:GetObject", "s3:PutObject"]],
    ] as const) {
      const description = `Switchyard ${STAGE} ${r.dataBucket.arrivalWorkflow}: ${role}`;
      const fn = idOf(workflows, "AWS::Lambda::Function", { Description: description });
      const roleId = (workflows.toJSON().Resources[fn].Properties.Role["Fn::GetAtt"] as string[])[0];
      const policies = Object.values(workflows.findResources("AWS::IAM::Policy")).filter((p) =>
        JSON.stringify((p as { Properties: Json }).Properties.Roles).includes(`"${roleId}"`),
      ) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);

      expect(s3Statements(statements)).toEqual([
        expect.objectContaining({ Action: actions, Resource: objectsArn("engine/*") }),
      ]);
      const dataKey = statements.filter((s) => JSON.stringify(s.Condition ?? {}).includes("kms:ViaService"));
      expect(dataKey).toEqual([expect.objectContaining({ Action: ["kms:Decrypt", "kms:GenerateDataKey"] })]);
    }
  });

  it("the API reads the bucket (a day before it accepts a run, run outputs), writes nothing, the key only through S3", () => {
    const all = statementsOf(api, { OTEL_SERVICE_NAME: "switchyard-api" });
    const statements = s3Statements(all);

    expect(statements).toEqual([
      expect.objectContaining({ Action: "s3:ListBucket", Resource: BUCKET_ARN }),
      expect.objectContaining({ Action: "s3:GetObject", Resource: objectsArn("*") }),
    ]);
    expect(statements[0]).not.toHaveProperty("Condition");
    const dataKey = all.filter((s) => JSON.stringify(s.Condition ?? {}).includes("kms:ViaService"));
    expect(dataKey).toEqual([
      expect.objectContaining({
        Action: "kms:Decrypt",
        Condition: expect.objectContaining({
          StringEquals: {
            "kms:ViaService": { "Fn::Join": ["", ["s3.", { Ref: "AWS::Region" }, ".amazonaws.com"]] },
          },
        }),
      }),
    ]);
    api.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          OTEL_SERVICE_NAME: "switchyard-api",
          DATA_BUCKET: r.dataBucket.name,
        }),
      },
    });
  });
});
