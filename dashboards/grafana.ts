/**
 * Grafana dashboards rendered from the catalog's dashboard specs (`#telemetry` DASHBOARDS),
 * in two variants: a CloudWatch data source (EMF metrics, namespace `METRICS_NAMESPACE`) and a
 * Prometheus data source (the local `/metrics` endpoint, or Amazon Managed Service for
 * Prometheus fed over OTLP). `npm run switchyard -- …` never needs them; `generate.ts` writes
 * the JSON files beside this one and a test keeps them current.
 */
import {
  CATALOG,
  DASHBOARDS,
  type DashboardSpec,
  DEFAULT_THRESHOLDS,
  type MetricDefinition,
  type Panel,
  type PanelStat,
  prometheusLabel,
  prometheusName,
} from "#telemetry";

export type DataSource = "cloudwatch" | "prometheus";

const REF = "ABCDEFGHIJ";

function cloudwatchTarget(metric: MetricDefinition, stat: PanelStat, i: number) {
  return {
    refId: REF[i],
    datasource: { type: "cloudwatch", uid: "${datasource}" },
    region: "default",
    namespace: "${namespace}",
    metricName: metric.name,
    dimensions: Object.fromEntries(metric.dimensions.map((d) => [d, d === "Workflow" ? "$workflow" : "*"])),
    matchExact: true,
    statistic: stat,
    period: "",
    metricQueryType: 0,
    metricEditorMode: 0,
    label: `${metric.name} ${stat} \${PROP('Dim.${metric.dimensions.at(-1) ?? ""}')}`,
  };
}

function prometheusTarget(metric: MetricDefinition, stat: PanelStat, i: number) {
  const name = prometheusName(metric);
  const by = metric.dimensions.map(prometheusLabel).join(", ");
  const filter = metric.dimensions.includes("Workflow") ? '{workflow=~"$workflow"}' : "";
  const expr =
    metric.kind === "counter"
      ? `sum by (${by}) (increase(${name}${filter}[$__rate_interval]))`
      : metric.kind === "gauge"
        ? `max by (${by}) (${name}${filter})`
        : stat === "Maximum"
          ? `max by (${by}) (rate(${name}_sum${filter}[$__rate_interval]) / rate(${name}_count${filter}[$__rate_interval]))`
          : `histogram_quantile(${stat === "p95" ? 0.95 : 0.5}, sum by (le, ${by}) (rate(${name}_bucket${filter}[$__rate_interval])))`;
  return {
    refId: REF[i],
    datasource: { type: "prometheus", uid: "${datasource}" },
    expr,
    legendFormat: `${stat} {{${by.split(", ").join("}} {{")}}}`,
  };
}

function panelJson(p: Panel, id: number, source: DataSource) {
  const stats =
    source === "prometheus" && p.metric.kind === "histogram" ? (["p50", "p95"] as PanelStat[]) : p.stats;
  return {
    id,
    type: "timeseries",
    title: p.metric.name,
    description: p.metric.description,
    gridPos: { h: 8, w: 12, x: ((id - 1) % 2) * 12, y: Math.floor((id - 1) / 2) * 8 },
    fieldConfig: {
      defaults: {
        unit:
          p.metric.unit === "Milliseconds"
            ? "ms"
            : p.metric === CATALOG.estimatedCost
              ? "currencyUSD"
              : "short",
      },
      overrides: [],
    },
    targets: stats.map((s, i) =>
      source === "cloudwatch" ? cloudwatchTarget(p.metric, s, i) : prometheusTarget(p.metric, s, i),
    ),
    // Read by the dashboards test: the catalog metric this panel shows.
    switchyardMetric: p.metric.name,
  };
}

