import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError } from "#config";
import { createTelemetry } from "#telemetry";
import {
  ApiEnv,
  DataArrivedEnv,
  DispatcherEnv,
  DispatcherEvent,
  FailedRunEnv,
  InvalidEventError,
  lambdaHandler,
  NotifierEnv,
  TradeEventsEnv,
} from "#wiring";

/**
 * The ops Lambdas' boundary: each refuses to start without the variables it needs, naming them,
 * and each reads its event through a schema — a malformed event is a typed
 * `Switchyard.InvalidEvent`, a bad record inside a good batch a partial batch failure.
 */
const QUEUE = "https://sqs.eu-west-1.amazonaws.com/111122223333/switchyard-qa-requests";
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:switchyard-qa-alerts";
const ARN_PREFIX = "arn:aws:states:eu-west-1:111122223333:stateMachine:";

describe("per-Lambda environment schemas", () => {
  const cases = [
    { schema: DispatcherEnv, missing: "STATE_MACHINE_ARN_PREFIX", env: {} },
    {
      schema: ApiEnv,
      missing: "REQUESTS_DLQ_URL",
      env: { REQUESTS_QUEUE_URL: QUEUE, FAILED_RUNS_QUEUE_URL: `${QUEUE}-failed` },
    },
    { schema: NotifierEnv, missing: "NOTIFICATIONS_TOPIC_ARN", env: {} },
    { schema: FailedRunEnv, missing: "ALERTS_TOPIC_ARN", env: { FAILED_RUNS_QUEUE_URL: QUEUE } },
    { schema: TradeEventsEnv, missing: "REQUESTS_QUEUE_URL", env: {} },
    { schema: DataArrivedEnv, missing: "REQUESTS_QUEUE_URL", env: {} },
  ] as const;

  for (const { schema, missing, env } of cases) {
    it(`the ${schema.lambda} Lambda refuses to start without ${missing}, naming it`, () => {
      // Act
      const read = () => schema.read({ ...env });

      // Assess
      expect(read).toThrow(ConfigurationError);
      expect(read).toThrow(
        `Invalid configuration of the ${schema.lambda} Lambda:\n  ${missing}: required, not set`,
      );
    });
  }

  it("still names a present but malformed variable by what is wrong with it", () => {
    expect(() => DispatcherEnv.read({ STATE_MACHINE_ARN_PREFIX: "arn:nope" })).toThrow(
      "STATE_MACHINE_ARN_PREFIX: arn:aws:states:<region>:<account>:stateMachine:",
    );
  });

  it("gives the variable, typed as present, when it is set", () => {
    const env = DispatcherEnv.read({ STATE_MACHINE_ARN_PREFIX: ARN_PREFIX });
    expect(env.STATE_MACHINE_ARN_PREFIX).toBe(ARN_PREFIX);
    expect(env.SWITCHYARD_STAGE).toBe("dev");
  });
});

