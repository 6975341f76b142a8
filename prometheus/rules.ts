/**
 * Prometheus recording and alert rules generated from the metric catalog and the alarm
 * thresholds (`#telemetry` CATALOG, DEFAULT_THRESHOLDS), beside the CloudWatch alarms of the
 * CDK observability construct: run failure rate, p95 run duration, model error rate, dead
 * letters, and the 99.9% availability SLO as multi-window, multi-burn-rate alerts.
 *
 * Where CloudWatch reads `AWS/States` for whole runs, these read the catalog's own run counters
 * (exact locally and with `per-graph` hosting; see `docs/monitoring.md`). `generate.ts` writes
 * `switchyard.rules.yml` and its `promtool test rules` file; a unit test keeps both current.
 */
import {
  type AlarmThresholds,
  CATALOG,
  DEFAULT_THRESHOLDS,
  type MetricDefinition,
  prometheusName,
} from "#telemetry";

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: { readonly severity: "page" | "ticket" };
  /** Templated only with `$labels` (never `$value`), so rule tests can state them exactly. */
  readonly annotations: { readonly summary: string; readonly runbook: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly (RecordingRule | AlertRule)[];
}

/** One burn-rate alert: the error ratio above `rate` × budget over both windows. */
export interface BurnWindow {
  readonly name: string;
  readonly rate: number;
  readonly long: string;
  readonly short: string;
  readonly severity: "page" | "ticket";
}

const name = (m: MetricDefinition) => prometheusName(m);
const minutes = (m: number) => (m % 60 === 0 ? (m % 1440 === 0 ? `${m / 1440}d` : `${m / 60}h`) : `${m}m`);

/**
 * The burn-rate windows: the two paging pairs the CloudWatch alarms also use (thresholds.ts),
 * and the two ticket pairs of the same multi-window scheme (3× over 1 d / 2 h, 1× over 3 d /
 * 6 h) that catch a slow leak of the budget; CloudWatch only pages.
 */
export function burnWindows(t: AlarmThresholds = DEFAULT_THRESHOLDS): BurnWindow[] {
  const { fast, slow } = t.burnRates;
  return [
    {
      name: "Fast",
      rate: fast.rate,
      long: minutes(fast.longMinutes),
      short: minutes(fast.shortMinutes),
      severity: "page",
    },
    {
      name: "Slow",
      rate: slow.rate,
      long: minutes(slow.longMinutes),
      short: minutes(slow.shortMinutes),
      severity: "page",
    },
    { name: "Leak", rate: 3, long: "1d", short: "2h", severity: "ticket" },
    { name: "Drift", rate: 1, long: "3d", short: "6h", severity: "ticket" },
  ];
}

/** The recorded error ratio of a workflow's runs over a window: failed ÷ ended (waiting runs are good). */
export const errorRatio = (window: string) => `workflow:switchyard_run_errors:ratio_rate${window}`;

/**
 * Failed ÷ ended runs per workflow over a window; no series while a workflow has not failed.
 * Each outcome's rate is labelled before the sum: rates of several counters with one label set
 * would collide once `rate` drops their names, and `+` would drop a workflow missing one outcome.
 */
function errorRatioExpr(window: string): string {
  const outcomes = [
    ["succeeded", CATALOG.runsSucceeded],
    ["failed", CATALOG.runsFailed],
    ["waiting", CATALOG.runsWaiting],
  ] as const;
  const ended = outcomes
    .map(([o, m]) => `label_replace(rate(${name(m)}[${window}]), "outcome", "${o}", "workflow", ".*")`)
    .join("\n  or ");
  return `sum by (workflow) (rate(${name(CATALOG.runsFailed)}[${window}]))\n/\nsum by (workflow) (\n  ${ended}\n)`;
}

const RUNBOOK = "docs/troubleshooting.md";

/**
 * The rule groups of `switchyard.rules.yml`.
 *
 * @example
 * ruleGroups().flatMap((g) => g.rules).filter((r) => "alert" in r).map((r) => r.alert);
 */
