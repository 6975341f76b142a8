import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { ALL_METRICS, DEFAULT_THRESHOLDS, LOG_EVENTS } from "#telemetry";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";
import { agentWorkflow } from "./telemetry-fixture.ts";

const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};

let app: App;
let template: Template;
/** The ops stack: the stage's alarms (model error rate, dead letters) live there, once per stage. */
let ops: Template;
beforeAll(() => {
  app = new App({ context: { ...cdkJson.context, stage: "obs" } });
  const { workflows, ops: opsStack } = defineSwitchyard(app, {
    workflows: { "agent-demo": agentWorkflow() },
    entryFor: () => "functions/handlers/health.ts",
  });
  const own = workflows["agent-demo"];
  if (!own) throw new Error("no workflow stack");
  template = Template.fromStack(own);
  ops = Template.fromStack(opsStack);
});

const alarmsWith = (text: string, from: Template = template) =>
  Object.values(from.findResources("AWS::CloudWatch::Alarm")).filter((a) =>
    String((a as { Properties: { AlarmDescription?: string } }).Properties.AlarmDescription).includes(text),
  );

interface AlarmMetric {
  Namespace: string;
  MetricName: string;
  Dimensions: unknown[];
}
interface AlarmProps extends Partial<AlarmMetric> {
  AlarmDescription: string;
  Threshold: number;
  ExtendedStatistic?: string;
  Metrics?: { MetricStat?: { Metric: AlarmMetric } }[];
}
const props = (a: unknown) => (a as { Properties: AlarmProps }).Properties;
/** The metrics an alarm reads: its own, or those its math uses. */
const metricsOf = (a: AlarmProps): AlarmMetric[] =>
  a.Metrics
    ? a.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []))
    : [{ Namespace: a.Namespace ?? "", MetricName: a.MetricName ?? "", Dimensions: a.Dimensions ?? [] }];
/** The workflow's state machine, as a metric dimension: `StateMachineArn` = its Ref (the ARN). */
const stateMachineArn = () => {
  const [id] = Object.keys(template.findResources("AWS::StepFunctions::StateMachine"));
  return [{ Name: "StateMachineArn", Value: { Ref: id } }];
};
const expectStatesMetrics = (alarms: unknown[], names: string[]) => {
  expect(alarms.length).toBeGreaterThan(0);
  for (const a of alarms.map(props)) {
    const metrics = metricsOf(a);
    expect(metrics.map((m) => m.MetricName).sort(), a.AlarmDescription).toEqual([...names].sort());
    for (const m of metrics) {
      expect(m.Namespace, a.AlarmDescription).toBe("AWS/States");
      expect(m.Dimensions, a.AlarmDescription).toEqual(stateMachineArn());
    }
  }
};

/** The dashboard body's `AWS/States` series: metric name, its StateMachineArn dimension, stat and period (s). */
function dashboardStatesSeries(): { name: string; dimension: unknown; stat: string; period: number }[] {
  const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
  const body = (dashboard as { Properties: { DashboardBody: { "Fn::Join": [string, unknown[]] } } })
    .Properties.DashboardBody["Fn::Join"][1];
  const series: { name: string; dimension: unknown; stat: string; period: number }[] = [];
  body.forEach((part, i) => {
    const m = typeof part === "string" ? /"AWS\/States","(\w+)","StateMachineArn","$/.exec(part) : null;
    const options = /^",(\{[^}]*\})/.exec(String(body[i + 2]))?.[1] ?? "{}";
    const { stat = "", period = 300 } = JSON.parse(options) as { stat?: string; period?: number };
    if (m?.[1]) series.push({ name: m[1], dimension: body[i + 1], stat, period });
  });
  return series;
}

