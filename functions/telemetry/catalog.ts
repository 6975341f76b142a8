/**
 * The ONE list of Switchyard's metrics: name, unit, dimensions, kind and meaning. Code emits
 * only through these definitions (`emit(CATALOG.runsStarted, 1, { Workflow })`), and the
 * CloudWatch dashboard, the Grafana JSON, the alarms and `docs/monitoring.md` are generated
 * from or checked against it, so none of them can name a metric that does not exist.
 *
 * Names are CloudWatch names (EMF, namespace `METRICS_NAMESPACE`); the Prometheus name is
 * derived (`switchyard_` + snake case + unit suffix), and `otel` names the OpenTelemetry
 * GenAI metric a definition mirrors.
 *
 * Whole-run figures (runs started and ended, run duration, active runs) are `scope: "local"`:
 * on AWS they come from Step Functions' own `AWS/States` metrics (`STATES_METRICS` in
 * `panels.ts`), because with `per-node` hosting no single process sees a whole run.
 */

/** CloudWatch units the catalog uses (a subset of Powertools' `MetricUnit`). */
export type MetricUnit = "Count" | "Milliseconds" | "None";

/** Counter: summed. Histogram: a distribution (p50/p95/max). Gauge: the latest value. */
export type MetricKind = "counter" | "histogram" | "gauge";

/** Every dimension any metric may carry; low cardinality by design (no thread or run ids). */
export type Dimension =
  | "Workflow"
  | "Node"
  | "Model"
  | "Provider"
  | "Status"
  | "TokenType"
  | "Tool"
  | "Queue"
  | "Channel"
  | "Reason"
  | "Bucket";

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly kind: MetricKind;
  readonly dimensions: readonly Dimension[];
  /** What one data point means, in a sentence an on-call engineer can act on. */
  readonly description: string;
  /** The OpenTelemetry semantic-convention metric this one mirrors, if any. */
  readonly otel?: string;
  /** Which dashboard group shows it (`dashboards/*`). */
  readonly group: "runs" | "nodes" | "models" | "reliability" | "cost";
  /**
   * `engine`: only the engine knows it, and it holds wherever the engine runs: on every
   * dashboard, and alarms may read it. `local`: a whole-run figure the engine gets right only
   * where one process sees the whole run (local runners, `per-graph` hosting); with `per-node`
   * hosting no Lambda does, and timeouts, aborts and crashed Lambdas never reach the engine. On
   * AWS the CloudWatch dashboards and the alarms read the state machine's `AWS/States` metrics
   * instead; the metric stays on the Prometheus dashboards (`panelsFor`).
   */
  readonly scope: MetricScope;
}

/** Where a metric's figure can be trusted: see {@link MetricDefinition.scope}. */
export type MetricScope = "engine" | "local";

const define = <const T extends Record<string, MetricDefinition>>(catalog: T): T => catalog;

