import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import type { MetricDefinition } from "./catalog.ts";
import type { MetricSink } from "./metrics.ts";

/**
 * The OTLP exporters behind `import()`: a Lambda bundle (lib/bundling) keeps the OTLP/HTTP
 * exporters and the metrics SDK in chunks of their own, read only when an endpoint is configured,
 * so a function that exports nothing never loads them. Loading starts when telemetry is built
 * (cold start), and nothing recorded meanwhile is lost: spans wait in the batch processor,
 * metric points here, until the module is in.
 */

/** ExportResultCode.FAILED of @opentelemetry/core, without loading it for one constant. */
const EXPORT_FAILED = 1;

/**
 * Each module is imported once per process: an `import()` of a module already in still runs the
 * loader's resolution (and, under a loader hook, a round trip to its thread) at every build of
 * telemetry, and a process may build several (the telemetry bench builds one per run).
 */
let traceExporterModule: Promise<typeof import("@opentelemetry/exporter-trace-otlp-http")> | undefined;
let metricsSinkModule: Promise<typeof import("./otlp-metrics.ts")> | undefined;

type Agent = import("node:http").Agent;
const agents = new Map<string, Promise<Agent>>();

/**
 * One keep-alive agent per protocol for every span exporter of the process (the exporter's own
 * default is a keep-alive agent per exporter): a telemetry built after another reuses its
 * connection to the collector, as a warm Lambda's invocations reuse theirs, instead of
 * connecting again. Loaded with `import()`, as the exporter's own factory does.
 */
function sharedAgent(protocol: string): Promise<Agent> {
  let agent = agents.get(protocol);
  if (!agent) {
    agent = (protocol === "http:" ? import("node:http") : import("node:https")).then(
      (m) => new m.Agent({ keepAlive: true }),
    );
    agents.set(protocol, agent);
  }
  return agent;
}

type TraceExporter = import("@opentelemetry/exporter-trace-otlp-http").OTLPTraceExporter;
const traceExporters = new Map<string, Promise<TraceExporter>>();

/**
 * One OTLP/HTTP span exporter per collector URL for every telemetry of the process, as the agent
 * above: the exporter's transport resolves its `node:http` request function with an `import()`
 * at its first export (a loader round trip under a loader hook), and a fresh exporter per
 * telemetry paid it again in every run that exported (bench/telemetry.bench.ts builds a
 * telemetry per run). The exporter holds no state of a telemetry's: its settings come from the
 * URL and the standard `OTEL_EXPORTER_OTLP_*` variables, read when the first one is built.
 */
function sharedTraceExporter(url: string): Promise<TraceExporter> {
  let exporter = traceExporters.get(url);
  if (!exporter) {
    traceExporterModule ??= import("@opentelemetry/exporter-trace-otlp-http");
    exporter = traceExporterModule.then(
      (m) => new m.OTLPTraceExporter({ url, httpAgentOptions: sharedAgent }),
    );
    traceExporters.set(url, exporter);
  }
  return exporter;
}

/**
 * An OTLP/HTTP span exporter to `url`, loaded on construction (see {@link sharedTraceExporter}).
 * Its shutdown flushes the shared exporter and leaves it open: a later telemetry of the process
 * exports through it (a telemetry's processor refuses spans once shut down all the same).
 *
 * @example
 * new BatchSpanProcessor({ exporter: deferredOtlpSpanExporter("http://127.0.0.1:4318/v1/traces") });
 */
export function deferredOtlpSpanExporter(url: string): SpanExporter {
  const exporter = sharedTraceExporter(url);
  // A failed load surfaces in export and flush, not as an unhandled rejection.
  exporter.catch(() => undefined);
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      exporter.then(
        (e) => e.export(spans, done),
        (error: Error) => done({ code: EXPORT_FAILED, error }),
      );
    },
    shutdown: () => exporter.then((e) => e.forceFlush()),
    forceFlush: () => exporter.then((e) => e.forceFlush()),
  };
}

/** A metric sink whose flush a Lambda awaits before returning. */
export interface FlushableSink extends MetricSink {
  forceFlush(): Promise<void>;
}

/**
 * {@link OtlpMetricsSink} (the metrics SDK and its OTLP exporter), loaded on construction; points
 * recorded before it is in are kept and handed over in order.
 *
 * @example
 * const sink = deferredOtlpMetricsSink({ url: "http://127.0.0.1:4318/v1/metrics", serviceName: "switchyard" });
 */
export function deferredOtlpMetricsSink(options: {
  url: string;
  serviceName: string;
  exportIntervalMs?: number;
}): FlushableSink {
  let sink: MetricSink | undefined;
  const waiting: Parameters<MetricSink["record"]>[] = [];
  metricsSinkModule ??= import("./otlp-metrics.ts");
  const loaded = metricsSinkModule.then((m) => {
    const real = new m.OtlpMetricsSink(options);
    for (const point of waiting.splice(0)) real.record(...point);
    sink = real;
    return real;
  });
  loaded.catch(() => undefined);
  return {
    record(metric: MetricDefinition, value: number, dimensions: Readonly<Record<string, string>>): void {
      if (sink) sink.record(metric, value, dimensions);
      else waiting.push([metric, value, dimensions]);
    },
    forceFlush: () => loaded.then((real) => real.forceFlush()),
  };
}
