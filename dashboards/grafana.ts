/**
 * Grafana dashboards rendered from the catalog's dashboard specs (`#telemetry` DASHBOARDS),
 * in two variants: a CloudWatch data source (EMF metrics, namespace `METRICS_NAMESPACE`, and
 * the state machines' `AWS/States` metrics for whole runs) and a Prometheus data source (the
 * local `/metrics` endpoint, or Amazon Managed Service for Prometheus fed over OTLP), which
 * shows the catalog's own run metrics. `npm run switchyard -- …` never needs them;
 * `generate.ts` writes the JSON files beside this one and a test keeps them current.
 */
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

/** One state machine metric (`AWS/States`) of the state machines the `statemachine` variable picks. */
function statesTarget(metric: StatesMetric, stat: PanelStat, i: number) {
  return {
    refId: REF[i],
    datasource: CLOUDWATCH,
    region: "default",
    namespace: "AWS/States",
    metricName: metric.name,
    dimensions: { StateMachineArn: "$statemachine" },
    matchExact: true,
    statistic: stat,
    period: "",
    metricQueryType: 0,
    metricEditorMode: 0,
    label: `${metric.name} ${stat} \${PROP('Dim.StateMachineArn')}`,
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

const gridPos = (id: number) => ({ h: 8, w: 12, x: ((id - 1) % 2) * 12, y: Math.floor((id - 1) / 2) * 8 });

function panelJson(p: CatalogPanel, id: number, source: DataSource) {
  const stats =
    source === "prometheus" && p.metric.kind === "histogram" ? (["p50", "p95"] as PanelStat[]) : p.stats;
  return {
    id,
    type: "timeseries",
    title: p.metric.name,
    description: p.metric.description,
    gridPos: gridPos(id),
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

/** A panel of the picked state machines (`AWS/States`): each metric with each stat. CloudWatch only. */
function statesPanelJson(p: StatesPanel, id: number) {
  return {
    id,
    type: "timeseries",
    title: p.title,
    description: p.description,
    gridPos: gridPos(id),
    fieldConfig: { defaults: { unit: p.unit === "Milliseconds" ? "ms" : "short" }, overrides: [] },
    targets: p.metrics.flatMap((m, i) => p.stats.map((s, j) => statesTarget(m, s, i * p.stats.length + j))),
    // Read by the dashboards test: the AWS/States metrics this panel shows.
    statesMetric: p.metrics.map((m) => m.name),
  };
}

/**
 * The remaining 30-day error budget of the availability SLO: bad ÷ ended runs, as the burn-rate
 * alarms count them. CloudWatch: executions of the picked state machines (failed, timed out and
 * aborted ÷ those plus succeeded, waiting runs included). Prometheus: the catalog's counters.
 */
function errorBudgetPanel(id: number, source: DataSource) {
  const budget = 1 - DEFAULT_THRESHOLDS.sloTarget;
  const S = STATES_METRICS;
  const hidden = { hide: true, period: "2592000" };
  const bad = ["failed", "timedOut", "aborted"] as const;
  const ended = ["succeeded", ...bad] as const;
  const total = (ids: readonly string[]) => ids.map((i) => `SUM(FILL(${i}, 0))`).join(" + ");
  // Absent series (no failure yet) count as 0, not as "no data".
  const increase = (m: MetricDefinition) => `(sum(increase(${prometheusName(m)}[30d])) or vector(0))`;
  const targets =
    source === "cloudwatch"
      ? [
          ...ended.map((k, i) => ({ ...statesTarget(S[k], "Sum", i), id: k, ...hidden })),
          {
            refId: REF[ended.length],
            datasource: CLOUDWATCH,
            region: "default",
            metricQueryType: 0,
            metricEditorMode: 1,
            expression: `100 * (1 - ((${total(bad)}) / (${total(ended)})) / ${budget})`,
          },
        ]
      : [
          {
            refId: "A",
            datasource: { type: "prometheus", uid: "${datasource}" },
            expr: `100 * (1 - (${increase(CATALOG.runsFailed)} / clamp_min(${increase(CATALOG.runsSucceeded)} + ${increase(CATALOG.runsFailed)} + ${increase(CATALOG.runsWaiting)}, 1)) / ${budget})`,
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
    ...(source === "cloudwatch"
      ? { statesMetric: ended.map((k) => S[k].name) }
      : {
          switchyardMetric: [CATALOG.runsFailed.name, CATALOG.runsSucceeded.name, CATALOG.runsWaiting.name],
        }),
  };
}

/**
 * One Grafana dashboard (schema 39) for a spec and data source.
 *
 * @example
 * writeFileSync("dashboards/overview.cloudwatch.json", JSON.stringify(grafanaDashboard(DASHBOARDS[0], "cloudwatch"), null, 2));
 */
export function grafanaDashboard(spec: DashboardSpec, source: DataSource) {
  const panels: object[] = panelsFor(spec, source).map((p, i) =>
    p.source === "AWS/States" ? statesPanelJson(p, i + 1) : panelJson(p, i + 1, source),
  );
  if (spec.id === "overview") panels.push(errorBudgetPanel(panels.length + 1, source));
  const readsStates =
    source === "cloudwatch" && (spec.id === "overview" || spec.panels.some((p) => p.source === "AWS/States"));
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
  // The state machines of the picked workflows: `<prefix>-<workflow>`, prefix `switchyard-<stage>`.
  if (readsStates)
    variables.push({
      name: "statemachine",
      label: "State machine",
      type: "query",
      datasource: CLOUDWATCH,
      query: {
        queryType: "dimensionValues",
        namespace: "AWS/States",
        metricName: STATES_METRICS.started.name,
        dimensionKey: "StateMachineArn",
        region: "default",
      },
      regex: "/:stateMachine:switchyard-.+-(?:${workflow:regex})$/",
      includeAll: true,
      multi: true,
      current: { text: "All", value: "$__all" },
    });
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