export function ruleGroups(t: AlarmThresholds = DEFAULT_THRESHOLDS): RuleGroup[] {
  const budget = Number((1 - t.sloTarget).toPrecision(6));
  const burns = burnWindows(t);
  const windows = [...new Set(burns.flatMap((b) => [b.short, b.long]))];
  const p95 = `workflow:${name(CATALOG.runDuration)}:p95_rate15m`;
  // Each alert sits in the group that records what it reads, after it: rules of one group run in
  // order, groups in no set order, and an alert read before its ratio was recorded at the same
  // instant would see the last evaluation's (gone when evaluations are further apart than 5 minutes).
  return [
    {
      name: "switchyard-slo",
      rules: [
        ...windows.map((w) => ({ record: errorRatio(w), expr: errorRatioExpr(w) })),
        ...burns.map((b) => ({
          alert: `SwitchyardErrorBudgetBurn${b.name}`,
          expr:
            `${errorRatio(b.long)} > ${Number((b.rate * budget).toPrecision(6))}\n` +
            `and\n${errorRatio(b.short)} > ${Number((b.rate * budget).toPrecision(6))}`,
          labels: { severity: b.severity },
          annotations: {
            summary: `{{ $labels.workflow }} burns its ${t.sloTarget * 100}% SLO budget at over ${b.rate}× (${b.long} and ${b.short})`,
            runbook: `${RUNBOOK}#slo-burn`,
          },
        })),
      ],
    },
    {
      name: "switchyard-runs-models-dead-letters",
      rules: [
        {
          record: "workflow:switchyard_runs_failed:ratio_increase15m",
          expr:
            `sum by (workflow) (increase(${name(CATALOG.runsFailed)}[15m]))\n` +
            `/\nsum by (workflow) (increase(${name(CATALOG.runsStarted)}[15m]))`,
        },
        {
          record: p95,
          expr: `histogram_quantile(0.95, sum by (le, workflow) (rate(${name(CATALOG.runDuration)}_bucket[15m])))`,
        },
        {
          record: "model:switchyard_model_requests_errors:ratio_rate15m",
          expr:
            `sum by (model) (rate(${name(CATALOG.modelRequests)}{status="error"}[15m]))\n` +
            `/\nsum by (model) (rate(${name(CATALOG.modelRequests)}[15m]))`,
        },
        {
          alert: "SwitchyardRunFailureRate",
          expr: `workflow:switchyard_runs_failed:ratio_increase15m > ${t.runFailureRate}`,
          labels: { severity: "page" },
          annotations: {
            summary: `Over ${t.runFailureRate * 100}% of {{ $labels.workflow }} runs failed in 15 minutes`,
            runbook: `${RUNBOOK}#runs-failing`,
          },
        },
        {
          alert: "SwitchyardRunDurationP95",
          expr: `${p95} > ${t.p95RunDurationMs}`,
          labels: { severity: "page" },
          annotations: {
            summary: `p95 duration of {{ $labels.workflow }} runs over ${t.p95RunDurationMs / 60_000} minutes`,
            runbook: `${RUNBOOK}#runs-slow`,
          },
        },
        {
          alert: "SwitchyardModelErrorRate",
          expr: `model:switchyard_model_requests_errors:ratio_rate15m > ${t.modelErrorRate}`,
          labels: { severity: "page" },
          annotations: {
            summary: `Over ${t.modelErrorRate * 100}% of {{ $labels.model }} requests failed in 15 minutes`,
            runbook: `${RUNBOOK}#model-errors`,
          },
        },
        {
          alert: "SwitchyardDeadLetters",
          expr: `sum by (queue) (increase(${name(CATALOG.deadLetters)}[5m])) > 0`,
          labels: { severity: "page" },
          annotations: {
            summary: "A message landed in {{ $labels.queue }}",
            runbook: `${RUNBOOK}#dead-letters`,
          },
        },
        {
          alert: "SwitchyardDeadlineHolds",
          expr: `sum by (workflow) (increase(${name(CATALOG.deadlineHolds)}[5m])) > 0`,
          labels: { severity: "page" },
          annotations: {
            summary: "{{ $labels.workflow }} held work before its settlement cut-off: fix it by hand now",
            runbook: `${RUNBOOK}#deadline-holds`,
          },
        },
      ],
    },
  ];
}

/** Every alert rule, in file order. */
export const alertRules = (t: AlarmThresholds = DEFAULT_THRESHOLDS): AlertRule[] =>
  ruleGroups(t).flatMap((g) => g.rules.filter((r): r is AlertRule => "alert" in r));
