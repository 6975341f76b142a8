import {
  type Attributes,
  type Context,
  context,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { deferredOtlpSpanExporter } from "./otlp-deferred.ts";

export interface TracingOptions {
  readonly serviceName: string;
  /**
   * OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<url>/v1/traces`. Absent
   * (and no capture): a no-op tracer, nothing is built. Headers and timeouts come from the standard `OTEL_EXPORTER_OTLP_*` variables.
   */
  readonly otlpEndpoint?: string;
  /** Keep every finished span in memory (the local report, `inspect --trace`, tests). */
  readonly capture?: boolean;
}

/**
 * The OpenTelemetry side of Switchyard's tracing: a tracer provider of our own (not the global
 * one, so two runs in one process never mix spans), an OTLP/HTTP exporter only when an
 * endpoint is configured, and an in-memory capture for the local view. X-Ray traces come from
 * Powertools Tracer in the handlers; both share the X-Ray trace id (see {@link contextFromXRayHeader}).
 *
 * @example
 * const tracing = createTracing({ serviceName: "switchyard", capture: true });
 * tracing.tracer.startActiveSpan("invoke_workflow triage", (span) => span.end());
 * await tracing.flush();
 * tracing.finishedSpans(); // [ReadableSpan]
 */
export interface Tracing {
  readonly tracer: Tracer;
  /** Finished spans kept by the capture (empty without `capture`). */
  finishedSpans(): readonly ReadableSpan[];
  /** Exports everything buffered; a Lambda awaits it before returning (frozen processes lose spans). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createTracing(options: TracingOptions): Tracing {
  ensureContextManager();
  const processors: SpanProcessor[] = [];
  const memory = options.capture ? new InMemorySpanExporter() : undefined;
  if (memory) processors.push(new SimpleSpanProcessor({ exporter: memory }));
  if (options.otlpEndpoint) {
    const url = new URL(
      "v1/traces",
      options.otlpEndpoint.endsWith("/") ? options.otlpEndpoint : `${options.otlpEndpoint}/`,
    );
    processors.push(new BatchSpanProcessor({ exporter: deferredOtlpSpanExporter(url.href) }));
  }
  if (processors.length === 0) return noopTracing();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: processors,
  });
  return {
    tracer: provider.getTracer("switchyard"),
    finishedSpans: () => memory?.getFinishedSpans() ?? [],
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Spans that go nowhere are not built at all: OpenTelemetry's no-op tracer (a proxy with no
 * delegate) hands out non-recording spans that carry their parent's context on, so trace
 * propagation (X-Ray parent, SQS attributes) still works.
 */
function noopTracing(): Tracing {
  return {
    tracer: new ProxyTracerProvider().getTracer("switchyard"),
    finishedSpans: () => [],
    flush: async () => undefined,
    shutdown: async () => undefined,
  };
}

/**
 * `tracer.startSpan`, its attributes set once it has started, in their order. The SDK checks
 * attributes handed to `startSpan` twice (`cleanAttributes` of @opentelemetry/core without
 * limits for the sampler, then with the span's limits), each pass allocating an entries array
 * and, for every value, the `WeakSet` its `isAnyValue` builds; `setAttribute` checks each value
 * once. Same attributes, same order, half the checks and garbage for every span the observer
 * writes (a span per node attempt, model call and tool call: `functions/telemetry/spans.ts`).
 * The provider's sampler (the SDK's default, parent-based always-on: {@link createTracing}
 * sets none) decides without them; a span that does not record gets none.
 *
 * @example
 * const span = startSpanWith(tracer, "chat gpt-4o", { kind: SpanKind.CLIENT }, { "gen_ai.operation.name": "chat" }, parent);
 */
export function startSpanWith(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  attributes: Attributes,
  parent?: Context,
): Span {
  const span = tracer.startSpan(name, options, parent);
  if (span.isRecording()) span.setAttributes(attributes);
  return span;
}

let contextManagerSet = false;

/** Async context (AsyncLocalStorage) so a span started in a handler is the parent of those under it. */
function ensureContextManager(): void {
  if (contextManagerSet) return;
  const manager = new AsyncLocalStorageContextManager().enable();
  // false when another library registered one first: theirs propagates context as well.
  context.setGlobalContextManager(manager);
  contextManagerSet = true;
}

/**
 * The parent context an X-Ray trace header names (`_X_AMZN_TRACE_ID` in Lambda, the
 * `AWSTraceHeader` SQS system attribute): X-Ray ids are W3C-compatible, so OpenTelemetry spans
 * join the same trace the state machine and Powertools Tracer write. Undefined for a header
 * without Root and Parent.
 *
 * @example
 * contextFromXRayHeader("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
 */
export function contextFromXRayHeader(
  header: string | undefined,
  base: Context = ROOT_CONTEXT,
): Context | undefined {
  if (!header) return undefined;
  const parts = Object.fromEntries(header.split(";").map((kv) => kv.trim().split("=") as [string, string]));
  const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(parts.Root ?? "");
  const parent = parts.Parent ?? "";
  if (!root || !/^[0-9a-f]{16}$/.test(parent)) return undefined;
  const spanContext: SpanContext = {
    traceId: `${root[1]}${root[2]}`,
    spanId: parent,
    traceFlags: parts.Sampled === "0" ? TraceFlags.NONE : TraceFlags.SAMPLED,
    isRemote: true,
  };
  return trace.setSpanContext(base, spanContext);
}

const w3c = new W3CTraceContextPropagator();

/** SQS message attributes, as the SDK takes and returns them. */
export type MessageAttributes = Record<string, { DataType: string; StringValue?: string }>;

/**
 * The active trace context as SQS message attributes (`traceparent`, `tracestate`), so the
 * consumer's spans continue the producer's trace; a redrive that copies attributes keeps them,
 * and the redriven run links back to the original.
 *
 * @example
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageAttributes: traceAttributes() }));
 */
export function traceAttributes(ctx: Context = context.active()): MessageAttributes {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, {
    set: (c, k, v) => {
      c[k] = v;
    },
  });
  return Object.fromEntries(
    Object.entries(carrier).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
  );
}

/** The trace context carried in SQS message attributes, or undefined when there is none. */
export function contextFromAttributes(attributes: MessageAttributes | undefined): Context | undefined {
  if (!attributes?.traceparent?.StringValue) return undefined;
  const ctx = w3c.extract(ROOT_CONTEXT, attributes, {
    get: (c, k) => c[k]?.StringValue,
    keys: (c) => Object.keys(c),
  });
  return trace.getSpanContext(ctx) ? ctx : undefined;
}
