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

/**
 * An OTLP/HTTP span exporter to `url`, loaded on construction.
 *
 * @example
 * new BatchSpanProcessor({ exporter: deferredOtlpSpanExporter("http://127.0.0.1:4318/v1/traces") });
 */
export function deferredOtlpSpanExporter(url: string): SpanExporter {
  traceExporterModule ??= import("@opentelemetry/exporter-trace-otlp-http");
  const exporter = traceExporterModule.then(
    (m) => new m.OTLPTraceExporter({ url, httpAgentOptions: sharedAgent }),
  );
  // A failed load surfaces in export and flush, not as an unhandled rejection.
  exporter.catch(() => undefined);
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      exporter.then(
        (e) => e.export(spans, done),
        (error: Error) => done({ code: EXPORT_FAILED, error }),
      );
    },
    shutdown: () => exporter.then((e) => e.shutdown()),
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
