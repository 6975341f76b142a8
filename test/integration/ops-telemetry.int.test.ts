/**
 * Ops telemetry against the embedded AWS: the notifier's counts over the real alert windows
 * (dynalite) — sent + suppressed = alerts that arrived — and a run request's trace context
 * through the real requests queue (fauxqs) into the dispatcher's StartExecution and, after a
 * redrive from the DLQ, still the producer's trace.
 */
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dispatchBatch,
  type RunRequest,
  runRequestMessage,
  type SqsRecord,
  type StartExecutionRequest,
} from "#ingress";
import {
  AlertWindows,
  type Channel,
  type Notification,
  notify,
  redriveDeadLetters,
  type SnsMessage,
} from "#ops";
import { CATALOG, createTelemetry } from "#telemetry";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "opstel" });
});
afterAll(async () => {
  await aws?.stop();
});

const alertMessage = (i: number): SnsMessage => ({
  MessageId: `sns-${i}`,
  TopicArn: "arn:aws:sns:eu-west-1:000000000000:alerts",
  Subject: "Switchyard: triage run failed at node classify",
  Message: JSON.stringify({
    kind: "switchyard.alert",
    key: "run-failed:triage:classify:Models.Unavailable",
    severity: "critical",
    title: "triage run failed at node classify",
    text: "Models.Unavailable: still throttled",
    fields: { run: `run-${i}` },
    source: "failed-run",
    at: "2026-11-24T10:00:00.000Z",
  }),
  Timestamp: "2026-11-24T10:00:00.000Z",
});

const recording = (name: string, sent: Notification[]): Channel => ({
  name,
  send: async (n) => {
    sent.push(n);
  },
});

/** A received message as the Lambda SQS event delivers it. */
function asRecord(m: {
  MessageId?: string;
  ReceiptHandle?: string;
  Body?: string;
  MessageAttributes?: Record<string, { StringValue?: string; DataType?: string }>;
}): SqsRecord {
  return {
    messageId: m.MessageId ?? "",
    receiptHandle: m.ReceiptHandle ?? "",
    body: m.Body ?? "",
    attributes: { ApproximateReceiveCount: "1" },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
        k,
        { stringValue: v.StringValue, dataType: v.DataType },
      ]),
    ),
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "",
    awsRegion: aws.region,
  };
}

describe("notifier counts", () => {
  it("five identical alerts in a window: one sent and four suppressed, per channel", async () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const sent: Notification[] = [];
    const deps = {
      windows: new AlertWindows({
        client: aws.clients.dynamodb,
        tableName: aws.resources.alertsTable.name,
        windowSeconds: 60,
      }),
      channels: [recording("email", sent), recording("slack", sent)],
      stage: aws.resources.stage,
      metrics: telemetry.metrics,
    };
    const t0 = new Date("2026-11-24T10:00:10Z");
    // Act
    await notify([1, 2, 3, 4, 5].map(alertMessage), deps, t0);
    await notify([], deps, new Date(t0.getTime() + 61_000));
    // Assess
    const metrics = telemetry.capture?.metrics;
    expect(sent).toHaveLength(2);
    expect(sent[0]?.group.count).toBe(5);
    for (const channel of ["email", "slack"]) {
      expect(metrics?.sum(CATALOG.alertsSent, { Channel: channel })).toBe(1);
      expect(metrics?.sum(CATALOG.alertsSuppressed, { Channel: channel, Reason: "duplicate" })).toBe(4);
    }
  });
});

describe("trace context through the requests queue", () => {
  it("send → receive → dispatch, and again after a redrive from the DLQ", async () => {
    // Prepare
    const r = aws.resources;
    const requestsUrl = aws.queueUrls[r.requestsQueue.name] ?? "";
    const dlqUrl = aws.queueUrls[r.requestsQueue.deadLetter?.name ?? ""] ?? "";
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const span = telemetry.tracing.tracer.startSpan("api enqueue");
    const request: RunRequest = {
      runId: "run-trace-0001",
      workflow: "triage",
      input: {},
      source: "api",
      requestedAt: new Date().toISOString(),
    };
    const expected = `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
    // Act 1: produce into the requests queue, consume, dispatch.
    await aws.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: requestsUrl,
        ...runRequestMessage(request, trace.setSpan(ROOT_CONTEXT, span)),
      }),
    );
    span.end();
    const received = await aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: requestsUrl,
        MessageAttributeNames: ["All"],
        WaitTimeSeconds: 1,
      }),
    );
    const started: StartExecutionRequest[] = [];
    const startExecution = async (s: StartExecutionRequest) => {
      started.push(s);
      return {};
    };
    await dispatchBatch({ Records: (received.Messages ?? []).map(asRecord) }, { startExecution });
    // Act 2: the same message lands in the DLQ and is redriven; the redriven copy keeps the trace.
    await aws.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        ...runRequestMessage(request, trace.setSpan(ROOT_CONTEXT, span)),
      }),
    );
    await redriveDeadLetters(aws.clients.sqs, dlqUrl, { targetUrl: requestsUrl, metrics: telemetry.metrics });
    const redriven = await aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: requestsUrl,
        MessageAttributeNames: ["All"],
        WaitTimeSeconds: 1,
      }),
    );
    await dispatchBatch({ Records: (redriven.Messages ?? []).map(asRecord) }, { startExecution });
    // Assess
    expect(started.map((s) => s.traceparent)).toEqual([expected, expected]);
    expect(telemetry.capture?.metrics.sum(CATALOG.redrives, { Queue: "requests-dlq" })).toBe(1);
  });
});
