import { Metrics as PowertoolsMetrics } from "@aws-lambda-powertools/metrics";
import type { DimensionsOf, MetricDefinition } from "./catalog.ts";
import { MetricDimensionsError } from "./errors.ts";

/** Somewhere emitted data points go: EMF, the Prometheus registry, a run's local capture. */
export interface MetricSink {
  record(metric: MetricDefinition, value: number, dimensions: Readonly<Record<string, string>>): void;
  flush?(): void;
}

export interface MetricsOptions {
  readonly sinks: readonly MetricSink[];
}

/**
 * The one `emit` every Switchyard metric goes through. It checks the dimensions against the
 * catalog (a wrong set is a bug, thrown so tests catch it) and hands the point to each sink.
 *
 * @example
 * const metrics = new Metrics({ sinks: [new PrometheusRegistry()] });
 * metrics.emit(CATALOG.toolCalls, 1, { Tool: "get_trade", Status: "ok" });
 */
export class Metrics {
  private readonly sinks: readonly MetricSink[];

  constructor(options: MetricsOptions) {
    this.sinks = options.sinks;
  }

  emit<M extends MetricDefinition>(metric: M, value: number, dimensions: DimensionsOf<M>): void {
    const dims = dimensions as Readonly<Record<string, string>>;
    if (!hasExactly(dims, metric.dimensions)) {
      throw new MetricDimensionsError(metric.name, metric.dimensions, Object.keys(dims));
    }
    for (const sink of this.sinks) sink.record(metric, value, dims);
  }

  /** Publishes what sinks buffer (EMF). Call before a Lambda returns. */
  flush(): void {
    for (const sink of this.sinks) sink.flush?.();
  }
}

/** Whether `dims` has exactly these keys (every emit checks it: no arrays, no closures). */
function hasExactly(dims: Readonly<Record<string, string>>, expected: readonly string[]): boolean {
  let count = 0;
  for (const key in dims) if (Object.hasOwn(dims, key)) count++;
  if (count !== expected.length) return false;
  for (const d of expected) if (!Object.hasOwn(dims, d)) return false;
  return true;
}

/**
 * A key naming one dimension set, in the order its keys were written: what sinks group points
 * by. Cheaper than `JSON.stringify` on the per-emit path; names and values are joined with
 * control characters no dimension name or value carries.
 */
export function dimensionsKey(dimensions: Readonly<Record<string, string>>): string {
  let key = "";
  for (const name in dimensions) key += `${name}\u0001${dimensions[name]}\u0000`;
  return key;
}

/**
 * CloudWatch Embedded Metric Format through Powertools Metrics: points are buffered and, at
 * flush, published as one EMF document per dimension set (EMF gives every metric in a
 * document the same dimensions). Powertools' default `service` dimension is cleared so the
 * published dimensions are exactly the catalog's, which the dashboard and alarms query.
 */
export class EmfSink implements MetricSink {
  private readonly powertools: PowertoolsMetrics;
  private readonly pending = new Map<string, { dims: Record<string, string>; points: Point[] }>();

  constructor(options: { namespace: string; serviceName: string }) {
    this.powertools = new PowertoolsMetrics({
      namespace: options.namespace,
      serviceName: options.serviceName,
    });
    this.powertools.clearDefaultDimensions();
  }

  record(metric: MetricDefinition, value: number, dimensions: Readonly<Record<string, string>>): void {
    const key = dimensionsKey(dimensions);
    let group = this.pending.get(key);
    if (!group) {
      group = { dims: { ...dimensions }, points: [] };
      this.pending.set(key, group);
    }
    group.points.push({ name: metric.name, unit: metric.unit, value });
  }

  flush(): void {
    for (const { dims, points } of this.pending.values()) {
      // EMF caps a document at 100 metrics × 100 values; a group of a handler call stays far below.
      this.powertools.addDimensions(dims);
      for (const p of points) this.powertools.addMetric(p.name, p.unit, p.value);
      this.powertools.publishStoredMetrics();
    }
    this.pending.clear();
  }
}

interface Point {
  readonly name: string;
  readonly unit: MetricDefinition["unit"];
  readonly value: number;
}

/** Keeps every point, in order: the local run capture behind the HTML report and tests. */
export class MemorySink implements MetricSink {
  readonly points: {
    metric: MetricDefinition;
    value: number;
    dimensions: Record<string, string>;
    at: number;
  }[] = [];

  record(metric: MetricDefinition, value: number, dimensions: Readonly<Record<string, string>>): void {
    this.points.push({ metric, value, dimensions: { ...dimensions }, at: Date.now() });
  }

  /** Sum of a metric's points whose dimensions include `match`. */
  sum(metric: MetricDefinition, match: Readonly<Record<string, string>> = {}): number {
    return this.points
      .filter((p) => p.metric === metric && Object.entries(match).every(([k, v]) => p.dimensions[k] === v))
      .reduce((total, p) => total + p.value, 0);
  }
}
