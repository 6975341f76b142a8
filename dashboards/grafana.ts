/**
 * Grafana dashboards rendered from the catalog's dashboard specs (`#telemetry` DASHBOARDS),
 * built with the typed builders of `@grafana/grafana-foundation-sdk` (a panel, query or
 * variable field Grafana does not know fails the type-check), in two variants: a CloudWatch
 * data source (EMF metrics, namespace `METRICS_NAMESPACE`, and the state machines' `AWS/States`
 * metrics for whole runs) and a Prometheus data source (the local `/metrics` endpoint, or Amazon
 * Managed Service for Prometheus fed over OTLP), which shows the catalog's own run metrics.
 * `generate.ts` writes the JSON files beside this one and a test keeps them current;
 * `npm run test:prometheus` runs every Prometheus panel's query against a real Prometheus.
 */
import * as cloudwatch from "@grafana/grafana-foundation-sdk/cloudwatch";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import {
  CATALOG,
  type CatalogPanel,
  DASHBOARDS,
  type DashboardSpec,
  type DataSource,
  DEFAULT_THRESHOLDS,
  type MetricDefinition,
  type PanelStat,
  panelsFor,
  prometheusLabel,
  prometheusName,
  STATES_METRICS,
  type StatesMetric,
  type StatesPanel,
} from "#telemetry";

export type { DataSource };

const REF = "ABCDEFGHIJ";
const CLOUDWATCH = { type: "cloudwatch", uid: "${datasource}" };
const PROMETHEUS = { type: "prometheus", uid: "${datasource}" };

/** A CloudWatch metric-search query (builder mode), of the catalog or of `AWS/States`. */
function cloudwatchQuery(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  stat: PanelStat,
  i: number,
) {
  return new cloudwatch.MetricsQueryBuilder()
    .refId(REF[i] as string)
    .datasource(CLOUDWATCH)
    .queryMode(cloudwatch.QueryMode.Metrics)
    .region("default")
    .namespace(namespace)
    .metricName(metricName)
    .dimensions(dimensions)
    .matchExact(true)
    .statistic(stat)
    .period("")
    .metricQueryType(cloudwatch.MetricQueryType.Search)
    .metricEditorMode(cloudwatch.MetricEditorMode.Builder)
    .label(`${metricName} ${stat} \${PROP('Dim.${Object.keys(dimensions).at(-1) ?? ""}')}`);
}

const cloudwatchTarget = (metric: MetricDefinition, stat: PanelStat, i: number) =>
  cloudwatchQuery(
    "${namespace}",
    metric.name,
    Object.fromEntries(metric.dimensions.map((d) => [d, d === "Workflow" ? "$workflow" : "*"])),
    stat,
    i,
  );

/** One state machine metric (`AWS/States`) of the state machines the `statemachine` variable picks. */
const statesTarget = (metric: StatesMetric, stat: PanelStat, i: number) =>
  cloudwatchQuery("AWS/States", metric.name, { StateMachineArn: "$statemachine" }, stat, i);

/**
 * The PromQL of one catalog metric and stat: counters as increases, gauges as their max,
 * histograms as quantiles of their buckets (max: the mean of the window's observations).
 */
export function promql(metric: MetricDefinition, stat: PanelStat): string {
  const name = prometheusName(metric);
  const by = metric.dimensions.map(prometheusLabel).join(", ");
  const filter = metric.dimensions.includes("Workflow") ? '{workflow=~"$workflow"}' : "";
  if (metric.kind === "counter") return `sum by (${by}) (increase(${name}${filter}[$__rate_interval]))`;
  if (metric.kind === "gauge") return `max by (${by}) (${name}${filter})`;
  if (stat === "Maximum")
    return `max by (${by}) (rate(${name}_sum${filter}[$__rate_interval]) / rate(${name}_count${filter}[$__rate_interval]))`;
  return `histogram_quantile(${stat === "p95" ? 0.95 : 0.5}, sum by (le, ${by}) (rate(${name}_bucket${filter}[$__rate_interval])))`;
}

