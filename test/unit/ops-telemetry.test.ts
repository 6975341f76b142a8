/**
 * Ops telemetry where the events happen: a dead letter redriven counts `Redrives`, a failed run
 * resumed counts its `RecoveryTime`, a record failing its last delivery counts `DeadLetters`, a
 * failed run recorded counts `DeadLetters` and `AlertsSent` — all read back from telemetry's
 * in-memory capture. And the producer's trace context survives send → dispatch → StartExecution.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  dispatchBatch,
  type RunRequest,
  runRequestMessage,
  type SqsRecord,
  type StartExecutionRequest,
} from "#ingress";
import {
  alertForFailedRun,
  type ExecutionStatusChangeEvent,
  type FailedRun,
  recordFailedRun,
  redriveDeadLetters,
  resumeFailedRuns,
  snsAlertPublisher,
} from "#ops";
import { CATALOG, createTelemetry, type Telemetry } from "#telemetry";

// Factories -------------------------------------------------------------------------------

const DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-requests-dlq";
const FAILED_RUNS = "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-failed-runs";
const REQUESTS = "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-requests";
const PRODUCER_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

const request = (runId: string): RunRequest => ({
  runId,
  workflow: "triage",
  input: {},
  source: "api",
  requestedAt: "2026-11-24T10:00:00.000Z",
});

const failedRun = (runId: string): FailedRun => ({
  kind: "switchyard.failed-run",
  runId,
  threadId: runId,
  workflow: "triage",
  status: "FAILED",
  executionArn: `arn:aws:states:eu-west-1:123456789012:execution:switchyard-dev-triage:${runId}`,
  failedAt: "2026-11-24T10:00:00.000Z",
  error: { code: "Models.Unavailable", message: "still throttled" },
  node: "classify",
});

/** A queue message as `ReceiveMessage` returns it (SDK spelling of attributes). */
const queued = (id: string, body: string, traceparent?: string): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: body,
  Attributes: { SentTimestamp: String(Date.parse("2026-11-24T10:00:00Z")), ApproximateReceiveCount: "5" },
  ...(traceparent
    ? { MessageAttributes: { traceparent: { DataType: "String", StringValue: traceparent } } }
    : {}),
});

/** A record as the Lambda SQS event delivers it (lower-case attribute spelling). */
const sqsRecord = (
  id: string,
  body: string,
  options: {
    receiveCount?: number;
    attributes?: Record<string, { StringValue?: string; DataType: string }>;
  } = {},
): SqsRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body,
  attributes: { ApproximateReceiveCount: String(options.receiveCount ?? 1) },
  messageAttributes: Object.fromEntries(
    Object.entries(options.attributes ?? {}).map(([k, v]) => [
      k,
      { stringValue: v.StringValue, dataType: v.DataType },
    ]),
  ),
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:switchyard-dev-requests",
  awsRegion: "eu-west-1",
});

const sum = (t: Telemetry, metric: keyof typeof CATALOG, dims: Record<string, string> = {}) =>
  t.capture?.metrics.sum(CATALOG[metric], dims) ?? Number.NaN;

// Tests -----------------------------------------------------------------------------------

