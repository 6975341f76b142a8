import { type Context, context, trace } from "@opentelemetry/api";
import { contextFromAttributes, type MessageAttributes, traceAttributes } from "#telemetry";
import type { RunRequest } from "./run-request.ts";

/**
 * Run requests on the wire: the body every producer sends and the SQS message attributes that
 * carry the producer's W3C trace context, so the dispatcher — and through it the execution —
 * continues the producer's trace.
 *
 * ```
 * producer (API, MSK consumer, redrive) ─ runRequestMessage ─▶ requests queue ─▶ dispatcher
 *   MessageAttributes.traceparent ──────────────────────────────▶ traceparentOf(record) ─▶ X-Ray header
 * ```
 */

/** What `SendMessage` (or one `SendMessageBatch` entry) needs for a run request. */
export interface RunRequestMessage {
  readonly MessageBody: string;
  readonly MessageAttributes: MessageAttributes;
}

/**
 * The body and trace attributes of a run request: the active trace context, or else the
 * request's own `traceparent` (a producer that only kept the string, e.g. a Kafka header).
 *
 * @example
 * await sqs.send(new SendMessageCommand({ QueueUrl: requestsUrl, ...runRequestMessage(request) }));
 */
export function runRequestMessage(request: RunRequest, ctx: Context = context.active()): RunRequestMessage {
  const active = traceAttributes(ctx);
  const attributes: MessageAttributes =
    active.traceparent || !request.traceparent
      ? active
      : { traceparent: { DataType: "String", StringValue: request.traceparent } };
  return { MessageBody: JSON.stringify(request), MessageAttributes: attributes };
}

/**
 * SQS message attributes as the SDK spells them (`StringValue`), whichever way they arrived:
 * the Lambda SQS event spells them `stringValue`, `ReceiveMessage` `StringValue`.
 *
 * @example
 * sdkAttributes({ traceparent: { stringValue: "00-…-01", dataType: "String" } }); // { traceparent: { DataType: "String", StringValue: "00-…-01" } }
 */
export function sdkAttributes(attributes: Readonly<Record<string, unknown>> | undefined): MessageAttributes {
  const out: MessageAttributes = {};
  for (const [name, raw] of Object.entries(attributes ?? {})) {
    const a = raw as { stringValue?: unknown; StringValue?: unknown; dataType?: unknown; DataType?: unknown };
    const value = a?.StringValue ?? a?.stringValue;
    if (typeof value !== "string") continue;
    out[name] = { DataType: String(a.DataType ?? a.dataType ?? "String"), StringValue: value };
  }
  return out;
}

/** Only the trace-context attributes (`traceparent`, `tracestate`): what a redrive copies along. */
export function traceContextAttributes(attributes: MessageAttributes): MessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes).filter(([name]) => name === "traceparent" || name === "tracestate"),
  );
}

/**
 * The W3C `traceparent` a message carries in its attributes, or undefined (none, or malformed).
 *
 * @example
 * traceparentOf(record.messageAttributes); // "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
 */
export function traceparentOf(attributes: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const ctx = contextFromAttributes(sdkAttributes(attributes));
  const span = ctx ? trace.getSpanContext(ctx) : undefined;
  if (!span) return undefined;
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, "0")}`;
}