function sqsRecord(id: string, body: string, attributes: Record<string, unknown> = {}) {
  return {
    messageId: id,
    receiptHandle: `h-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1764892800000",
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: "1764892800001",
    },
    messageAttributes: attributes,
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:111122223333:switchyard-qa-requests",
    awsRegion: "eu-west-1",
  };
}

const runRequest = (runId: string) =>
  JSON.stringify({ runId, workflow: "triage", source: "api", requestedAt: "2026-12-05T10:00:00.000Z" });

type Handler = (event: unknown) => Promise<unknown>;

describe("the ops Lambdas read their events through schemas", () => {
  const sfn = mockClient(SFNClient);
  const sqs = mockClient(SQSClient);
  const sns = mockClient(SNSClient);
  const handlers: Record<string, Handler> = {};

  beforeAll(async () => {
    vi.stubEnv("SWITCHYARD_STAGE", "qa");
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("TELEMETRY", "off");
    vi.stubEnv("STATE_MACHINE_ARN_PREFIX", ARN_PREFIX);
    vi.stubEnv("REQUESTS_QUEUE_URL", QUEUE);
    vi.stubEnv("FAILED_RUNS_QUEUE_URL", `${QUEUE}-failed`);
    vi.stubEnv("ALERTS_TOPIC_ARN", TOPIC);
    vi.stubEnv("NOTIFICATIONS_TOPIC_ARN", TOPIC);
    for (const name of ["dispatcher", "notifier", "failed-run", "trade-events"]) {
      handlers[name] = (
        (await import(`../../functions/handlers/${name}.ts`)) as { handler: Handler }
      ).handler;
    }
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    sfn.restore();
    sqs.restore();
    sns.restore();
  });
  beforeEach(() => {
    sfn.reset();
    sqs.reset();
    sns.reset();
  });

  const call = (name: string, event: unknown) => (handlers[name] as Handler)(event);

  for (const [name, event, field] of [
    ["dispatcher", { Records: [{ body: "{}" }] }, "event.Records.0.messageId"],
    ["dispatcher", { records: [] }, "event.Records"],
    ["notifier", { Records: [{ Sns: { Message: "x" } }] }, "event"],
    ["failed-run", { source: "aws.states", detail: {} }, "event"],
    [
      "trade-events",
      { eventSource: "aws:kafka", records: { "t-0": [{ offset: "x" }] } },
      "event.records.t-0.0",
    ],
  ] as const) {
    it(`the ${name} Lambda refuses a malformed event with Switchyard.InvalidEvent naming ${field}`, async () => {
      // Act
      const outcome = call(name, event);

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(InvalidEventError);
      await expect(outcome).rejects.toMatchObject({ code: "Switchyard.InvalidEvent", retryable: false });
      await expect(outcome).rejects.toThrow(field);
      expect(sfn.calls()).toHaveLength(0);
      expect(sqs.calls()).toHaveLength(0);
    });
  }

  it("the dispatcher reports an unreadable record as a batch item failure and starts the others", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN_PREFIX}x:run-0001` });

    // Act
    const out = await call("dispatcher", {
      Records: [sqsRecord("good", runRequest("run-0001")), sqsRecord("bad", "not json")],
    });

    // Assess
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: "bad" }] });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(["run-0001"]);
  });

  it("the dispatcher continues the trace context a record carries as a message attribute", async () => {
    // Prepare
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN_PREFIX}x:run-0002` });

    // Act
    await call("dispatcher", {
      Records: [
        sqsRecord("traced", runRequest("run-0002"), {
          traceparent: {
            dataType: "String",
            stringValue: traceparent,
            stringListValues: [],
            binaryListValues: [],
          },
        }),
      ],
    });

    // Assess
    const [started] = sfn.commandCalls(StartExecutionCommand);
    expect(started?.args[0].input.traceHeader).toBe(
      "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1",
    );
  });

  it("the trade-events consumer reports an undecodable record and sends the rest", async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: "" })),
      Failed: [],
    }));
    const record = (offset: number, value: string) => ({
      topic: "trade-events",
      partition: 0,
      offset,
      timestamp: 1764892800000,
      value: Buffer.from(value).toString("base64"),
    });

    // Act
    const out = await call("trade-events", {
      eventSource: "aws:kafka",
      records: { "trade-events-0": [record(7, "not json")] },
    });

    // Assess
    expect(out).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: "trade-events-0", offset: 7 } }],
    });
  });
});

describe("lambdaHandler", () => {
  it("puts API Gateway's request id on every line as correlation_id, and flushes after the call", async () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "INFO" });
    const flush = vi.spyOn(telemetry, "flush");
    const seen: unknown[] = [];
    const handler = lambdaHandler(
      {
        role: "api",
        telemetry,
        correlationId: (e) => (e as { requestContext: { requestId: string } }).requestContext.requestId,
      },
      async () => {
        seen.push(telemetry.logger.powertools.getCorrelationId());
        return { statusCode: 200 };
      },
    );

    // Act
    const out = await handler({ requestContext: { requestId: "req-42" } });

    // Assess
    expect(out).toEqual({ statusCode: 200 });
    expect(seen).toEqual(["req-42"]);
    expect(flush).toHaveBeenCalledOnce();
  });

  it("parses the event before the handler sees it: the parsed value, never the raw one", async () => {
    // Prepare
    const got: unknown[] = [];
    const handler = lambdaHandler(
      { role: "dispatcher", telemetry: undefined, event: DispatcherEvent },
      async (e) => {
        got.push(e.Records[0]?.messageId);
      },
    );

    // Act
    await handler({ Records: [{ ...sqsRecord("m-1", "{}"), extra: "ignored by the envelope" }] });

    // Assess
    expect(got).toEqual(["m-1"]);
  });
});