describe("dead letters and failed runs count where they happen", () => {
  const sqsMock = mockClient(SQSClient);
  const snsMock = mockClient(SNSClient);
  afterAll(() => {
    sqsMock.restore();
    snsMock.restore();
  });
  let telemetry: Telemetry;
  beforeEach(() => {
    telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    sqsMock.on(SendMessageCommand).resolves({ MessageId: "sent" });
    sqsMock.on(DeleteMessageCommand).resolves({});
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    snsMock.on(PublishCommand).resolves({ MessageId: "published" });
  });
  afterEach(() => {
    sqsMock.reset();
    snsMock.reset();
  });

  it("a dead-letter redrive counts Redrives per letter, and carries each letter's trace context along", async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          queued("m-1", JSON.stringify(request("run-0001")), PRODUCER_TRACEPARENT),
          queued("m-2", JSON.stringify(request("run-0002"))),
        ],
      })
      .resolves({ Messages: [] });
    // Act
    const entries = await redriveDeadLetters(new SQSClient({}), DLQ, {
      targetUrl: REQUESTS,
      metrics: telemetry.metrics,
    });
    // Assess
    expect(entries.map((e) => e.action)).toEqual(["redriven", "redriven"]);
    expect(sum(telemetry, "redrives", { Queue: "requests-dlq" })).toBe(2);
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent[0]?.MessageAttributes?.traceparent?.StringValue).toBe(PRODUCER_TRACEPARENT);
    expect(sent[0]?.MessageAttributes?.redrivenFrom?.StringValue).toBe("switchyard-dev-requests-dlq");
  });

  it("a dry run counts nothing", async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [queued("m-1", JSON.stringify(request("run-0001")))] })
      .resolves({ Messages: [] });

    await redriveDeadLetters(new SQSClient({}), DLQ, {
      targetUrl: REQUESTS,
      dryRun: true,
      metrics: telemetry.metrics,
    });

    expect(sum(telemetry, "redrives")).toBe(0);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("resuming a failed run counts a redrive from failed-runs and the recovery time since the failure", async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [queued("f-1", JSON.stringify(failedRun("run-0009")))] })
      .resolves({ Messages: [] });
    const now = new Date("2026-11-24T10:30:00.000Z");
    // Act
    await resumeFailedRuns(new SQSClient({}), {
      failedRunsUrl: FAILED_RUNS,
      requestsUrl: REQUESTS,
      now,
      metrics: telemetry.metrics,
    });
    // Assess
    expect(sum(telemetry, "redrives", { Queue: "failed-runs" })).toBe(1);
    expect(sum(telemetry, "recoveryTime", { Workflow: "triage" })).toBe(30 * 60 * 1000);
  });

  it("a failed run recorded counts a dead letter on failed-runs and one alert published", async () => {
    // Prepare
    const event = {
      id: "e-1",
      version: "0",
      account: "123456789012",
      region: "eu-west-1",
      resources: [],
      "detail-type": "Step Functions Execution Status Change",
      source: "aws.states",
      time: "2026-11-24T10:00:05Z",
      detail: {
        executionArn: "arn:aws:states:eu-west-1:123456789012:execution:switchyard-dev-triage:run-0003",
        stateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:switchyard-dev-triage",
        name: "run-0003",
        status: "FAILED",
        startDate: 0,
        stopDate: Date.parse("2026-11-24T10:00:05Z"),
        input: JSON.stringify({ workflow: "triage", threadId: "run-0003", runId: "run-0003" }),
        output: null,
      },
    } satisfies ExecutionStatusChangeEvent;
    const publish = snsAlertPublisher(new SNSClient({}), "arn:aws:sns:eu-west-1:123456789012:alerts", {
      metrics: telemetry.metrics,
    });
    // Act
    await recordFailedRun(event, {
      lookupThread: async () => undefined,
      leases: { release: async () => {} },
      sendFailedRun: async () => {},
      alert: (run) => publish(alertForFailedRun(run)),
      metrics: telemetry.metrics,
    });
    // Assess
    expect(sum(telemetry, "deadLetters", { Queue: "failed-runs" })).toBe(1);
    expect(sum(telemetry, "alertsSent", { Channel: "alerts-topic" })).toBe(1);
  });

  it("the dispatcher counts a dead letter only for a record failing its last delivery", async () => {
    // Prepare: a poison body, once early and once on its last delivery.
    const event = {
      Records: [
        sqsRecord("a", "not json", { receiveCount: 1 }),
        sqsRecord("b", "not json", { receiveCount: 5 }),
      ],
    };
    // Act
    const response = await dispatchBatch(event, {
      startExecution: async () => ({}),
      metrics: telemetry.metrics,
      maxReceiveCount: 5,
    });
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["a", "b"]);
    expect(sum(telemetry, "deadLetters", { Queue: "requests-dlq" })).toBe(1);
  });
});

describe("trace context across the requests queue", () => {
  it("survives send → dispatch: the execution continues the producer's trace", async () => {
    // Prepare: a producer sends inside its own span.
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const span = telemetry.tracing.tracer.startSpan("producer");
    const producerContext = trace.setSpan(ROOT_CONTEXT, span);
    const message = runRequestMessage(request("run-0100"), producerContext);
    span.end();
    const started: StartExecutionRequest[] = [];
    // Act
    const response = await dispatchBatch(
      { Records: [sqsRecord("m-1", message.MessageBody, { attributes: message.MessageAttributes })] },
      {
        startExecution: async (r) => {
          started.push(r);
          return { executionArn: "arn:execution" };
        },
      },
    );
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const { traceId, spanId } = span.spanContext();
    expect(message.MessageAttributes.traceparent?.StringValue).toBe(`00-${traceId}-${spanId}-01`);
    expect(started[0]?.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it("falls back to the request's own traceparent when no trace is active", () => {
    const message = runRequestMessage({ ...request("run-0101"), traceparent: PRODUCER_TRACEPARENT });
    expect(message.MessageAttributes).toEqual({
      traceparent: { DataType: "String", StringValue: PRODUCER_TRACEPARENT },
    });
    expect(JSON.parse(message.MessageBody)).toMatchObject({ runId: "run-0101" });
  });
});
