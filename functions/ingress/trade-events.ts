import { createHash } from "node:crypto";
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { context } from "@opentelemetry/api";
import { z } from "zod";
import { fieldIssues, issueSummary } from "#core";
import { contextFromAttributes } from "#telemetry";
import { BreakSchema, DataRefSchema, DaySpecSchema } from "#trading";
import { InvalidTradeEventError } from "./errors.ts";
import type { KafkaBatchResponse, KafkaEvent, KafkaRecord } from "./events.ts";
import { runRequestMessage } from "./messages.ts";
import { RUN_ID_PATTERN, type RunRequest, RunRequestSchema } from "./run-request.ts";

/**
 * The MSK consumer's domain: trade events from the `trade-events` topic become run requests on
 * the requests queue, like any other entry point's.
 *
 * ```
 * MSK trade-events ─batch─▶ consumeTradeEvents ─ decode (base64 JSON) ─ route (type → workflow)
 *    ─ input (a canonical break, or a trade) ─ run id = topic/partition/offset
 *    ─▶ SendMessageBatch ─▶ requests queue ─▶ dispatcher
 *  a record that cannot be read, mapped or sent ─▶ batch item failure ─ retried ─▶ on-failure SQS DLQ
 * ```
 * The run id is derived from where the record sits in the log, so a redelivered record (a
 * retried batch, a bisected batch, a consumer restart) names the same execution and the
 * dispatcher starts nothing new. Nothing is dropped: an event whose type no workflow handles is
 * acknowledged on purpose (`skipped`); everything else is sent or reported failed.
 */

/** A trade event as producers put it on the topic (JSON in the record's value); strict: an unknown field is refused by name (the record fails, then is dead-lettered). */
export const TradeEventSchema = z
  .strictObject({
    /** What happened, e.g. `trade.exception`; routes the event to a workflow. */
    type: z.string().min(1).max(100),
    /** The producer's id of the event, kept as the run request's idempotency key for audit. */
    eventId: z.string().min(1).max(128).optional(),
    tradeId: z.string().min(1).max(100).optional(),
    /** A break the producer already found: a canonical `Break` (`BreakSchema` of `#trading`), triage's `break`. */
    exception: z.record(z.string(), z.unknown()).optional(),
    /** The day's files, a `DataRef` (`{ uri, mapping?, businessDate? }`): triage's `data`. */
    data: z.record(z.string(), z.unknown()).optional(),
    /** A generated day's spec instead (`DaySpec`): triage's `dataset`. */
    dataset: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((e) => e.tradeId !== undefined || e.exception !== undefined, {
    message: "a trade event names a tradeId or carries an exception",
  });

export type TradeEvent = z.infer<typeof TradeEventSchema>;

/** Event type → workflow. Types not listed are not ours: acknowledged, never run. */
export const DEFAULT_TRADE_EVENT_ROUTES: Readonly<Record<string, string>> = { "trade.exception": "triage" };

export interface ConsumeTradeEventsDeps {
  readonly sqs: SQSClient;
  readonly requestsQueueUrl: string;
  readonly routes?: Readonly<Record<string, string>>;
  readonly now?: () => Date;
  /** Told about each record's fate: logs and tests. */
  readonly onRecord?: (outcome: TradeEventOutcome) => void;
}

export interface TradeEventOutcome {
  readonly record: Pick<KafkaRecord, "topic" | "partition" | "offset">;
  readonly outcome: "sent" | "skipped" | "failed";
  readonly runId?: string;
  readonly error?: string;
}

/**
 * Reads a record's value: base64 of a JSON trade event.
 *
 * @example
 * decodeTradeEvent({ ...record, value: btoa('{"type":"trade.exception","tradeId":"T-1"}') }); // { type: "trade.exception", tradeId: "T-1" }
 */
export function decodeTradeEvent(record: Pick<KafkaRecord, "value">): TradeEvent {
  if (!record.value) throw new InvalidTradeEventError("the record has no value (a tombstone?).");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(record.value, "base64").toString("utf8"));
  } catch {
    throw new InvalidTradeEventError("the value is not base64-encoded JSON.");
  }
  const parsed = TradeEventSchema.safeParse(json);
  if (!parsed.success) throw new InvalidTradeEventError(issueSummary(fieldIssues(parsed.error)));
  return parsed.data;
}