function prometheusTarget(metric: MetricDefinition, stat: PanelStat, i: number) {
  const labels = metric.dimensions.map(prometheusLabel);
  return new prometheus.DataqueryBuilder()
    .refId(REF[i] as string)
    .datasource(PROMETHEUS)
    .expr(promql(metric, stat))
    .legendFormat(`${stat} ${labels.map((l) => `{{${l}}}`).join(" ")}`);
}

const gridPos = (id: number) => ({ h: 8, w: 12, x: ((id - 1) % 2) * 12, y: Math.floor((id - 1) / 2) * 8 });

/** A time series panel in the grid, its legend listing each series (one per label set). */
const timeseriesPanel = (id: number, title: string, description: string) =>
  new timeseries.PanelBuilder()
    .id(id)
    .title(title)
    .description(description)
    .gridPos(gridPos(id))
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    );

function catalogPanel(p: CatalogPanel, id: number, source: DataSource) {
  const stats =
    source === "prometheus" && p.metric.kind === "histogram" ? (["p50", "p95"] as PanelStat[]) : p.stats;
  const unit =
    p.metric.unit === "Milliseconds" ? "ms" : p.metric === CATALOG.estimatedCost ? "currencyUSD" : "short";
  return timeseriesPanel(id, p.metric.name, p.metric.description)
    .unit(unit)
    .targets(
      stats.map((s, i) =>
        source === "cloudwatch" ? cloudwatchTarget(p.metric, s, i) : prometheusTarget(p.metric, s, i),
      ),
    );
}

/** A panel of the picked state machines (`AWS/States`): each metric with each stat. CloudWatch only. */
function statesPanel(p: StatesPanel, id: number) {
  return timeseriesPanel(id, p.title, p.description)
    .unit(p.unit === "Milliseconds" ? "ms" : "short")
    .targets(p.metrics.flatMap((m, i) => p.stats.map((s, j) => statesTarget(m, s, i * p.stats.length + j))));
}

/**
 * The PromQL of the remaining 30-day error budget: failed ÷ ended runs (waiting runs count as
 * available), as the burn-rate rules count them. Absent series (no failure yet) count as 0.
 */
export function errorBudgetPromql(): string {
  const budget = 1 - DEFAULT_THRESHOLDS.sloTarget;
  const increase = (m: MetricDefinition) => `(sum(increase(${prometheusName(m)}[30d])) or vector(0))`;
  return `100 * (1 - (${increase(CATALOG.runsFailed)} / clamp_min(${increase(CATALOG.runsSucceeded)} + ${increase(CATALOG.runsFailed)} + ${increase(CATALOG.runsWaiting)}, 1)) / ${budget})`;
}

/**
 * The remaining 30-day error budget of the availability SLO. CloudWatch: executions of the
 * picked state machines (failed, timed out and aborted ÷ those plus succeeded, waiting runs
 * included). Prometheus: the catalog's counters ({@link errorBudgetPromql}).
 */
function errorBudgetPanel(id: number, source: DataSource) {
  const budget = 1 - DEFAULT_THRESHOLDS.sloTarget;
  const bad = ["failed", "timedOut", "aborted"] as const;
  const ended = ["succeeded", ...bad] as const;
  const total = (ids: readonly string[]) => ids.map((i) => `SUM(FILL(${i}, 0))`).join(" + ");
  const targets: cog.Builder<cog.Dataquery>[] =
    source === "cloudwatch"
      ? [
          ...ended.map((k, i) =>
            statesTarget(STATES_METRICS[k], "Sum", i).id(k).hide(true).period("2592000"),
          ),
          new cloudwatch.MetricsQueryBuilder()
            .refId(REF[ended.length] as string)
            .datasource(CLOUDWATCH)
            .queryMode(cloudwatch.QueryMode.Metrics)
            .region("default")
            .metricQueryType(cloudwatch.MetricQueryType.Search)
            .metricEditorMode(cloudwatch.MetricEditorMode.Code)
            .expression(`100 * (1 - ((${total(bad)}) / (${total(ended)})) / ${budget})`),
        ]
      : [new prometheus.DataqueryBuilder().refId("A").datasource(PROMETHEUS).expr(errorBudgetPromql())];
  return new stat.PanelBuilder()
    .id(id)
    .title(`Error budget remaining (SLO ${DEFAULT_THRESHOLDS.sloTarget * 100}% / 30 days)`)
    .gridPos({ h: 6, w: 24, x: 0, y: 100 })
    .unit("percent")
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { color: "red", value: null },
        { color: "orange", value: 25 },
        { color: "green", value: 50 },
      ]),
    )
    .targets(targets);
}

