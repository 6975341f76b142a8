import { ALL_METRICS, type MetricDefinition, prometheusLabel, prometheusName } from "./catalog.ts";
import { dimensionsKey, type MetricSink } from "./metrics.ts";

/**
 * Histogram buckets in milliseconds: from a tool lookup (ms) to a long run (minutes). A latency
 * alert's threshold must be a bound, else its p95 cannot pass it (`prometheus/rules.ts`).
 */
export const BUCKETS_MS = [
  5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000,
];

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
  count: number;
  buckets: number[];
}

/**
 * The catalog's metrics in the Prometheus text exposition format (version 0.0.4), fed by the
 * same `emit` calls as EMF: counters add, gauges keep the latest value, histograms bucket in
 * milliseconds. Every catalog metric is listed (HELP and TYPE) even before its first sample,
 * so a scrape shows what exists.
 *
 * @example
 * const registry = new PrometheusRegistry();
 * const metrics = new Metrics({ sinks: [registry] });
 * metrics.emit(CATALOG.runsStarted, 1, { Workflow: "triage" });
 * registry.render(); // "# TYPE switchyard_runs_started_total counter\nswitchyard_runs_started_total{workflow=\"triage\"} 1\n…"
 */
export class PrometheusRegistry implements MetricSink {
  private readonly series = new Map<string, Map<string, Series>>();

  record(metric: MetricDefinition, value: number, dimensions: Readonly<Record<string, string>>): void {
    let byLabels = this.series.get(metric.name);
    if (!byLabels) {
      byLabels = new Map();
      this.series.set(metric.name, byLabels);
    }
    // Labels are derived once per series; every later point is one key and one map lookup.
    const key = dimensionsKey(dimensions);
    let s = byLabels.get(key);
    if (!s) {
      s = { labels: labelsOf(dimensions), value: 0, count: 0, buckets: new Array(BUCKETS_MS.length).fill(0) };
      byLabels.set(key, s);
    }
    if (metric.kind === "gauge") s.value = value;
    else s.value += value;
    s.count++;
    if (metric.kind === "histogram") {
      for (let i = 0; i < BUCKETS_MS.length; i++) {
        if (value <= (BUCKETS_MS[i] as number)) (s.buckets[i] as number)++;
      }
    }
  }

  /** The current value of a counter or gauge series (tests, the local report). */
  value(metric: MetricDefinition, dimensions: Readonly<Record<string, string>>): number | undefined {
    return this.series.get(metric.name)?.get(dimensionsKey(dimensions))?.value;
  }

  /** The exposition text a `/metrics` endpoint serves (`text/plain; version=0.0.4`). */
  render(): string {
    const lines: string[] = [];
    for (const metric of ALL_METRICS) {
      const name = prometheusName(metric);
      const type = metric.kind === "histogram" ? "histogram" : metric.kind;
      lines.push(`# HELP ${name} ${escapeHelp(metric.description)}`, `# TYPE ${name} ${type}`);
      for (const s of this.series.get(metric.name)?.values() ?? []) {
        if (metric.kind !== "histogram") {
          lines.push(`${name}${labelText(s.labels)} ${s.value}`);
          continue;
        }
        const base = name;
        BUCKETS_MS.forEach((le, i) => {
          lines.push(`${base}_bucket${labelText({ ...s.labels, le: String(le) })} ${s.buckets[i]}`);
        });
        lines.push(`${base}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
        lines.push(
          `${base}_sum${labelText(s.labels)} ${s.value}`,
          `${base}_count${labelText(s.labels)} ${s.count}`,
        );
      }
    }
    return `${lines.join("\n")}\n`;
  }

  /** Forgets every sample (tests). */
  reset(): void {
    this.series.clear();
  }
}

const LABELS = new Map<string, string>();

/** A dimension's Prometheus label, converted once per name. */
export function labelOf(dimension: string): string {
  let label = LABELS.get(dimension);
  if (label === undefined) {
    label = prometheusLabel(dimension);
    LABELS.set(dimension, label);
  }
  return label;
}

function labelsOf(dimensions: Readonly<Record<string, string>>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const name in dimensions) labels[labelOf(name)] = dimensions[name] as string;
  return labels;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}