/**
 * The run id of a record: its topic, partition and offset, plus a short hash of those and the
 * record's timestamp — the same for every delivery of the record, different for a record at the
 * same offset of a re-created topic.
 *
 * @example
 * tradeEventRunId({ topic: "trade-events", partition: 3, offset: 1042, timestamp: 1764000000000 }); // "msk-trade-events-3-1042-5d41402a"
 */
export function tradeEventRunId(
  record: Pick<KafkaRecord, "topic" | "partition" | "offset" | "timestamp">,
): string {
  const slug = record.topic.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
  const hash = createHash("sha256")
    .update(`${record.topic}\n${record.partition}\n${record.offset}\n${record.timestamp}`)
    .digest("hex")
    .slice(0, 8);
  const id = `msk-${slug}-${record.partition}-${record.offset}-${hash}`;
  if (!RUN_ID_PATTERN.test(id)) throw new InvalidTradeEventError(`cannot derive a run id from ${id}.`);
  return id;
}

/**
 * The workflow input of a trade event, in triage's terms: the day (`data`, a `DataRef`, or
 * `dataset`, a generated day's spec; neither: triage's default day) and the ONE exception —
 * `break`, the event's `exception`, which must be a canonical break (`BreakSchema`), or else
 * `tradeId`. The break itself says more than its trade, so an event carrying both sends the break.
 *
 * @throws InvalidTradeEventError naming what does not validate: the record is a batch item
 *   failure (retried, then dead-lettered), never a run that triage would refuse.
 *
 * @example
 * tradeEventInput({ type: "trade.exception", exception: aBreak, data: { uri: "s3://bucket/incoming/2026-11-24/" } });
 * // { data: { uri: "s3://bucket/incoming/2026-11-24/" }, break: aBreak }
 */
export function tradeEventInput(event: TradeEvent): Record<string, unknown> {
  if (event.data && event.dataset) {
    throw new InvalidTradeEventError("give data (a day's files) or dataset (a generated day), not both.");
  }
  let day: Record<string, unknown> = {};
  if (event.data) {
    day = {
      data: valid(
        DataRefSchema,
        event.data,
        "data",
        "is not a data reference ({ uri, mapping?, businessDate? })",
      ),
    };
  } else if (event.dataset) {
    valid(DaySpecSchema, event.dataset, "dataset", "is not a day spec");
    day = { dataset: event.dataset }; // as given: triage fills in the defaults
  }
  if (event.exception) {
    return { ...day, break: valid(BreakSchema, event.exception, "exception", "is not a canonical break") };
  }
  return { ...day, tradeId: event.tradeId };
}

/** `value` parsed by `schema`, or an InvalidTradeEventError naming the field and its first issues. */
function valid<T>(schema: z.ZodType<T>, value: unknown, field: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issueSummary(fieldIssues(parsed.error, { at: [field] }).slice(0, 3));
  throw new InvalidTradeEventError(`${field} ${what}: ${issues}.`);
}

/**
 * The run request for a trade event, or undefined when no workflow handles its type.
 *
 * @throws InvalidTradeEventError when the event's break or day does not validate ({@link tradeEventInput}).
 *
 * @example
 * runRequestForTradeEvent(record, { type: "trade.exception", tradeId: "T-1" }); // { runId: "msk-…", workflow: "triage", input: { tradeId: "T-1" }, source: "msk", … }
 */
