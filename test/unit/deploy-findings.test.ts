/**
 * The findings of issue 13 on the synthesized templates — each what only AWS would have refused
 * or silently ignored: who may publish to the alerts topic, what the API role may read, what a
 * new account refuses, what a retry after a failed first create collides with, what the alarms
 * watch, and what a client receives when API Gateway refuses a body.
 */
import { readFileSync } from "node:fs";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { resources, stateMachineName } from "#config";
import { OFFLINE_MODEL_NAME } from "#models";
import { workflows as registry } from "#workflows";
import { chunkForPattern } from "../../lib/constructs/alerting.ts";
import { type SynthesizedStack, synthesizeStage } from "../../lib/stage-plan.ts";

const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAGE = "dev";
const r = resources(STAGE);
const CLUSTER = "arn:aws:kafka:eu-west-1:123456789012:cluster/trading/abcd1234-abcd-cafe-abab-9876543210ab-4";

type Json = Record<string, unknown>;
let plain: SynthesizedStack[];
let configured: SynthesizedStack[];

const stackOf = (stacks: SynthesizedStack[], suffix: string): Template => {
  const found = stacks.find((s) => s.stackName === `${r.prefix}-${suffix}`);
  if (!found) throw new Error(`no stack ${r.prefix}-${suffix}`);
  return Template.fromJSON(found.template as Json);
};

/** CloudFormation's Fn::Join of literal parts and pseudo parameters, with stand-in values. */
function render(value: unknown): string {
  if (typeof value === "string") return value;
  const v = value as Json;
  if (v.Ref === "AWS::Partition") return "aws";
  if (v.Ref === "AWS::Region") return "eu-west-1";
  if (v.Ref === "AWS::AccountId") return "123456789012";
  const join = v["Fn::Join"] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

beforeAll(() => {
  plain = synthesizeStage({ ...cdkJson.context, stage: STAGE });
  configured = synthesizeStage({
    ...cdkJson.context,
    stage: STAGE,
    modelProvider: "bedrock",
    bedrockModelId: "anthropic.claude-x",
    notifierReservedConcurrency: "2",
    apiGatewayCloudWatchRole: "existing",
    msk: "true",
    mskClusterArn: CLUSTER,
  });
});

describe("alarms can notify", () => {
  it("lets this account's CloudWatch alarms publish to the alerts topic, and still denies non-TLS requests", () => {
    const core = stackOf(plain, "core");
    const topic = Object.keys(
      core.findResources("AWS::SNS::Topic", { Properties: { TopicName: r.alertsTopic.name } }),
    );
    expect(topic).toHaveLength(1);
    core.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [{ Ref: topic[0] }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sns:Publish",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: { Ref: topic[0] },
            Condition: {
              StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
              ArnLike: { "aws:SourceArn": Match.anyValue() },
            },
          }),
        ]),
      },
    });
    const policy = Object.values(core.findResources("AWS::SNS::TopicPolicy"))[0] as Json;
    const allow = JSON.stringify(policy).match(/"aws:SourceArn":(\{.*?\]\]\})/)?.[1] ?? "";
    expect(render(JSON.parse(allow))).toBe("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*");
  });

  it("alarms the schedules DLQ (a missed end of day) into the alerts topic", () => {
    const api = stackOf(plain, "api");
    const dlq = Object.keys(
      api.findResources("AWS::SQS::Queue", { Properties: { QueueName: r.schedulesDeadLetterQueue.name } }),
    );
    api.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `${r.prefix}-schedules-dlq-not-empty`,
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlq[0], "QueueName"] } }],
    });
    const [alarm] = Object.values(
      api.findResources("AWS::CloudWatch::Alarm", {
        Properties: { AlarmName: `${r.prefix}-schedules-dlq-not-empty` },
      }),
    );
    expect(JSON.stringify((alarm as { Properties: Json }).Properties.AlarmActions)).toMatch(/AlertsTopic/);
  });

  it("keeps the notifier's failed async invocations in its own DLQ, which it may write and which is alarmed", () => {
    const ops = stackOf(plain, "ops");
    const [dlq] = Object.keys(
      ops.findResources("AWS::SQS::Queue", { Properties: { QueueName: `${r.prefix}-notifier-dlq` } }),
    );
    const [notifier] = Object.keys(
      ops.findResources("AWS::Lambda::Function", {
        Properties: {
          Environment: { Variables: Match.objectLike({ OTEL_SERVICE_NAME: "switchyard-notifier" }) },
        },
      }),
    );
    ops.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: notifier },
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [dlq, "Arn"] } } },
    });
    ops.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": [dlq, "Arn"] } }),
        ]),
      },
    });
    ops.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlq, "QueueName"] } }],
    });
  });

  it("watches the configured model's error rate, not the offline model's", () => {
    const modelOf = (stacks: SynthesizedStack[]) =>
      Object.values(stackOf(stacks, "ops").findResources("AWS::CloudWatch::Alarm"))
        .map((a) => JSON.stringify(a))
        .filter((a) => a.includes("ModelRequests"))
        .flatMap((a) => [...a.matchAll(/"Name":"Model","Value":"([^"]+)"/g)].map((m) => m[1]));
    expect(new Set(modelOf(plain))).toEqual(new Set([OFFLINE_MODEL_NAME]));
    expect(new Set(modelOf(configured))).toEqual(new Set(["anthropic.claude-x"]));
  });

  it("divides by ended executions only when there are some: IF(den > 0, …), never MAX([…])", () => {
    const expressions = plain
      .flatMap((s) => Object.values(s.template.Resources ?? {}))
      .filter((x) => x.Type === "AWS::CloudWatch::Alarm")
      .flatMap((x) => (x.Properties?.Metrics as { Expression?: string }[] | undefined) ?? [])
      .flatMap((m) => (m.Expression ? [m.Expression] : []));
    const burn = expressions.filter((e) => e.includes("FILL(s, 0)"));
    expect(burn.length).toBeGreaterThan(0);
    for (const e of burn) expect(e).toMatch(/^IF\(\(FILL\(s, 0\) \+ .*\) > 0, \(.*\) \/ \(.*\), 0\)$/);
    for (const e of expressions) expect(e).not.toMatch(/MAX\(/);
  });
});

