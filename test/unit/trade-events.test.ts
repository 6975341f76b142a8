/**
 * The MSK consumer's domain: Kafka records (base64 JSON trade events) become run requests on the
 * requests queue, with a run id derived from topic/partition/offset so a redelivered record
 * starts nothing new; a bad record, or one SQS refused, is a batch item failure — never dropped.
 * SQS is mocked (aws-sdk-client-mock); no Kafka runs here.
 */
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  consumeTradeEvents,
  decodeTradeEvent,
  InvalidTradeEventError,
  type KafkaEvent,
  type KafkaRecord,
  parseRunRequest,
  runRequestForTradeEvent,
  type TradeEventOutcome,
  tradeEventRunId,
} from "#ingress";
import type { Break } from "#trading";
import { triage } from "#workflows";

// Factories -------------------------------------------------------------------------------

const REQUESTS = "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-requests";
const NOW = new Date("2026-11-24T10:00:00.000Z");
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64");

function kafkaRecord(offset: number, value: unknown, extra: Partial<KafkaRecord> = {}): KafkaRecord {
  return {
    topic: "trade-events",
    partition: 0,
    offset,
    timestamp: 1_795_600_000_000 + offset,
    timestampType: "CREATE_TIME",
    key: null,
    value: value === null ? null : b64(value),
    headers: [],
    ...extra,
  };
}

function kafkaEvent(...records: KafkaRecord[]): KafkaEvent {
  const grouped: Record<string, KafkaRecord[]> = {};
  for (const r of records) {
    const key = `${r.topic}-${r.partition}`;
    grouped[key] = [...(grouped[key] ?? []), r];
  }
  return {
    eventSource: "aws:kafka",
    eventSourceArn:
      "arn:aws:kafka:eu-west-1:123456789012:cluster/trading/abcd1234-abcd-cafe-abab-9876543210ab-4",
    bootstrapServers: "b-1.trading.kafka.eu-west-1.amazonaws.com:9098",
    records: grouped,
  };
}

const exceptionEvent = (tradeId: string) => ({ type: "trade.exception", eventId: `evt-${tradeId}`, tradeId });

/** A canonical break, as a reconciliation run writes it to `breaks.json`. */
const aBreak = (overrides: Partial<Break> = {}): Break => ({
  breakId: "PRICE_MISMATCH:T-7:price",
  category: "PRICE_MISMATCH",
  tradeIds: ["T-7"],
  confirmationIds: ["C-7"],
  instrumentId: "US0378331005",
  field: "price",
  ours: 101.5,
  theirs: 100.25,
  notional: 101_500,
  currency: "USD",
  desk: "EQUITIES",
  broker: "GSCO",
  counterparty: "ACME",
  detail: "price 101.5 vs 100.25",
  ...overrides,
});

// Tests -----------------------------------------------------------------------------------

