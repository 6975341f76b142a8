/**
 * `promtool test rules` cases for every alert of `rules.ts`, on synthetic series at one sample a
 * minute: each alert fires for a label set that breaks its threshold, stays quiet for one that
 * stays under it, and stops once the breach ends (for the burn rates: the long window still over
 * budget, the short one clean — what makes them multi-window).
 */
import { CATALOG, DEFAULT_THRESHOLDS, type MetricDefinition, prometheusName } from "#telemetry";
import { type AlertRule, alertRules, type BurnWindow, burnWindows } from "./rules.ts";

interface Series {
  readonly series: string;
  readonly values: string;
}

interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

export interface RuleTestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly Series[];
  readonly alert_rule_test: readonly AlertTest[];
}

export interface RuleTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly RuleTestGroup[];
}

const series = (m: MetricDefinition | string, labels: Record<string, string>, values: string): Series => ({
  series: `${typeof m === "string" ? m : prometheusName(m)}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`,
  values,
});

/** The alert as Prometheus would send it for these labels: `$labels` filled in. */
function expected(rule: AlertRule, labels: Record<string, string>) {
  const fill = (text: string) =>
    text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => labels[l] ?? "");
  return {
    exp_labels: { ...labels, severity: rule.labels.severity },
    exp_annotations: { summary: fill(rule.annotations.summary), runbook: rule.annotations.runbook },
  };
}