export function runRequestForTradeEvent(
  record: KafkaRecord,
  event: TradeEvent,
  routes: Readonly<Record<string, string>> = DEFAULT_TRADE_EVENT_ROUTES,
  now: Date = new Date(),
): RunRequest | undefined {
  const workflow = routes[event.type];
  if (!workflow) return undefined;
  const traceparent = headerValue(record, "traceparent");
  const parsed = RunRequestSchema.safeParse({
    runId: tradeEventRunId(record),
    workflow,
    input: tradeEventInput(event),
    source: "msk",
    ...(event.eventId ? { idempotencyKey: event.eventId } : {}),
    requestedAt: now.toISOString(),
    ...(traceparent && traceparent.length <= 128 ? { traceparent } : {}),
  });
  if (!parsed.success) throw new InvalidTradeEventError(issueSummary(fieldIssues(parsed.error)));
  return parsed.data;
}

/**
 * The consumer Lambda's whole job over one MSK batch: decode and route every record, send the
 * run requests in batches of ten, and report what could not be read or sent as batch item
 * failures (retried, then the on-failure destination) — never dropped.
 *
 * @example
 * export const handler = (event: KafkaEvent) => consumeTradeEvents(event, { sqs, requestsQueueUrl });
 */
export async function consumeTradeEvents(
  event: KafkaEvent,
  deps: ConsumeTradeEventsDeps,
): Promise<KafkaBatchResponse> {
  const now = deps.now?.() ?? new Date();
  const failed: KafkaRecord[] = [];
  const pending: { record: KafkaRecord; request: RunRequest }[] = [];
  const report = (o: TradeEventOutcome) => deps.onRecord?.(o);
  for (const record of Object.values(event.records ?? {}).flat()) {
    try {
      const request = runRequestForTradeEvent(record, decodeTradeEvent(record), deps.routes, now);
      if (request) pending.push({ record, request });
      else report({ record, outcome: "skipped" });
    } catch (err) {
      failed.push(record);
      report({ record, outcome: "failed", error: (err as Error).message });
    }
  }
  for (let i = 0; i < pending.length; i += 10) {
    const chunk = pending.slice(i, i + 10);
    const notSent = await sendChunk(deps, chunk);
    for (const [j, { record, request }] of chunk.entries()) {
      const error = notSent.get(String(j));
      if (error === undefined) report({ record, outcome: "sent", runId: request.runId });
      else {
        failed.push(record);
        report({ record, outcome: "failed", runId: request.runId, error });
      }
    }
  }
  return {
    batchItemFailures: failed.map((r) => ({
      itemIdentifier: { partition: `${r.topic}-${r.partition}`, offset: r.offset },
    })),
  };
}

/** Sends up to ten requests; returns the entries SQS did not take (by entry id) and why. */
async function sendChunk(
  deps: ConsumeTradeEventsDeps,
  chunk: readonly { record: KafkaRecord; request: RunRequest }[],
): Promise<Map<string, string>> {
  const entries: SendMessageBatchRequestEntry[] = chunk.map(({ request }, j) => ({
    Id: String(j),
    ...runRequestMessage(request, producerContext(request)),
  }));
  try {
    const out = await deps.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: deps.requestsQueueUrl, Entries: entries }),
    );
    return new Map((out.Failed ?? []).map((f) => [f.Id ?? "", `${f.Code ?? "Failed"}: ${f.Message ?? ""}`]));
  } catch (err) {
    // The whole call failed (throttled, queue unreachable): every entry is retried with its record.
    return new Map(entries.map((e) => [e.Id ?? "", (err as Error).message]));
  }
}

/** The producer's trace (a `traceparent` Kafka header) when the record has one, else the consumer's. */
function producerContext(request: RunRequest) {
  const fromHeader = request.traceparent
    ? contextFromAttributes({ traceparent: { DataType: "String", StringValue: request.traceparent } })
    : undefined;
  return fromHeader ?? context.active();
}

/** A Kafka header's value as text (headers arrive as byte arrays). */
function headerValue(record: KafkaRecord, name: string): string | undefined {
  for (const header of record.headers ?? []) {
    const bytes = header[name];
    if (bytes) return Buffer.from(bytes).toString("utf8");
  }
  return undefined;
}
