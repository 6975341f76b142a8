import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "#api";
import { type Resources, resources } from "#config";
import { RunRequestSchema } from "#ingress";
import { workflows } from "#workflows";
import { scheduleMessage } from "../../lib/constructs/schedules.ts";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";

const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAGE = "apiqa";

let r: Resources;
let api: Template;

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
  // Stand-in handlers: this file reads templates, not bundles.
  defineSwitchyard(app, { workflows, entryFor: () => "functions/handlers/health.ts" });
  r = resources(STAGE);
  api = Template.fromStack(app.node.findChild(`${r.prefix}-api`) as never);
});

const ref = (template: Template, type: string, props: Record<string, unknown>) => {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0] as string;
};

describe("REST API", () => {
  it("every method requires IAM (SigV4) auth and validates its request", () => {
    const methods = api.findResources("AWS::ApiGateway::Method");
    // One method per route of the handler's table (functions/api/routes.ts).
    expect(Object.keys(methods)).toHaveLength(ROUTES.length);
    const declared = Object.values(methods).map((m) => m.Properties.HttpMethod as string);
    expect(declared.sort()).toEqual(ROUTES.map((route) => route.method).sort());
    const validator = ref(api, "AWS::ApiGateway::RequestValidator", {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    for (const m of Object.values(methods)) {
      expect(m.Properties).toMatchObject({
        AuthorizationType: "AWS_IAM",
        RequestValidatorId: { Ref: validator },
      });
    }
  });

  it("stage throttling, X-Ray, and JSON access logs kept for a year", () => {
    api.hasResourceProperties("AWS::Logs::LogGroup", {
      LogGroupName: `/aws/apigateway/${r.prefix}-api`,
      RetentionInDays: 365,
    });
    api.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: STAGE,
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"caller"') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: "*",
          ResourcePath: "/*",
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
  });

  it("POST bodies are checked against strict models at the edge", () => {
    api.hasResourceProperties("AWS::ApiGateway::Model", {
      Name: "ResumeRun",
      Schema: Match.objectLike({ additionalProperties: false, required: ["decision"] }),
    });
    // The same schema the handler validates with, as draft 4: the redrive body's bounds included.
    api.hasResourceProperties("AWS::ApiGateway::Model", {
      Name: "RedriveDeadLetters",
      Schema: Match.objectLike({
        type: "object",
        additionalProperties: false,
        properties: Match.objectLike({
          max: Match.objectLike({ type: "integer", minimum: 1, maximum: 1000 }),
        }),
      }),
    });
    expect(JSON.stringify(api.findResources("AWS::ApiGateway::Model"))).not.toMatch(/"\$ref"|definitions/);
  });

  it("idempotency table: key id, TTL on expiration, PITR, encrypted", () => {
    api.hasResourceProperties("AWS::DynamoDB::Table", {
      TableName: r.idempotencyTable.name,
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiration", Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it("the api Lambda may send to the requests queue, read checkpoints, keep keys — no wildcard", () => {
    const policies = Object.values(api.findResources("AWS::IAM::Policy")).filter((p) =>
      JSON.stringify(p).includes("sqs:SendMessage"),
    );
    const fn = policies.find((p) => JSON.stringify(p).includes("dynamodb:PutItem"));
    expect(fn).toBeDefined();
    const statements = (fn?.Properties.PolicyDocument.Statement ?? []) as {
      Action: unknown;
      Resource: unknown;
    }[];
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        "sqs:SendMessage",
        "kms:GenerateDataKey",
        "dynamodb:Query",
        "dynamodb:PutItem",
      ]),
    );
    expect(actions).not.toContain("dynamodb:Scan");
    expect(actions.filter((a) => String(a).endsWith("*"))).toEqual([]);
    for (const s of statements.filter((x) => !String(x.Action).startsWith("xray:")))
      expect(s.Resource).not.toBe("*");
  });
});

describe("REST API: dead letters and failed runs", () => {
  it("the api Lambda sweeps the requests DLQ, sending only to the requests queue; failed runs come from the checkpoint table", () => {
    const fn = Object.values(api.findResources("AWS::IAM::Policy")).find((p) =>
      JSON.stringify(p).includes("dynamodb:PutItem"),
    );
    const statements = (fn?.Properties.PolicyDocument.Statement ?? []) as {
      Action: unknown;
      Resource: unknown;
    }[];
    const on = (queueExport: string) =>
      statements
        .filter((s) => JSON.stringify(s.Resource).includes(queueExport))
        .flatMap((s) => [s.Action].flat())
        .sort();

    expect(on("RequestsDeadLetterQueue")).toEqual([
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:ReceiveMessage",
    ]);
    // A failed run is read from its lease item (the checkpoint table's GetItem), not from the queue.
    expect(on("FailedRunsQueue")).toEqual([]);
    const senders = statements.filter((s) => [s.Action].flat().includes("sqs:SendMessage"));
    expect(senders).toHaveLength(1);
    expect(JSON.stringify(senders[0]?.Resource)).toMatch(/RequestsQueue/);
    expect(JSON.stringify(senders[0]?.Resource)).not.toMatch(/DeadLetter|FailedRuns/);
  });

  it("tells the api Lambda where the requests DLQ is, and nothing of the failed-runs queue", () => {
    const fns = api.findResources("AWS::Lambda::Function", {
      Properties: { Environment: { Variables: Match.objectLike({ API_AUTH: "iam" }) } },
    });
    const vars = Object.values(fns)[0]?.Properties.Environment.Variables as Record<string, unknown>;
    expect(JSON.stringify(vars.REQUESTS_DLQ_URL)).toMatch(/RequestsDeadLetterQueue/);
    expect(vars.FAILED_RUNS_QUEUE_URL).toBeUndefined();
  });
});

describe("schedules", () => {
  it("end-of-day reconciliation at 18:00 New York time on weekdays, retried, with its own DLQ", () => {
    const dlq = ref(api, "AWS::SQS::Queue", { QueueName: r.schedulesDeadLetterQueue.name });
    api.hasResourceProperties("AWS::Scheduler::Schedule", {
      Name: `${r.prefix}-eod-reconciliation`,
      ScheduleExpression: "cron(0 18 ? * MON-FRI *)",
      ScheduleExpressionTimezone: "America/New_York",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: Match.objectLike({
        RetryPolicy: { MaximumEventAgeInSeconds: 4 * 3600, MaximumRetryAttempts: 10 },
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [dlq, "Arn"] } },
      }),
    });
  });

  it("the schedules DLQ is KMS-encrypted and refuses non-TLS requests", () => {
    api.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: r.schedulesDeadLetterQueue.name,
      KmsMasterKeyId: Match.anyValue(),
    });
    api.hasResourceProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("sends a run request the dispatcher accepts once Scheduler fills in its placeholders", () => {
    for (const spec of r.schedules) {
      const filled = scheduleMessage(spec)
        .replace("<aws.scheduler.execution-id>", "6f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f50")
        .replace("<aws.scheduler.scheduled-time>", "2026-11-25T23:00:00Z");
      expect(RunRequestSchema.parse(JSON.parse(filled))).toMatchObject({
        workflow: spec.workflow,
        source: "schedule",
        timeZone: spec.timeZone,
      });
    }
  });
});