function ruleNamed(alert: string): AlertRule {
  const rule = alertRules().find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert rule ${alert}`);
  return rule;
}

/** Fires for `firing` at `fireAt`; nothing fires at `quietAt`. */
function cases(alert: string, firing: Record<string, string>, fireAt: string, quietAt: string): AlertTest[] {
  const rule = ruleNamed(alert);
  return [
    { eval_time: fireAt, alertname: alert, exp_alerts: [expected(rule, firing)] },
    { eval_time: quietAt, alertname: alert, exp_alerts: [] },
  ];
}

function failureRate(): RuleTestGroup {
  // bad: 10% failed for 20 minutes, then none; good: 2% (under 5%).
  const T = DEFAULT_THRESHOLDS.runFailureRate;
  if (T <= 0.02 || T >= 0.1) throw new Error("failure-rate test series assume a threshold in (2%, 10%)");
  return {
    name: "run failure rate",
    interval: "1m",
    input_series: [
      series(CATALOG.runsStarted, { workflow: "bad" }, "0+10x60"),
      series(CATALOG.runsFailed, { workflow: "bad" }, "0+1x20 20x40"),
      series(CATALOG.runsStarted, { workflow: "good" }, "0+10x60"),
      series(CATALOG.runsFailed, { workflow: "good" }, "0+0.2x60"),
    ],
    alert_rule_test: cases("SwitchyardRunFailureRate", { workflow: "bad" }, "20m", "59m"),
  };
}

function runDuration(): RuleTestGroup {
  // bad: every run between 10 and 30 minutes for 20 minutes, then no run; good: every run under 1 s.
  const b = `${prometheusName(CATALOG.runDuration)}_bucket`;
  const limit = String(DEFAULT_THRESHOLDS.p95RunDurationMs);
  return {
    name: "p95 run duration",
    interval: "1m",
    input_series: [
      series(b, { workflow: "bad", le: limit }, "0x40"),
      series(b, { workflow: "bad", le: "1800000" }, "0+1x20 20x20"),
      series(b, { workflow: "bad", le: "+Inf" }, "0+1x20 20x20"),
      series(b, { workflow: "good", le: "1000" }, "0+1x40"),
      series(b, { workflow: "good", le: limit }, "0+1x40"),
      series(b, { workflow: "good", le: "1800000" }, "0+1x40"),
      series(b, { workflow: "good", le: "+Inf" }, "0+1x40"),
    ],
    alert_rule_test: cases("SwitchyardRunDurationP95", { workflow: "bad" }, "20m", "40m"),
  };
}

function modelErrors(): RuleTestGroup {
  // bad: 20% errors for 20 minutes, then none; good: 5% (under 10%).
  const m = CATALOG.modelRequests;
  return {
    name: "model error rate",
    interval: "1m",
    input_series: [
      series(m, { model: "bad", status: "error" }, "0+2x20 40x20"),
      series(m, { model: "bad", status: "ok" }, "0+8x40"),
      series(m, { model: "good", status: "error" }, "0+0.5x40"),
      series(m, { model: "good", status: "ok" }, "0+9.5x40"),
    ],
    alert_rule_test: cases("SwitchyardModelErrorRate", { model: "bad" }, "20m", "40m"),
  };
}

function deadLetters(): RuleTestGroup {
  // One message dead-lettered at minute 3; the failed-runs queue stays empty.
  return {
    name: "dead letters",
    interval: "1m",
    input_series: [
      series(CATALOG.deadLetters, { queue: "requests-dlq" }, "0x2 1x12"),
      series(CATALOG.deadLetters, { queue: "failed-runs" }, "0x14"),
    ],
    alert_rule_test: cases("SwitchyardDeadLetters", { queue: "requests-dlq" }, "5m", "14m"),
  };
}

function deadlineHolds(): RuleTestGroup {
  // triage holds one break at minute 3; investigation holds none.
  return {
    name: "deadline holds",
    interval: "1m",
    input_series: [
      series(CATALOG.deadlineHolds, { workflow: "triage" }, "0x2 1x12"),
      series(CATALOG.deadlineHolds, { workflow: "investigation" }, "0x14"),
    ],
    alert_rule_test: cases("SwitchyardDeadlineHolds", { workflow: "triage" }, "5m", "14m"),
  };
}

const toMinutes = (w: string) => Number.parseInt(w, 10) * ({ m: 1, h: 60, d: 1440 }[w.at(-1) as "m"] ?? 1);

/**
 * One burn-rate alert, evaluated once its long window is full, one sample per `step` minutes:
 * `bad` fails 2% of its runs all along (over every tier's rate × 0.1%); `good` 0.05% (under the
 * slowest tier's 1×); `recovered` 5% until before its short window began, then none.
 */
function burn(b: BurnWindow, step: number): RuleTestGroup {
  const budget = 1 - DEFAULT_THRESHOLDS.sloTarget;
  if (b.rate * budget >= 0.02 || b.rate * budget <= 0.0005)
    throw new Error(`burn-rate test series assume 0.05% < ${b.rate}× budget < 2%`);
  const T = toMinutes(b.long) / step;
  const failing = T - Math.ceil((toMinutes(b.short) + 10) / step);
  const after = T - failing + 1;
  const per = (perMinute: number) => Number((perMinute * step).toPrecision(6));
  const w = (workflow: string) => ({ workflow });
  const alert = `SwitchyardErrorBudgetBurn${b.name}`;
  return {
    name: `error budget burn ${b.name} (${b.long} and ${b.short} at ${b.rate}×)`,
    interval: `${step}m`,
    input_series: [
      series(CATALOG.runsSucceeded, w("bad"), `0+${per(98)}x${T + 1}`),
      series(CATALOG.runsFailed, w("bad"), `0+${per(2)}x${T + 1}`),
      series(CATALOG.runsSucceeded, w("good"), `0+${per(99.95)}x${T + 1}`),
      series(CATALOG.runsFailed, w("good"), `0+${per(0.05)}x${T + 1}`),
      series(CATALOG.runsWaiting, w("good"), `0+${per(1)}x${T + 1}`),
      series(
        CATALOG.runsSucceeded,
        w("recovered"),
        `0+${per(95)}x${failing} ${per(95) * failing}+${per(100)}x${after}`,
      ),
      series(CATALOG.runsFailed, w("recovered"), `0+${per(5)}x${failing} ${per(5) * failing}x${after}`),
    ],
    alert_rule_test: [
      {
        eval_time: `${T * step}m`,
        alertname: alert,
        exp_alerts: [expected(ruleNamed(alert), w("bad"))],
      },
    ],
  };
}

/**
 * The minutes between samples (and rule evaluations) of a tier's test: one for windows up to
 * 6 h, ten for the day-long ticket windows, whose 1-minute test would take minutes to evaluate.
 */
export const stepOf = (b: BurnWindow) => (toMinutes(b.long) > 360 ? 10 : 1);

/**
 * The test files for `promtool test rules`, their rule file named relative to them: one per
 * evaluation interval (a test file has one).
 *
 * @example
 * ruleTests("switchyard.rules.yml").map((f) => f.tests.map((t) => t.name));
 */
export function ruleTests(ruleFile: string): RuleTestFile[] {
  const burns = burnWindows();
  const file = (step: number, tests: RuleTestGroup[]): RuleTestFile => ({
    rule_files: [ruleFile],
    evaluation_interval: `${step}m`,
    tests,
  });
  return [
    file(1, [
      failureRate(),
      runDuration(),
      modelErrors(),
      deadLetters(),
      deadlineHolds(),
      ...burns.filter((b) => stepOf(b) === 1).map((b) => burn(b, 1)),
    ]),
    file(
      10,
      burns.filter((b) => stepOf(b) === 10).map((b) => burn(b, 10)),
    ),
  ];
}