/** The remaining 30-day error budget of the availability SLO (succeeded or waiting ÷ ended). */
function errorBudgetPanel(id: number, source: DataSource) {
  const budget = 1 - DEFAULT_THRESHOLDS.sloTarget;
  const targets =
    source === "cloudwatch"
      ? [
          { ...cloudwatchTarget(CATALOG.runsFailed, "Sum", 0), id: "failed", hide: true, period: "2592000" },
          {
            ...cloudwatchTarget(CATALOG.runsStarted, "Sum", 1),
            id: "started",
            hide: true,
            period: "2592000",
          },
          {
            refId: "C",
            datasource: { type: "cloudwatch", uid: "${datasource}" },
            region: "default",
            metricQueryType: 0,
            metricEditorMode: 1,
            expression: `100 * (1 - (SUM(failed) / SUM(started)) / ${budget})`,
          },
        ]
      : [
          {
            refId: "A",
            datasource: { type: "prometheus", uid: "${datasource}" },
            expr: `100 * (1 - (sum(increase(${prometheusName(CATALOG.runsFailed)}[30d])) / sum(increase(${prometheusName(CATALOG.runsStarted)}[30d]))) / ${budget})`,
          },
        ];
  return {
    id,
    type: "stat",
    title: `Error budget remaining (SLO ${DEFAULT_THRESHOLDS.sloTarget * 100}% / 30 days)`,
    gridPos: { h: 6, w: 24, x: 0, y: 100 },
    fieldConfig: {
      defaults: {
        unit: "percent",
        thresholds: {
          mode: "absolute",
          steps: [
            { color: "red", value: null },
            { color: "orange", value: 25 },
            { color: "green", value: 50 },
          ],
        },
      },
      overrides: [],
    },
    targets,
    switchyardMetric: [CATALOG.runsFailed.name, CATALOG.runsStarted.name],
  };
}

/**
 * One Grafana dashboard (schema 39) for a spec and data source.
 *
 * @example
 * writeFileSync("dashboards/overview.cloudwatch.json", JSON.stringify(grafanaDashboard(DASHBOARDS[0], "cloudwatch"), null, 2));
 */
export function grafanaDashboard(spec: DashboardSpec, source: DataSource) {
  const panels: object[] = spec.panels.map((p, i) => panelJson(p, i + 1, source));
  if (spec.id === "overview") panels.push(errorBudgetPanel(panels.length + 1, source));
  const datasource = {
    name: "datasource",
    type: "datasource",
    query: source,
    label: source === "cloudwatch" ? "CloudWatch" : "Prometheus",
  };
  const variables: object[] = [datasource];
  if (source === "cloudwatch")
    variables.push({ name: "namespace", type: "constant", query: "Switchyard", hide: 2 });
  variables.push(
    source === "cloudwatch"
      ? {
          name: "workflow",
          type: "query",
          datasource: { type: "cloudwatch", uid: "${datasource}" },
          query: {
            queryType: "dimensionValues",
            namespace: "${namespace}",
            metricName: CATALOG.runsStarted.name,
            dimensionKey: "Workflow",
            region: "default",
          },
          includeAll: true,
          multi: true,
          current: { text: "All", value: "$__all" },
        }
      : {
          name: "workflow",
          type: "query",
          datasource: { type: "prometheus", uid: "${datasource}" },
          query: `label_values(${prometheusName(CATALOG.runsStarted)}, workflow)`,
          includeAll: true,
          multi: true,
          allValue: ".*",
          current: { text: "All", value: "$__all" },
        },
  );
  return {
    uid: `switchyard-${spec.id}-${source}`,
    title: `${spec.title}${source === "prometheus" ? " (Prometheus)" : ""}`,
    description: spec.question,
    tags: ["switchyard", source],
    schemaVersion: 39,
    time: { from: "now-24h", to: "now" },
    refresh: "1m",
    templating: { list: variables },
    panels,
  };
}

/** Every dashboard file: `<id>.<source>.json`. */
export function allDashboards(): { file: string; json: ReturnType<typeof grafanaDashboard> }[] {
  return DASHBOARDS.flatMap((spec) =>
    (["cloudwatch", "prometheus"] as const).map((source) => ({
      file: `${spec.id}.${source}.json`,
      json: grafanaDashboard(spec, source),
    })),
  );
}
