import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import type { EngineObserver } from "#engine";
import { TelemetryCallbackHandler, type TelemetryCallbackOptions } from "./callbacks.ts";
import type { TelemetryCore } from "./core.ts";
import { createLogger, type TelemetryLogger } from "./logger.ts";
import { EmfSink, MemorySink, type MetricSink, Metrics } from "./metrics.ts";
import { createTelemetryObserver } from "./observer.ts";
import { deferredOtlpMetricsSink } from "./otlp-deferred.ts";
import type { PrometheusRegistry } from "./prometheus.ts";
import { RunRegistry } from "./runs.ts";
import { createTracing, type Tracing } from "./tracer.ts";

export interface TelemetryOptions {
  readonly serviceName?: string;
  /** CloudWatch namespace of EMF metrics (`METRICS_NAMESPACE`). */
  readonly namespace?: string;
  /** Publish EMF to stdout (in Lambda); locally metrics stay in the registry and the capture. */
  readonly emf?: boolean;
  /** Also feed this Prometheus registry (`/metrics`). */
  readonly prometheus?: PrometheusRegistry;
  /** OTLP/HTTP endpoint for spans (`OTEL_EXPORTER_OTLP_ENDPOINT`); none: no export. */
  readonly otlpEndpoint?: string;
  /** OTLP/HTTP URL for metrics (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, e.g. a collector writing to AMP); none: no export. */
  readonly otlpMetricsUrl?: string;
  /** Keep metrics, spans and logs in memory: the local report and `inspect --trace`. */
  readonly capture?: boolean;
  readonly logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  readonly logSampleRate?: number;
  readonly redactFields?: readonly string[];
  readonly defaultWorkflow?: string;
  readonly remoteParent?: () => Context | undefined;
}

/** What a local run captured: every metric point, finished span and log line. */
export interface Capture {
  readonly metrics: MemorySink;
  readonly logs: Record<string, unknown>[];
  spans(): readonly ReadableSpan[];
}

/**
 * What a runner passes the engine for telemetry: an observer. `callbacks` is never set by
 * `hooks()` any more (spans come from the observer too); it stays in the type so runners that
 * spread `hooks.callbacks` beside their own handlers keep compiling.
 */
export interface TelemetryHooks {
  readonly observer: EngineObserver;
  readonly callbacks?: BaseCallbackHandler[];
}

/**
 * One process's telemetry: metrics (EMF / Prometheus / capture), OpenTelemetry spans, the
 * logger, and the engine hooks built on them. A runner takes `hooks()`: the engine's observer
 * counts runs, supersteps, nodes, model and tool calls from facts the engine and the agents
 * already have, and, when spans are exported or captured, writes the GenAI spans from the same
 * facts. No LangChain callback handler is attached, exporting or not: LangChain then builds no
 * run tree for the workflow's steps. A Lambda awaits `flush()` before returning: EMF points are
 * buffered and published once per invocation, spans exported in one batch.
 *
 * @example
 * const telemetry = createTelemetry({ capture: true });
 * const result = await runInProcessWith(triage, {}, { saver, ...telemetry.hooks({ rootIsRun: true, workflow: "triage" }) });
 * await telemetry.flush();
 * telemetry.capture?.spans().map((s) => s.name); // ["execute_tool search_breaks", …, "invoke_workflow triage"]
 */
export interface Telemetry {
  readonly core: TelemetryCore;
  readonly metrics: Metrics;
  readonly logger: TelemetryLogger;
  readonly tracing: Tracing;
  /** Plans only (runs, supersteps, AWS cost): the observer to pair with `callbacks()`. */
  readonly observer: EngineObserver;
  readonly capture?: Capture;
  /** Whether spans go anywhere (OTLP or the capture): otherwise the tracer is a no-op. */
  readonly spans: boolean;
  /**
   * The hooks of a runner: the observer (no callback handler). `options` are what the callback
   * handler took; the observer learns the run and its workflow from the engine, so they are
   * accepted and not needed.
   */
  hooks(options?: Omit<TelemetryCallbackOptions, "metrics">): TelemetryHooks;
  /**
   * A callback handler that counts everything it sees itself (every node attempt included), to
   * use with `observer` rather than `hooks()`; it costs LangChain's callback machinery even when
   * nothing exports.
   */
  callbacks(options: TelemetryCallbackOptions): TelemetryCallbackHandler;
  /** Publishes EMF and exports buffered spans. */
  flush(): Promise<void>;
}

export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const serviceName = options.serviceName ?? "switchyard";
  const memory = options.capture ? new MemorySink() : undefined;
  const logs: Record<string, unknown>[] = [];
  const sinks: MetricSink[] = [];
  if (options.emf) sinks.push(new EmfSink({ namespace: options.namespace ?? "Switchyard", serviceName }));
  if (options.prometheus) sinks.push(options.prometheus);
  if (memory) sinks.push(memory);
  const otlpMetrics = options.otlpMetricsUrl
    ? deferredOtlpMetricsSink({ url: options.otlpMetricsUrl, serviceName })
    : undefined;
  if (otlpMetrics) sinks.push(otlpMetrics);
  const metrics = new Metrics({ sinks });
  const tracing = createTracing({
    serviceName,
    ...(options.otlpEndpoint ? { otlpEndpoint: options.otlpEndpoint } : {}),
    ...(options.capture ? { capture: true } : {}),
  });
  const logger = createLogger({
    serviceName,
    level: options.logLevel ?? "INFO",
    ...(options.logSampleRate === undefined ? {} : { sampleRate: options.logSampleRate }),
    ...(options.redactFields ? { redactFields: options.redactFields } : {}),
    ...(options.capture ? { capture: (line) => logs.push(line) } : {}),
  });
  const core: TelemetryCore = {
    metrics,
    tracer: tracing.tracer,
    logger,
    runs: new RunRegistry(),
    ...(options.defaultWorkflow ? { defaultWorkflow: options.defaultWorkflow } : {}),
    ...(options.remoteParent ? { remoteParent: options.remoteParent } : {}),
  };
  const spans = Boolean(options.otlpEndpoint || options.capture);
  // One observer for every runner of the process: it keeps no per-invocation state but the
  // retried tasks of per-node hosting, which outlive an invocation, and a task's calls until
  // the task ends.
  const counting = createTelemetryObserver(core, { calls: true, spans });
  return {
    core,
    metrics,
    logger,
    tracing,
    observer: createTelemetryObserver(core),
    ...(memory ? { capture: { metrics: memory, logs, spans: () => tracing.finishedSpans() } } : {}),
    spans,
    hooks: () => ({ observer: counting }),
    callbacks: (callbackOptions) => new TelemetryCallbackHandler(core, callbackOptions),
    async flush() {
      metrics.flush();
      await Promise.all([tracing.flush(), otlpMetrics?.forceFlush()]);
    },
  };
}
