import type { Attributes, Counter, Gauge, Histogram } from "@opentelemetry/api";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { type MetricDefinition, prometheusName } from "./catalog.ts";
import { dimensionsKey, type MetricSink } from "./metrics.ts";
import { labelOf } from "./prometheus.ts";

type Instrument = Counter | Histogram | Gauge;

/**
 * The catalog's metrics as OpenTelemetry metrics over OTLP/HTTP, for a Prometheus-compatible
 * store: point `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` at an ADOT collector (or any OTLP
 * receiver) that remote-writes to Amazon Managed Service for Prometheus. Instruments carry the
 * Prometheus names (without `_total`, which Prometheus adds to counters) and snake-case labels,
 * so the Prometheus Grafana dashboards read AMP and the local `/metrics` alike.
 *
 * @example
 * const sink = new OtlpMetricsSink({ url: "http://127.0.0.1:4318/v1/metrics", serviceName: "switchyard" });
 * new Metrics({ sinks: [sink] }).emit(CATALOG.runsStarted, 1, { Workflow: "triage" });
 * await sink.forceFlush();
 */
export class OtlpMetricsSink implements MetricSink {
  private readonly provider: MeterProvider;
  private readonly instruments = new Map<string, Instrument>();
  private readonly attributes = new Map<string, Attributes>();

  constructor(options: { url: string; serviceName: string; exportIntervalMs?: number }) {
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ "service.name": options.serviceName }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: options.url }),
          exportIntervalMillis: options.exportIntervalMs ?? 60_000,
        }),
      ],
    });
  }

  record(metric: MetricDefinition, value: number, dimensions: Readonly<Record<string, string>>): void {
    // One attributes object per dimension set, reused: the SDK keys its series by them anyway.
    const key = dimensionsKey(dimensions);
    let attributes = this.attributes.get(key);
    if (!attributes) {
      attributes = {};
      for (const name in dimensions) attributes[labelOf(name)] = dimensions[name];
      this.attributes.set(key, attributes);
    }
    const instrument = this.instrument(metric);
    if ("add" in instrument) instrument.add(value, attributes);
    else instrument.record(value, attributes);
  }

  private instrument(metric: MetricDefinition): Instrument {
    let instrument = this.instruments.get(metric.name);
    if (instrument) return instrument;
    const meter = this.provider.getMeter("switchyard");
    const name = prometheusName(metric).replace(/_total$/, "");
    const options = { description: metric.description, unit: metric.unit === "Milliseconds" ? "ms" : "1" };
    instrument =
      metric.kind === "counter"
        ? meter.createCounter(name, options)
        : metric.kind === "gauge"
          ? meter.createGauge(name, options)
          : meter.createHistogram(name, options);
    this.instruments.set(metric.name, instrument);
    return instrument;
  }

  /** Exports now (a Lambda awaits it before returning). */
  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }
}