export const CATALOG = define({
  runsStarted: {
    name: "RunsStarted",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow"],
    description: "A run began (new input, resume or recover planned its first superstep).",
    group: "runs",
    scope: "local",
  },
  runsSucceeded: {
    name: "RunsSucceeded",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow"],
    description: "A run reached the end of its graph.",
    group: "runs",
    scope: "local",
  },
  runsFailed: {
    name: "RunsFailed",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow"],
    description: "A run ended failed (a node exhausted its retries, or the engine refused a payload).",
    group: "runs",
    scope: "local",
  },
  runsWaiting: {
    name: "RunsWaiting",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow"],
    description: "A run stopped at an interrupt, waiting for a human (counts as available for the SLO).",
    group: "runs",
    scope: "engine",
  },
  runDuration: {
    name: "RunDuration",
    unit: "Milliseconds",
    kind: "histogram",
    dimensions: ["Workflow"],
    description: "Wall time from a run's first plan to its end (succeeded, failed or waiting).",
    group: "runs",
    scope: "local",
  },
  activeRuns: {
    name: "ActiveRuns",
    unit: "Count",
    kind: "gauge",
    dimensions: ["Workflow"],
    description: "Runs this process has seen start and not yet end.",
    group: "runs",
    scope: "local",
  },
  superstepDuration: {
    name: "SuperstepDuration",
    unit: "Milliseconds",
    kind: "histogram",
    dimensions: ["Workflow"],
    description: "Wall time of one superstep: from the plan that scheduled its tasks to the next plan.",
    group: "runs",
    scope: "engine",
  },
  nodeDuration: {
    name: "NodeDuration",
    unit: "Milliseconds",
    kind: "histogram",
    dimensions: ["Workflow", "Node"],
    description: "Wall time of one node task (one attempt).",
    group: "nodes",
    scope: "engine",
  },
  nodeRetries: {
    name: "NodeRetries",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow", "Node"],
    description: "A node task started again after a failed attempt (LangGraph retry policy or ASL Retry).",
    group: "nodes",
    scope: "engine",
  },
  nodeErrors: {
    name: "NodeErrors",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow", "Node"],
    description: "A node task attempt threw.",
    group: "nodes",
    scope: "engine",
  },
  modelRequests: {
    name: "ModelRequests",
    unit: "Count",
    kind: "counter",
    dimensions: ["Model", "Status"],
    description: "One chat-model call ended, Status ok or error.",
    group: "models",
    scope: "engine",
  },
  modelLatency: {
    name: "ModelLatency",
    unit: "Milliseconds",
    kind: "histogram",
    dimensions: ["Model"],
    description: "Duration of one chat-model call.",
    otel: "gen_ai.client.operation.duration",
    group: "models",
    scope: "engine",
  },
  tokenUsage: {
    name: "TokenUsage",
    unit: "Count",
    kind: "counter",
    dimensions: ["Model", "TokenType"],
    description: "Tokens a model call used, TokenType input or output (the offline model estimates).",
    otel: "gen_ai.client.token.usage",
    group: "models",
    scope: "engine",
  },
  toolCalls: {
    name: "ToolCalls",
    unit: "Count",
    kind: "counter",
    dimensions: ["Tool", "Status"],
    description: "One tool call ended, Status ok or error.",
    group: "models",
    scope: "engine",
  },
  deadLetters: {
    name: "DeadLetters",
    unit: "Count",
    kind: "counter",
    dimensions: ["Queue"],
    description: "A message landed in a dead-letter store (requests DLQ or failed-runs queue).",
    group: "reliability",
    scope: "engine",
  },
  redrives: {
    name: "Redrives",
    unit: "Count",
    kind: "counter",
    dimensions: ["Queue"],
    description: "A dead-lettered message or failed run was sent back to be run again.",
    group: "reliability",
    scope: "engine",
  },
  recoveryTime: {
    name: "RecoveryTime",
    unit: "Milliseconds",
    kind: "histogram",
    dimensions: ["Workflow"],
    description: "Time from a run's failure to the successful end of the run that recovered it.",
    group: "reliability",
    scope: "engine",
  },
  alertsSent: {
    name: "AlertsSent",
    unit: "Count",
    kind: "counter",
    dimensions: ["Channel"],
    description: "An alert was published (SNS alerts topic or another channel).",
    group: "reliability",
    scope: "engine",
  },
  alertsSuppressed: {
    name: "AlertsSuppressed",
    unit: "Count",
    kind: "counter",
    dimensions: ["Channel", "Reason"],
    description: "An alert was not sent (deduplicated or rate-limited), with why.",
    group: "reliability",
    scope: "engine",
  },
  deadlineHolds: {
    name: "DeadlineHolds",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow"],
    description:
      "Work was held and escalated because another retry would end past its settlement cut-off: someone must fix it by hand now.",
    group: "reliability",
    scope: "engine",
  },
  exceptionsByTimeToCutoff: {
    name: "ExceptionsByTimeToCutoff",
    unit: "Count",
    kind: "counter",
    dimensions: ["Workflow", "Bucket"],
    description:
      "Exceptions a run handed to people, by time left to their settlement cut-off when it did (past, under_1h, 1h_to_4h, 4h_to_24h, over_24h, unknown).",
    group: "reliability",
    scope: "engine",
  },
  estimatedCost: {
    name: "EstimatedCost",
    unit: "None",
    kind: "counter",
    dimensions: ["Workflow"],
    description:
      "Estimated US dollars spent (tokens × the price table + AWS requests); Sum ÷ RunsStarted is cost per run.",
    group: "cost",
    scope: "engine",
  },
});

export type MetricId = keyof typeof CATALOG;
export type CatalogMetric = (typeof CATALOG)[MetricId];

/** Dimension values for a metric: exactly the dimensions its definition lists. */
export type DimensionsOf<M extends MetricDefinition> = { readonly [D in M["dimensions"][number]]: string };

/** Every definition, in catalog order. */
export const ALL_METRICS: readonly MetricDefinition[] = Object.values(CATALOG);

/**
 * The Prometheus name of a metric: `switchyard_` + snake case, `_total` for counters and the
 * unit for milliseconds, as the Prometheus naming guide asks.
 *
 * @example
 * prometheusName(CATALOG.runsStarted); // "switchyard_runs_started_total"
 * prometheusName(CATALOG.nodeDuration); // "switchyard_node_duration_milliseconds"
 */
export function prometheusName(metric: MetricDefinition): string {
  const snake = metric.name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  const unit = metric.unit === "Milliseconds" ? "_milliseconds" : "";
  const usd = metric === CATALOG.estimatedCost ? "_usd" : "";
  return `switchyard_${snake}${unit}${usd}${metric.kind === "counter" ? "_total" : ""}`;
}

/** Prometheus label of a dimension: snake case (`TokenType` → `token_type`). */
export function prometheusLabel(dimension: string): string {
  return dimension.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The definition with this CloudWatch name, or undefined. */
export function metricNamed(name: string): MetricDefinition | undefined {
  return ALL_METRICS.find((m) => m.name === name);
}