/** The `workflow` variable: the workflows that have started a run. */
function workflowVariable(source: DataSource) {
  const v = new dashboard.QueryVariableBuilder("workflow")
    .includeAll(true)
    .multi(true)
    .current({ text: "All", value: "$__all" });
  return source === "cloudwatch"
    ? v.datasource(CLOUDWATCH).query({
        queryType: "dimensionValues",
        namespace: "${namespace}",
        metricName: CATALOG.runsStarted.name,
        dimensionKey: "Workflow",
        region: "default",
      })
    : v
        .datasource(PROMETHEUS)
        .query(`label_values(${prometheusName(CATALOG.runsStarted)}, workflow)`)
        .allValue(".*");
}

/**
 * One Grafana dashboard for a spec and data source, as Grafana's own dashboard type.
 *
 * @example
 * writeFileSync("dashboards/overview.cloudwatch.json", JSON.stringify(grafanaDashboard(DASHBOARDS[0], "cloudwatch"), null, 2));
 */
export function grafanaDashboard(spec: DashboardSpec, source: DataSource): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(
    `${spec.title}${source === "prometheus" ? " (Prometheus)" : ""}`,
  )
    .uid(`switchyard-${spec.id}-${source}`)
    .description(spec.question)
    .tags(["switchyard", source])
    .time({ from: "now-24h", to: "now" })
    .refresh("1m")
    .withVariable(
      new dashboard.DatasourceVariableBuilder("datasource")
        .label(source === "cloudwatch" ? "CloudWatch" : "Prometheus")
        .type(source),
    );
  if (source === "cloudwatch")
    builder.withVariable(new dashboard.ConstantVariableBuilder("namespace").value("Switchyard"));
  builder.withVariable(workflowVariable(source));
  // The state machines of the picked workflows: `<prefix>-<workflow>`, prefix `switchyard-<stage>`.
  if (
    source === "cloudwatch" &&
    (spec.id === "overview" || spec.panels.some((p) => p.source === "AWS/States"))
  )
    builder.withVariable(
      new dashboard.QueryVariableBuilder("statemachine")
        .label("State machine")
        .datasource(CLOUDWATCH)
        .query({
          queryType: "dimensionValues",
          namespace: "AWS/States",
          metricName: STATES_METRICS.started.name,
          dimensionKey: "StateMachineArn",
          region: "default",
        })
        .regex("/:stateMachine:switchyard-.+-(?:${workflow:regex})$/")
        .includeAll(true)
        .multi(true)
        .current({ text: "All", value: "$__all" }),
    );
  const panels = panelsFor(spec, source);
  for (const [i, p] of panels.entries())
    builder.withPanel(p.source === "AWS/States" ? statesPanel(p, i + 1) : catalogPanel(p, i + 1, source));
  if (spec.id === "overview") builder.withPanel(errorBudgetPanel(panels.length + 1, source));
  return builder.build();
}

/** Every dashboard file: `<id>.<source>.json`. */
export function allDashboards(): { file: string; source: DataSource; json: dashboard.Dashboard }[] {
  return DASHBOARDS.flatMap((spec) =>
    (["cloudwatch", "prometheus"] as const).map((source) => ({
      file: `${spec.id}.${source}.json`,
      source,
      json: grafanaDashboard(spec, source),
    })),
  );
}