describe("decode and map", () => {
  it("decodes a base64 JSON trade event", () => {
    expect(decodeTradeEvent(kafkaRecord(1, exceptionEvent("T-1")))).toEqual(exceptionEvent("T-1"));
  });

  it.each([
    ["not base64 JSON", kafkaRecord(1, "}{ definitely not json")],
    ["no value (tombstone)", kafkaRecord(1, null)],
    ["neither tradeId nor exception", kafkaRecord(1, { type: "trade.exception" })],
    ["no type", kafkaRecord(1, { tradeId: "T-1" })],
  ])("refuses %s with a typed error", (_, record) => {
    expect(() => decodeTradeEvent(record)).toThrow(InvalidTradeEventError);
    expect(() => decodeTradeEvent(record)).toThrow(
      expect.objectContaining({ code: "Switchyard.InvalidTradeEvent" }),
    );
  });

  it("maps an exception event to a triage run request from msk that passes the run-request schema", () => {
    // Prepare
    const record = kafkaRecord(42, {}, { headers: [{ traceparent: [...Buffer.from(TRACEPARENT)] }] });
    // Act
    const request = runRequestForTradeEvent(record, exceptionEvent("T-42"), undefined, NOW);
    // Assess
    expect(request).toEqual({
      runId: tradeEventRunId(record),
      workflow: "triage",
      input: { tradeId: "T-42" },
      source: "msk",
      idempotencyKey: "evt-T-42",
      requestedAt: NOW.toISOString(),
      traceparent: TRACEPARENT,
    });
    expect(parseRunRequest(JSON.stringify(request))).toEqual(request);
  });

  it("hands a producer's canonical break to triage as its break, with the generated day", () => {
    // Prepare
    const event = { type: "trade.exception", exception: aBreak(), dataset: { seed: 7 } };
    // Act
    const request = runRequestForTradeEvent(kafkaRecord(7, event), decodeTradeEvent(kafkaRecord(7, event)));
    // Assess
    expect(request?.input).toEqual({ dataset: { seed: 7 }, break: aBreak() });
    expect(triage.input.safeParse(request?.input).success).toBe(true);
  });

  it("hands a desk's files to triage as its data, and a trade alone as its tradeId", () => {
    // Prepare
    const data = { uri: "s3://bucket/incoming/2026-11-24/" };
    const withBreak = { type: "trade.exception", exception: aBreak(), data };
    const withTrade = { type: "trade.exception", tradeId: "T-7", data };
    // Act
    const inputs = [withBreak, withTrade].map(
      (event) =>
        runRequestForTradeEvent(kafkaRecord(8, event), decodeTradeEvent(kafkaRecord(8, event)))?.input,
    );
    // Assess
    expect(inputs).toEqual([
      { data, break: aBreak() },
      { data, tradeId: "T-7" },
    ]);
    for (const input of inputs) expect(triage.input.safeParse(input).success).toBe(true);
  });

  it("sends the break, not the trade, when an event carries both", () => {
    const event = { type: "trade.exception", tradeId: "T-7", exception: aBreak() };
    const request = runRequestForTradeEvent(kafkaRecord(9, event), decodeTradeEvent(kafkaRecord(9, event)));
    expect(request?.input).toEqual({ break: aBreak() });
  });

  it.each([
    [
      "an exception that is not a canonical break",
      { exception: { breakId: "B-1", kind: "price", tradeIds: ["T-7"] } },
      /exception is not a canonical break: exception\./,
    ],
    [
      "a break of an unknown category",
      { exception: { ...aBreak(), category: "PRICE_DIFF" } },
      /exception\.category/,
    ],
    [
      "data that is not a data reference",
      { tradeId: "T-7", data: { path: "/tmp/day" } },
      /data is not a data reference/,
    ],
    [
      "a dataset that is not a day spec",
      { tradeId: "T-7", dataset: { seed: -1 } },
      /dataset is not a day spec: dataset\.seed/,
    ],
    ["both data and dataset", { tradeId: "T-7", data: { uri: "s3://b/d/" }, dataset: {} }, /not both/],
  ])("refuses %s with a typed error naming it", (_, fields, reason) => {
    // Prepare
    const event = { type: "trade.exception", ...fields };
    // Act
    const attempt = () =>
      runRequestForTradeEvent(kafkaRecord(10, event), decodeTradeEvent(kafkaRecord(10, event)));
    // Assess
    expect(attempt).toThrow(InvalidTradeEventError);
    expect(attempt).toThrow(reason);
  });

  it("routes only the types a workflow handles", () => {
    const booked = { type: "trade.booked", tradeId: "T-1" };
    expect(runRequestForTradeEvent(kafkaRecord(1, booked), booked)).toBeUndefined();
    expect(
      runRequestForTradeEvent(kafkaRecord(1, booked), booked, { "trade.booked": "reconciliation" })?.workflow,
    ).toBe("reconciliation");
  });
});

