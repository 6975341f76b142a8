/**
 * The optional MSK entry point (`-c msk=true -c mskClusterArn=… -c mskTopic=trade-events`): the
 * consumer's event source mapping, its on-failure SQS DLQ (encrypted, TLS only), least-privilege
 * Kafka grants, and a clean cdk-nag report — asserted on the synthesized ops stack.
 */
import { readFileSync } from "node:fs";
import { App, type PolicyValidationPluginReport } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { workflows } from "#workflows";
import { defineSwitchyard, type SwitchyardStacks } from "../../lib/switchyard-app.ts";

const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAND_IN_ENTRY = "functions/handlers/health.ts";
const CLUSTER = "arn:aws:kafka:eu-west-1:123456789012:cluster/trading/abcd1234-abcd-cafe-abab-9876543210ab-4";
const TOPIC_ARN =
  "arn:aws:kafka:eu-west-1:123456789012:topic/trading/abcd1234-abcd-cafe-abab-9876543210ab-4/trade-events";
const GROUP_ARN =
  "arn:aws:kafka:eu-west-1:123456789012:group/trading/abcd1234-abcd-cafe-abab-9876543210ab-4/switchyard-mskqa-trade-events";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let stacks: SwitchyardStacks;
let ops: Template;
let consumerId: string;
let report: PolicyValidationPluginReport;

function app(context: Record<string, unknown>): { app: App; stacks: SwitchyardStacks } {
  const a = new App({ context: { ...cdkJson.context, stage: "mskqa", ...context } });
  return { app: a, stacks: defineSwitchyard(a, { workflows, entryFor: () => STAND_IN_ENTRY }) };
}

/** Every statement of the policies attached to the consumer's role. */
function consumerStatements(): Statement[] {
  const roleId = ops.findResources("AWS::Lambda::Function")[consumerId]?.Properties.Role["Fn::GetAtt"][0];
  return Object.values(ops.findResources("AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(() => {
  const built = app({ msk: "true", mskClusterArn: CLUSTER, mskTopic: "trade-events" });
  stacks = built.stacks;
  ops = Template.fromStack(stacks.ops);
  const found = Object.keys(
    ops.findResources("AWS::Lambda::Function", {
      Properties: {
        Environment: { Variables: Match.objectLike({ OTEL_SERVICE_NAME: "switchyard-trade-events" }) },
      },
    }),
  );
  expect(found).toHaveLength(1);
  consumerId = found[0] as string;
  report = new AwsSolutionsChecks(built.app).validateScope(stacks.ops);
});

describe("MSK option: event source", () => {
  it("maps the topic from the oldest record, in batches, with bisect, bounded retries and partial failures", () => {
    ops.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: consumerId },
      EventSourceArn: CLUSTER,
      Topics: ["trade-events"],
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: "switchyard-mskqa-trade-events" },
      ProvisionedPollerConfig: Match.objectLike({ MinimumPollers: 1 }),
    });
  });

  it("sends records it gives up on to its own SQS DLQ, encrypted with the messages key and TLS only", () => {
    // Prepare
    const dlqId = Object.keys(
      ops.findResources("AWS::SQS::Queue", {
        Properties: { QueueName: "switchyard-mskqa-trade-events-dlq" },
      }),
    )[0];
    // Assess
    expect(dlqId).toBeDefined();
    ops.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [dlqId, "Arn"] } } },
    });
    ops.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: "switchyard-mskqa-trade-events-dlq",
      KmsMasterKeyId: Match.objectLike({ "Fn::GetStackOutput": Match.anyValue() }),
    });
    ops.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("alarms on the alerts topic when the DLQ is not empty", () => {
    ops.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "switchyard-mskqa-trade-events-dlq-not-empty",
      Threshold: 0,
    });
  });
});

describe("MSK option: least privilege", () => {
  it("reads exactly this cluster, topic and consumer group; no Kafka action on '*' but the broker lookup", () => {
    // kafka:GetBootstrapBrokers has no resource-level permissions: only '*' matches it.
    const kafka = consumerStatements().filter((s) =>
      actionsOf(s).some((a) => a.startsWith("kafka") && a !== "kafka:GetBootstrapBrokers"),
    );
    expect(kafka.length).toBeGreaterThan(0);
    for (const s of kafka) expect(JSON.stringify(s.Resource), JSON.stringify(s)).not.toContain("*");
    const resourceFor = (action: string) => kafka.find((s) => actionsOf(s).includes(action))?.Resource;
    expect(resourceFor("kafka-cluster:Connect")).toBe(CLUSTER);
    expect(resourceFor("kafka-cluster:ReadData")).toBe(TOPIC_ARN);
    expect(resourceFor("kafka-cluster:AlterGroup")).toBe(GROUP_ARN);
  });

  it("attaches no AWS-managed policy (AWSLambdaMSKExecutionRole covers every cluster)", () => {
    const roleId = ops.findResources("AWS::Lambda::Function")[consumerId]?.Properties.Role["Fn::GetAtt"][0];
    expect(ops.findResources("AWS::IAM::Role")[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("grants '*' only to the pollers' broker lookup and network-interface actions, and KMS without wildcard actions", () => {
    const wildcard = consumerStatements().filter((s) => JSON.stringify(s.Resource) === '"*"');
    const allowed = new Set([
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "kafka:GetBootstrapBrokers",
    ]);
    for (const a of wildcard.flatMap(actionsOf)) expect(allowed.has(a) || a.startsWith("ec2:"), a).toBe(true);
    const kms = consumerStatements()
      .flatMap(actionsOf)
      .filter((a) => a.startsWith("kms:"));
    expect(kms.sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
  });

  it("may send to exactly the requests queue and its DLQ", () => {
    const sends = consumerStatements().filter((s) => actionsOf(s).includes("sqs:SendMessage"));
    expect(sends).toHaveLength(1);
    const resources = JSON.stringify(sends[0]?.Resource);
    expect(resources).toContain("RequestsQueue");
    expect(resources).toContain("TradeEventsDeadLetterQueue");
  });
});

describe("MSK option: cdk-nag and the flag", () => {
  it("leaves nothing unacknowledged in the ops stack", () => {
    const violations = report.violations.flatMap((v) =>
      v.violatingResources.map((res) => `${v.ruleName} at ${res.constructPath}: ${v.description}`),
    );
    expect(violations).toEqual([]);
  });

  it("adds nothing without -c msk=true", () => {
    const plain = Template.fromStack(app({}).stacks.ops);
    expect(Object.keys(plain.findResources("AWS::Lambda::EventSourceMapping"))).toHaveLength(1);
    const tradeEventQueues = plain.findResources("AWS::SQS::Queue", {
      Properties: { QueueName: Match.stringLikeRegexp("trade-events") },
    });
    expect(Object.keys(tradeEventQueues)).toHaveLength(0);
  });

  it("refuses the flag without a cluster ARN, or with something that is not one", () => {
    expect(() => app({ msk: "true" })).toThrow(/mskClusterArn/);
    expect(() => app({ msk: "true", mskClusterArn: "arn:aws:kafka:eu-west-1:123456789012:topic/x" })).toThrow(
      /not an MSK cluster ARN/,
    );
  });
});
