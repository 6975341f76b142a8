import { ALL_METRICS, CATALOG, type MetricDefinition } from "./catalog.ts";

/** How a panel aggregates its metric: counters sum, histograms show percentiles, gauges the max. */
export type PanelStat = "Sum" | "p50" | "p95" | "Maximum";

export interface Panel {
  readonly title: string;
  readonly metric: MetricDefinition;
  readonly stats: readonly PanelStat[];
}

export interface DashboardSpec {
  readonly id: "overview" | "workflows" | "models-cost" | "reliability";
  readonly title: string;
  /** The question the dashboard answers (docs/monitoring.md lists them). */
  readonly question: string;
  readonly panels: readonly Panel[];
}

const statsOf = (m: MetricDefinition): PanelStat[] =>
  m.kind === "histogram" ? ["p50", "p95", "Maximum"] : m.kind === "gauge" ? ["Maximum"] : ["Sum"];

const panel = (m: MetricDefinition): Panel => ({
  title: `${m.name}: ${m.description}`,
  metric: m,
  stats: statsOf(m),
});
const group = (g: MetricDefinition["group"]) => ALL_METRICS.filter((m) => m.group === g).map(panel);

/**
 * The dashboards, derived from the catalog: the CloudWatch dashboard (CDK) and the Grafana
 * JSON in `dashboards/` are both rendered from these specs, and a test checks that every
 * catalog metric is on a panel and every panel's metric is in the catalog.
 *
 * @example
 * DASHBOARDS.find((d) => d.id === "models-cost")?.panels.map((p) => p.metric.name);
 */
export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    id: "overview",
    title: "Switchyard — overview",
    question: "Are runs succeeding, how many are in flight, and how much error budget is left?",
    panels: [
      CATALOG.runsStarted,
      CATALOG.runsSucceeded,
      CATALOG.runsFailed,
      CATALOG.runsWaiting,
      CATALOG.activeRuns,
    ].map(panel),
  },
  {
    id: "workflows",
    title: "Switchyard — per workflow",
    question: "Which workflow, superstep or node is slow, failing or retrying?",
    panels: [...group("runs").filter((p) => p.metric.kind === "histogram"), ...group("nodes")],
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
