import { readFileSync } from "node:fs";
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { DISPATCHER_TIMEOUT_SECONDS, type Resources, resources, stateMachineName } from "#config";
import { workflows } from "#workflows";
import { Ingress } from "../../lib/constructs/ingress.ts";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";

// The same feature flags `cdk synth` runs with, so these templates are the deployed ones.
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAND_IN_ENTRY = "functions/handlers/health.ts";
let r: Resources;
let ops: Template;
let core: Template;

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, stage: "opsqa", alertEmails: "desk@example.com" } });
  const stacks = defineSwitchyard(app, { workflows, entryFor: () => STAND_IN_ENTRY });
  r = stacks.core.resources;
  ops = Template.fromStack(stacks.ops);
  core = Template.fromStack(stacks.core);
});

/** The logical id of the one resource of `type` whose properties match. */
function idOf(template: Template, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as string;
}

/** A reference to one of the core stack's resources, as CDK renders cross-stack references. */
const importOf = (resource: string) =>
  Match.objectLike({
    "Fn::GetStackOutput": Match.objectLike({ OutputName: Match.stringLikeRegexp(resource) }),
  });

describe("SwitchyardOpsStack: ingress", () => {
  it("feeds the dispatcher from the requests queue in batches, reporting partial batch failures", () => {
    const dispatcher = idOf(ops, "AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ OTEL_SERVICE_NAME: "switchyard-dispatcher" }) },
    });
    ops.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: dispatcher },
      EventSourceArn: importOf("RequestsQueue"),
      BatchSize: 10,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    ops.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: DISPATCHER_TIMEOUT_SECONDS,
      Environment: { Variables: Match.objectLike({ OTEL_SERVICE_NAME: "switchyard-dispatcher" }) },
    });
    expect(r.requestsQueue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * DISPATCHER_TIMEOUT_SECONDS);
  });

  it("may start exactly the registered workflows' state machines, nothing else", () => {
    const policies = Object.values(ops.findResources("AWS::IAM::Policy")).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
          .PolicyDocument.Statement,
    );
    const starts = policies.filter((s) => JSON.stringify(s.Action).includes("states:StartExecution"));
    expect(starts).toHaveLength(1);
    const arns = JSON.stringify(starts[0]?.Resource);
    expect(arns).toContain(`:stateMachine:${stateMachineName(r, "triage")}`);
    expect(arns).not.toContain("*");
  });

  it("refuses a requests queue whose visibility is under 6× the dispatcher's timeout", () => {
    const stack = new Stack(new App(), "Bad");
    const tooShort = {
      ...resources("bad"),
      requestsQueue: { ...resources("bad").requestsQueue, visibilityTimeoutSeconds: 60 },
    };
    expect(
      () =>
        new Ingress(stack, "Ingress", {
          resources: tooShort,
          requestsQueue: new Queue(stack, "Q"),
          workflows: [],
          entry: STAND_IN_ENTRY,
        }),
    ).toThrow(/under 6× the dispatcher's 30 s timeout/);
  });
});

describe("SwitchyardOpsStack: failed runs and alerts", () => {
  it("routes FAILED, TIMED_OUT and ABORTED executions of the workflows to the failed-run Lambda", () => {
    const handler = idOf(ops, "AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ OTEL_SERVICE_NAME: "switchyard-failed-run" }) },
    });
    ops.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: { status: ["FAILED", "TIMED_OUT", "ABORTED"], stateMachineArn: Match.anyValue() },
      },
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [handler, "Arn"] } })],
    });
    // A handler that keeps failing still leaves the raw event on the failed-runs queue.
    ops.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: handler },
      DestinationConfig: { OnFailure: { Destination: importOf("FailedRunsQueue") } },
    });
  });

  it("subscribes the notifier to the alerts topic and wakes it every minute to close windows", () => {
    const notifier = idOf(ops, "AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          OTEL_SERVICE_NAME: "switchyard-notifier",
          ALERT_WINDOW_SECONDS: "60",
        }),
      },
    });
    ops.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "lambda",
      Endpoint: { "Fn::GetAtt": [notifier, "Arn"] },
      TopicArn: importOf("AlertsTopic"),
    });
    ops.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(1 minute)",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [notifier, "Arn"] } })],
    });
    ops.hasResourceProperties("AWS::DynamoDB::Table", {
      TableName: r.alertsTable.name,
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    ops.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "desk@example.com" });
    ops.hasResourceProperties("AWS::SecretsManager::Secret", { Name: r.slackWebhookSecret.name });
  });

  it("alarms on the requests DLQ, waiting failed runs, handler errors and the notifier DLQ, into the alerts topic", () => {
    // The stage's catalog alarms (model error rate, dead-lettered messages) notify on ALARM only.
    const alarms = ops.findResources("AWS::CloudWatch::Alarm", {
      Properties: { OKActions: Match.anyValue() },
    });
    // ... and on the data-arrivals DLQ (DataArrivals: the registry deploys the reconciliation).
    expect(Object.keys(alarms)).toHaveLength(5);
    for (const a of Object.values(alarms)) {
      const props = (a as { Properties: { AlarmActions: unknown[]; OKActions: unknown[] } }).Properties;
      expect(JSON.stringify(props.AlarmActions)).toMatch(/AlertsTopic/);
      expect(JSON.stringify(props.OKActions)).toMatch(/AlertsTopic/);
    }
    ops.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `${r.prefix}-requests-dlq-not-empty`,
      MetricName: "ApproximateNumberOfMessagesVisible",
    });
    // The core stack lets alarms deliver to its encrypted topic.
    core.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: "AllowAlarmsToPublishEncrypted" })]),
      },
    });
  });
});