describe("idempotent run id", () => {
  it("is the same for every delivery of a record and differs by partition, offset and topic", () => {
    // Prepare
    const record = kafkaRecord(1042, {}, { partition: 3 });
    // Act
    const ids = [
      tradeEventRunId(record),
      tradeEventRunId({ ...record }),
      tradeEventRunId({ ...record, offset: 1043 }),
      tradeEventRunId({ ...record, partition: 4 }),
      tradeEventRunId({ ...record, topic: "trade.events" }),
      tradeEventRunId({ ...record, timestamp: record.timestamp + 1 }),
    ];
    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(5);
    expect(ids[0]).toMatch(/^msk-trade-events-3-1042-[0-9a-f]{8}$/);
  });

  it("stays a valid execution name for a long topic with odd characters", () => {
    const id = tradeEventRunId({
      topic: `${"x.".repeat(60)}events`,
      partition: 99_999,
      offset: 9_007_199_254_740_991,
      timestamp: 1,
    });
    expect(id.length).toBeLessThanOrEqual(80);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe("consumeTradeEvents", () => {
  const sqsMock = mockClient(SQSClient);
  afterAll(() => sqsMock.restore());
  let outcomes: TradeEventOutcome[];
  const deps = () => ({
    sqs: new SQSClient({ region: "eu-west-1" }),
    requestsQueueUrl: REQUESTS,
    now: () => NOW,
    onRecord: (o: TradeEventOutcome) => outcomes.push(o),
  });
  beforeEach(() => {
    outcomes = [];
    sqsMock.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    }));
  });
  afterEach(() => sqsMock.reset());

  it("sends one run request per trade event to the requests queue, with its trace attributes", async () => {
    // Prepare
    const traced = kafkaRecord(2, exceptionEvent("T-2"), {
      headers: [{ traceparent: [...Buffer.from(TRACEPARENT)] }],
    });
    const event = kafkaEvent(kafkaRecord(1, exceptionEvent("T-1")), traced);
    // Act
    const response = await consumeTradeEvents(event, deps());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [call] = sqsMock.commandCalls(SendMessageBatchCommand);
    expect(call?.args[0].input.QueueUrl).toBe(REQUESTS);
    const entries = call?.args[0].input.Entries ?? [];
    expect(entries.map((e) => parseRunRequest(e.MessageBody ?? "").input)).toEqual([
      { tradeId: "T-1" },
      { tradeId: "T-2" },
    ]);
    expect(entries[1]?.MessageAttributes?.traceparent?.StringValue).toBe(TRACEPARENT);
    expect(outcomes.map((o) => o.outcome)).toEqual(["sent", "sent"]);
  });

  it("sends a redelivered batch with the same run ids, so the dispatcher starts nothing new", async () => {
    const event = kafkaEvent(kafkaRecord(1, exceptionEvent("T-1")), kafkaRecord(2, exceptionEvent("T-2")));

    await consumeTradeEvents(event, deps());
    await consumeTradeEvents(event, deps());

    const runIds = sqsMock
      .commandCalls(SendMessageBatchCommand)
      .map((c) => (c.args[0].input.Entries ?? []).map((e) => parseRunRequest(e.MessageBody ?? "").runId));
    expect(runIds[0]).toEqual(runIds[1]);
    expect(new Set(runIds[0]).size).toBe(2);
  });

  it("reports a bad record as a batch item failure and still sends the good ones", async () => {
    // Prepare
    const bad = kafkaRecord(5, "not json at all", { partition: 1 });
    const event = kafkaEvent(
      kafkaRecord(4, exceptionEvent("T-4"), { partition: 1 }),
      bad,
      kafkaRecord(6, exceptionEvent("T-6"), { partition: 1 }),
    );
    // Act
    const response = await consumeTradeEvents(event, deps());
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "trade-events-1", offset: 5 } },
    ]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries).toHaveLength(2);
    expect(outcomes.find((o) => o.outcome === "failed")?.error).toMatch(/not base64-encoded JSON/);
  });

  it("reports an exception that is not a canonical break as a batch item failure, with the reason", async () => {
    // Prepare
    const stale = kafkaRecord(8, { type: "trade.exception", exception: { breakId: "B-1", kind: "price" } });
    const event = kafkaEvent(
      kafkaRecord(7, { type: "trade.exception", exception: aBreak(), dataset: { seed: 7 } }),
      stale,
    );
    // Act
    const response = await consumeTradeEvents(event, deps());
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "trade-events-0", offset: 8 } },
    ]);
    const entries = sqsMock.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((e) => parseRunRequest(e.MessageBody ?? "").input)).toEqual([
      { dataset: { seed: 7 }, break: aBreak() },
    ]);
    expect(outcomes.find((o) => o.outcome === "failed")).toMatchObject({
      record: { offset: 8 },
      error: expect.stringMatching(/Invalid trade event: exception is not a canonical break/),
    });
  });

  it("acknowledges an event no workflow handles without sending anything", async () => {
    const response = await consumeTradeEvents(
      kafkaEvent(kafkaRecord(1, { type: "trade.booked", tradeId: "T-1" })),
      deps(),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(outcomes.map((o) => o.outcome)).toEqual(["skipped"]);
  });

  it("reports the entries SQS refused, and every entry of a call that failed, as failures", async () => {
    // Prepare: 12 records → two calls; the first refuses entry 3, the second is throttled.
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [{ Id: "3", Code: "InternalError", SenderFault: false, Message: "try again" }],
      })
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    const records = Array.from({ length: 12 }, (_, i) => kafkaRecord(100 + i, exceptionEvent(`T-${i}`)));
    // Act
    const response = await consumeTradeEvents(kafkaEvent(...records), deps());
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier.offset)).toEqual([103, 110, 111]);
    expect(outcomes.filter((o) => o.outcome === "sent")).toHaveLength(9);
  });
});