describe("failed executions", () => {
  it("are matched for exactly the stage's state machines: stage dev-2's are not dev's", () => {
    const rules = Object.values(stackOf(plain, "ops").findResources("AWS::Events::Rule")).filter((x) =>
      JSON.stringify(x).includes("Step Functions Execution Status Change"),
    );
    const arns = rules.flatMap((x) =>
      (
        x as { Properties: { EventPattern: { detail: { stateMachineArn: unknown[] } } } }
      ).Properties.EventPattern.detail.stateMachineArn.map(render),
    );
    const expected = Object.keys(registry).map(
      (w) => `arn:aws:states:eu-west-1:123456789012:stateMachine:${stateMachineName(r, w)}`,
    );
    expect(arns.sort()).toEqual(expected.sort());
    // An exact list, not a prefix: EventBridge's prefix would match switchyard-dev-2-*.
    expect(JSON.stringify(rules)).not.toContain('"prefix"');
  });

  it("are split into rules whose patterns stay under PutRule's 4,096 characters, however many workflows", () => {
    // The longest names: a 20-character stage and 40-character workflows.
    const machines = Array.from(
      { length: 50 },
      (_, i) => `switchyard-abcdefghijklmnopqrst-workflow-with-a-long-name-${String(i).padStart(12, "0")}`,
    );
    const chunks = chunkForPattern(machines);
    expect(chunks.flat()).toEqual(machines);
    expect(chunks.length).toBeGreaterThan(1);
    const longest = "arn:aws-iso-b:states:ap-southeast-5:123456789012:stateMachine:";
    for (const chunk of chunks) {
      const pattern = JSON.stringify({
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: {
          status: ["FAILED", "TIMED_OUT", "ABORTED"],
          stateMachineArn: chunk.map((n) => `${longest}${n}`),
        },
      });
      expect(pattern.length).toBeLessThan(4096);
    }
  });
});

