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

/**
 * Every message body and topic message we send, as JSON text that any queue or topic takes:
 * `JSON.stringify`, then every UTF-16 unit above U+007F written as a JSON `\uXXXX` escape, so
 * the text is printable ASCII (plus tab, CR, LF). SQS takes only #x9 | #xA | #xD | #x20-#xD7FF |
 * #xE000-#xFFFD | #x10000-#x10FFFF — U+FFFE, U+FFFF and lone surrogates never, and the local
 * emulator tests each UTF-16 unit on its own (a pattern without the `u` flag that omits
 * #x10000-#x10FFFF), so the two halves of an emoji are refused there too (docs/architecture.md,
 * "Verified pitfalls"). `JSON.stringify` already escapes control characters and lone surrogates;
 * `JSON.parse` ({@link decodeMessageBody}) gives back the identical value, so every reader of a
 * plain JSON body reads these unchanged. A unit above U+007F takes at most 3 UTF-8 bytes and 6
 * as an escape, so a body grows at most 3×: the API's 64 KiB bound stays inside SQS's 256 KiB.
 *
 * @example
 * encodeMessageBody({ note: "😀\ufffe" }); // '{"note":"\\ud83d\\ude00\\ufffe"}'
 */
export function encodeMessageBody(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("a message body must be a JSON value");
  return text.replace(ABOVE_ASCII, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Every UTF-16 unit above U+007F, surrogate halves one by one (no `u` flag, on purpose). */
const ABOVE_ASCII = /[\u0080-\uffff]/g;

/**
 * A body written by {@link encodeMessageBody} (or any JSON text) as its value.
 *
 * @example
 * decodeMessageBody('{"note":"\\ud83d\\ude00"}'); // { note: "😀" }
 */
export function decodeMessageBody(body: string): unknown {
  return JSON.parse(body);
}

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
  return { MessageBody: encodeMessageBody(request), MessageAttributes: attributes };
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