describe("the observability construct", () => {
  it("builds a dashboard showing every engine-scope catalog metric and the error budget", () => {
    const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(
      (dashboard as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody,
    );
    for (const m of ALL_METRICS) {
      const searched = `MetricName=\\\\\\"${m.name}\\\\\\"`;
      if (m.scope === "engine") expect(body, m.name).toContain(searched);
      else expect(body, `${m.name} is local: AWS/States instead`).not.toContain(searched);
    }
    expect(body).toContain("Error budget remaining");
  });

  it("shows runs by outcome, run duration p50/p95 and the error budget from the state machine's AWS/States metrics", () => {
    const series = dashboardStatesSeries();
    for (const s of series) expect(s.dimension, s.name).toEqual(stateMachineArn()[0]?.Value);
    const shown = (name: string) => series.filter((s) => s.name === name).map((s) => s.stat);
    for (const name of ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"])
      expect(shown(name), name).toContain("Sum");
    expect(shown("ExecutionTime")).toEqual(["p50", "p95"]);
    // The error budget: 30-day sums of the workflow's ended executions, behind its expression.
    const budget = series.filter((s) => s.period === 30 * 24 * 3600);
    expect(budget.map((s) => `${s.name} ${s.stat}`).sort()).toEqual([
      "ExecutionsAborted Sum",
      "ExecutionsFailed Sum",
      "ExecutionsSucceeded Sum",
      "ExecutionsTimedOut Sum",
    ]);
  });

  it("alarms on failure rate, p95 duration, state-machine failures, deadline holds, Lambda errors, models and dead letters, to the alerts topic", () => {
    expect(alarmsWith("of runs failed")).toHaveLength(1);
    expect(alarmsWith("p95 run duration")).toHaveLength(1);
    expect(alarmsWith("executions failed")).toHaveLength(1);
    expect(alarmsWith("Lambda errors or throttles").length).toBeGreaterThanOrEqual(4);
    const holds = alarmsWith("held before its settlement cut-off").map(props);
    expect(holds).toHaveLength(1);
    expect(holds.flatMap(metricsOf)).toEqual([
      expect.objectContaining({ MetricName: "DeadlineHolds", Namespace: "Switchyard" }),
    ]);
    expect(alarmsWith("requests failed", ops)).toHaveLength(1);
    // Dead letters: one depth alarm per store (test/unit/alarms-dead-letters.test.ts), none on `DeadLetters`.
    expect(alarmsWith("dead-lettered", ops)).toHaveLength(0);
    expect(alarmsWith("switchyard redrive --list", ops)).toHaveLength(1);
    // Every alarm but the burn-rate windows (their composites notify) goes to the alerts topic.
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(
      (a) => (a as { Properties: { AlarmDescription: string; AlarmActions?: unknown[] } }).Properties,
    );
    for (const a of alarms.filter((x) => !x.AlarmDescription.startsWith("SLO burn"))) {
      expect(JSON.stringify(a.AlarmActions), a.AlarmDescription).toMatch(/AlertsTopic/);
    }
  });

  it("bases run failure rate, p95 run duration and SLO burn on the state machine's AWS/States metrics", () => {
    expectStatesMetrics(alarmsWith("of runs failed"), [
      "ExecutionsStarted",
      "ExecutionsFailed",
      "ExecutionsTimedOut",
      "ExecutionsAborted",
    ]);
    expectStatesMetrics(alarmsWith("p95 run duration"), ["ExecutionTime"]);
    expectStatesMetrics(alarmsWith("SLO burn of"), [
      "ExecutionsSucceeded",
      "ExecutionsFailed",
      "ExecutionsTimedOut",
      "ExecutionsAborted",
    ]);
    const [rate] = alarmsWith("of runs failed").map(props);
    const [p95] = alarmsWith("p95 run duration").map(props);
    expect(rate?.Threshold).toBe(DEFAULT_THRESHOLDS.runFailureRate);
    expect(p95?.Threshold).toBe(DEFAULT_THRESHOLDS.p95RunDurationMs);
    expect(p95?.ExtendedStatistic).toBe("p95");
    // No alarm reads the catalog's run metrics: with per-node hosting no process sees a whole run.
    const all = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(props);
    for (const a of all) {
      for (const m of metricsOf(a))
        if (m.Namespace === "Switchyard")
          expect(ALL_METRICS.find((d) => d.name === m.MetricName)?.scope, m.MetricName).toBe("engine");
      // CloudWatch's cap on an alarm's metric math.
      expect((a.Metrics ?? []).length, a.AlarmDescription).toBeLessThanOrEqual(10);
    }
  });

  it("pages on fast and slow SLO burn only when both windows burn", () => {
    const composites = template.findResources("AWS::CloudWatch::CompositeAlarm");
    expect(Object.keys(composites)).toHaveLength(2);
    for (const c of Object.values(composites)) {
      const rule = JSON.stringify((c as { Properties: { AlarmRule: unknown } }).Properties.AlarmRule);
      expect(rule).toMatch(/ALARM\(.*\) AND ALARM\(/);
      expect((c as { Properties: { AlarmActions?: unknown[] } }).Properties.AlarmActions).toHaveLength(1);
    }
    expect(alarmsWith("14.4× the budget")).toHaveLength(2);
    expect(alarmsWith("6× the budget")).toHaveLength(2);
  });

  it("saves the four Logs Insights queries over the functions' log groups", () => {
    const queries = Object.values(template.findResources("AWS::Logs::QueryDefinition")).map(
      (q) => (q as { Properties: { Name: string; LogGroupNames: unknown[] } }).Properties,
    );
    expect(queries.map((q) => q.Name.split("/").at(-1)).sort()).toEqual([
      "failures-by-node",
      "model-errors",
      "run-timeline",
      "slowest-nodes",
    ]);
    for (const q of queries) expect(q.LogGroupNames.length).toBeGreaterThanOrEqual(4);
  });

  it("filters each saved query on catalogued log events only", () => {
    const strings = Object.values(template.findResources("AWS::Logs::QueryDefinition")).map(
      (q) => (q as { Properties: { QueryString: string } }).Properties.QueryString,
    );
    const filtered = strings.filter((q) => q.includes("filter message"));
    expect(filtered).toHaveLength(3);
    for (const q of filtered) {
      const messages = [...q.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? "");
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(Object.keys(LOG_EVENTS), m).toContain(m);
    }
  });

  it("adds no cdk-nag finding", () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