describe("the API", () => {
  it("may BatchGetItem the checkpoint table (a checkpoint's earlier values are read in one batch)", () => {
    const api = stackOf(plain, "api");
    const statements = Object.values(api.findResources("AWS::IAM::Policy")).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Json[] } } }).Properties.PolicyDocument.Statement,
    );
    const onTable = statements.filter((s) => JSON.stringify(s.Resource).includes("CheckpointTable"));
    const actions = onTable.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining(["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"]),
    );
    expect(actions.filter((a) => /Put|Update|Delete|Write/.test(String(a)))).toEqual([]);
  });

  it("sets the region's API Gateway CloudWatch role before its stage logs, unless told it exists", () => {
    const api = stackOf(plain, "api");
    const [account] = Object.keys(api.findResources("AWS::ApiGateway::Account"));
    expect(account).toBeDefined();
    api.hasResource("AWS::ApiGateway::Account", {
      DeletionPolicy: "Retain",
      Properties: { CloudWatchRoleArn: { "Fn::GetAtt": [Match.anyValue(), "Arn"] } },
    });
    api.hasResource("AWS::ApiGateway::Stage", {
      DependsOn: Match.arrayWith([account]),
      Properties: Match.objectLike({
        MethodSettings: [Match.objectLike({ LoggingLevel: "ERROR" })],
      }),
    });
    expect(Object.keys(stackOf(configured, "api").findResources("AWS::ApiGateway::Account"))).toEqual([]);
    expect(() =>
      synthesizeStage({ ...cdkJson.context, stage: STAGE, apiGatewayCloudWatchRole: "maybe" }),
    ).toThrow(/apiGatewayCloudWatchRole=maybe: create or existing/);
  });

  it("answers a refused body with valid JSON whatever API Gateway's message holds", () => {
    const api = stackOf(plain, "api");
    const responses = Object.values(api.findResources("AWS::ApiGateway::GatewayResponse")).map(
      (g) =>
        (g as { Properties: { ResponseType: string; ResponseTemplates: Record<string, string> } }).Properties,
    );
    expect(responses.map((g) => g.ResponseType).sort()).toEqual([
      "BAD_REQUEST_BODY",
      "DEFAULT_4XX",
      "DEFAULT_5XX",
    ]);
    // A gateway response template is plain substitution: messageString arrives quoted and
    // escaped, validationErrorString raw (schema errors quote property names).
    const messages = [
      '[object has missing required properties (["decision"])]',
      'a \\ back"slash',
      "line\nbreak",
    ];
    for (const g of responses) {
      const template = g.ResponseTemplates["application/json"] as string;
      for (const message of messages) {
        const body = template
          .replaceAll("$context.error.messageString", JSON.stringify(message))
          .replaceAll("$context.error.validationErrorString", message);
        expect(() => JSON.parse(body), `${g.ResponseType}: ${body}`).not.toThrow();
        expect((JSON.parse(body) as { error: { message: string } }).error.message).toBe(message);
      }
    }
  });
});

describe("a first deploy on a new account", () => {
  it("reserves no notifier concurrency unless asked (a quota of 10 refuses any reservation)", () => {
    const notifier = (stacks: SynthesizedStack[]) =>
      Object.values(
        stackOf(stacks, "ops").findResources("AWS::Lambda::Function", {
          Properties: {
            Environment: { Variables: Match.objectLike({ OTEL_SERVICE_NAME: "switchyard-notifier" }) },
          },
        }),
      ).map((f) => (f as { Properties: Json }).Properties.ReservedConcurrentExecutions);
    expect(notifier(plain)).toEqual([undefined]);
    expect(notifier(configured)).toEqual([2]);
    expect(() =>
      synthesizeStage({ ...cdkJson.context, stage: STAGE, notifierReservedConcurrency: "two" }),
    ).toThrow(/notifierReservedConcurrency=two/);
  });

  it("retains no resource of a fixed name after its own failed create (a retry would collide with it)", () => {
    const fixedName = /^(TableName|LogGroupName|BucketName|QueueName|TopicName|AliasName|Name|RoleName)$/;
    const offenders = plain.flatMap((s) =>
      Object.entries(s.template.Resources ?? {})
        .filter(([, x]) => x.DeletionPolicy === "Retain")
        .filter(([, x]) => Object.keys(x.Properties ?? {}).some((k) => fixedName.test(k)))
        .map(([id, x]) => `${s.stackName}/${id} (${x.Type})`),
    );
    expect(offenders).toEqual([]);
    // ... and the ones it keeps on deletion are the stage's records: table, execution and access logs, data.
    const kept = plain.flatMap((s) =>
      Object.values(s.template.Resources ?? {})
        .filter((x) => x.DeletionPolicy === "RetainExceptOnCreate")
        .map((x) => x.Type),
    );
    expect(new Set(kept)).toEqual(
      new Set(["AWS::DynamoDB::Table", "AWS::Logs::LogGroup", "AWS::S3::Bucket"]),
    );
  });
});

describe("grants", () => {
  it("lets EventBridge use the messages key only when a rule dead-letters into an encrypted queue", () => {
    const principals = (stacks: SynthesizedStack[]) =>
      JSON.stringify(stackOf(stacks, "core").findResources("AWS::KMS::Key")).includes("events.amazonaws.com");
    expect(Object.keys(registry)).toContain(r.dataBucket.arrivalWorkflow);
    expect(principals(plain)).toBe(true);
    stackOf(plain, "ops").hasResourceProperties("AWS::Events::Rule", {
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() } })],
    });
    const withoutArrivals = synthesizeStage({ ...cdkJson.context, stage: STAGE }, {});
    expect(principals(withoutArrivals)).toBe(false);
  });

  it("lets the MSK consumer find the cluster's brokers (kafka:GetBootstrapBrokers, on '*': it has no resource-level permissions)", () => {
    stackOf(configured, "ops").hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(["kafka:GetBootstrapBrokers"]), Resource: "*" }),
        ]),
      },
    });
  });
});
