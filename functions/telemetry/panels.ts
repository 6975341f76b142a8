import { ALL_METRICS, CATALOG, type MetricDefinition, type MetricUnit } from "./catalog.ts";

/** How a panel aggregates its metric: counters sum, histograms show percentiles, gauges the max. */
export type PanelStat = "Sum" | "p50" | "p95" | "Maximum";

/** Where a dashboard reads: CloudWatch (EMF and `AWS/States`) or Prometheus (the catalog only). */
export type DataSource = "cloudwatch" | "prometheus";

/**
 * The metrics Step Functions publishes for every state machine (namespace `AWS/States`,
 * dimension `StateMachineArn`) that Switchyard reads: on AWS they are the run-level figures,
 * whatever the hosting. The ids are those of the CDK methods (`stateMachine.metricFailed()` …).
 * Waiting runs end in a `Succeed` state, so they count as succeeded here.
 */
export const STATES_METRICS = {
  started: { id: "started", name: "ExecutionsStarted", unit: "Count" },
  succeeded: { id: "succeeded", name: "ExecutionsSucceeded", unit: "Count" },
  failed: { id: "failed", name: "ExecutionsFailed", unit: "Count" },
  timedOut: { id: "timedOut", name: "ExecutionsTimedOut", unit: "Count" },
  aborted: { id: "aborted", name: "ExecutionsAborted", unit: "Count" },
  time: { id: "time", name: "ExecutionTime", unit: "Milliseconds" },
} as const satisfies Record<string, { id: string; name: string; unit: MetricUnit }>;

export type StatesMetricId = keyof typeof STATES_METRICS;
export type StatesMetric = (typeof STATES_METRICS)[StatesMetricId];

/** A panel of one catalog metric (namespace `METRICS_NAMESPACE` or its Prometheus name). */
export interface CatalogPanel {
  readonly source: "catalog";
  readonly title: string;
  readonly metric: MetricDefinition;
  readonly stats: readonly PanelStat[];
}

/** A panel of the workflows' state machines (`AWS/States`): CloudWatch only, one per workflow. */
export interface StatesPanel {
  readonly source: "AWS/States";
  readonly title: string;
  readonly description: string;
  readonly unit: MetricUnit;
  /** Each metric is drawn with each stat. */
  readonly metrics: readonly StatesMetric[];
  readonly stats: readonly PanelStat[];
}

export type Panel = CatalogPanel | StatesPanel;

export interface DashboardSpec {
  readonly id: "overview" | "workflows" | "models-cost" | "reliability";
  readonly title: string;
  /** The question the dashboard answers (docs/monitoring.md lists them). */
  readonly question: string;
  readonly panels: readonly Panel[];
}

const statsOf = (m: MetricDefinition): PanelStat[] =>
  m.kind === "histogram" ? ["p50", "p95", "Maximum"] : m.kind === "gauge" ? ["Maximum"] : ["Sum"];

const panel = (m: MetricDefinition): CatalogPanel => ({
  source: "catalog",
  title: `${m.name}: ${m.description}`,
  metric: m,
  stats: statsOf(m),
});
const group = (g: MetricDefinition["group"]) => ALL_METRICS.filter((m) => m.group === g).map(panel);

const S = STATES_METRICS;
const runsByOutcome: StatesPanel = {
  source: "AWS/States",
  title: "Runs by outcome",
  description:
    "Executions of the workflow's state machine started, succeeded (waiting runs included), failed, timed out and aborted.",
  unit: "Count",
  metrics: [S.started, S.succeeded, S.failed, S.timedOut, S.aborted],
  stats: ["Sum"],
};
const runDuration: StatesPanel = {
  source: "AWS/States",
  title: "Run duration",
  description:
    "ExecutionTime of the workflow's state machine: from StartExecution to its end (waiting included).",
  unit: "Milliseconds",
  metrics: [S.time],
  stats: ["p50", "p95"],
};

/**
 * The dashboards, derived from the catalog: the CloudWatch dashboard (CDK) and the Grafana
 * JSON in `dashboards/` are both rendered from these specs (through {@link panelsFor}), and a
 * test checks that every catalog metric is on a panel, every panel's metric is in the catalog,
 * and every `AWS/States` panel names a metric Step Functions publishes.
 *
 * @example
 * DASHBOARDS.find((d) => d.id === "models-cost")?.panels.map((p) => p.title);
 */
export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    id: "overview",
    title: "Switchyard — overview",
    question: "Are runs succeeding, how many are in flight, and how much error budget is left?",
    panels: [
      runsByOutcome,
      ...[
        CATALOG.runsStarted,
        CATALOG.runsSucceeded,
        CATALOG.runsFailed,
        CATALOG.runsWaiting,
        CATALOG.activeRuns,
      ].map(panel),
    ],
  },
  {
    id: "workflows",
    title: "Switchyard — per workflow",
    question: "Which workflow, superstep or node is slow, failing or retrying?",
    panels: [runDuration, ...group("runs").filter((p) => p.metric.kind === "histogram"), ...group("nodes")],
  },
  {
    id: "models-cost",
    title: "Switchyard — models and cost",
    question: "Which models and tools are called, how fast, how often they fail, and what runs cost?",
    panels: [...group("models"), ...group("cost")],
  },
  {
    id: "reliability",
    title: "Switchyard — reliability",
    question: "Is anything dead-lettered, being redriven, slow to recover, or alerting?",
    panels: group("reliability"),
  },
];

/**
 * The panels of a dashboard for one data source. CloudWatch shows the `AWS/States` panels in
 * place of the catalog's `local` metrics (on AWS no process sees a whole `per-node` run);
 * Prometheus, which has no `AWS/States`, shows the catalog's own, exact locally and in `per-graph` hosting.
 *
 * @example
 * panelsFor(DASHBOARDS[0], "cloudwatch").map((p) => p.title); // ["Runs by outcome", "RunsWaiting: …"]
 */
export function panelsFor(spec: DashboardSpec, source: DataSource): Panel[] {
  return spec.panels.filter((p) =>
    p.source === "AWS/States"
      ? source === "cloudwatch"
      : source === "prometheus" || p.metric.scope === "engine",
  );
}
