import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { ALL_METRICS } from "#telemetry";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";
import { agentWorkflow } from "./telemetry-fixture.ts";

const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};

let app: App;
let template: Template;
beforeAll(() => {
  app = new App({ context: { ...cdkJson.context, stage: "obs" } });
  const { workflows } = defineSwitchyard(app, {
    workflows: { "agent-demo": agentWorkflow() },
    entryFor: () => "functions/handlers/health.ts",
  });
  if (!workflows) throw new Error("no workflows stack");
  template = Template.fromStack(workflows);
});

const alarmsWith = (text: string) =>
  Object.values(template.findResources("AWS::CloudWatch::Alarm")).filter((a) =>
    String((a as { Properties: { AlarmDescription?: string } }).Properties.AlarmDescription).includes(text),
  );

describe("the observability construct", () => {
  it("builds a dashboard showing every catalog metric and the error budget", () => {
    const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(
      (dashboard as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody,
    );
    for (const m of ALL_METRICS) expect(body, m.name).toContain(`MetricName=\\\\\\"${m.name}\\\\\\"`);
    expect(body).toContain("Error budget remaining");
  });

  it("alarms on failure rate, p95 duration, state-machine failures, Lambda errors, models and dead letters, to the alerts topic", () => {
    expect(alarmsWith("of runs failed")).toHaveLength(1);
    expect(alarmsWith("p95 run duration")).toHaveLength(1);
    expect(alarmsWith("executions failed")).toHaveLength(1);
    expect(alarmsWith("Lambda errors or throttles").length).toBeGreaterThanOrEqual(4);
    expect(alarmsWith("requests failed")).toHaveLength(1);
    expect(alarmsWith("dead-lettered")).toHaveLength(2);
    // Every alarm but the burn-rate windows (their composites notify) goes to the alerts topic.
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(
      (a) => (a as { Properties: { AlarmDescription: string; AlarmActions?: unknown[] } }).Properties,
    );
    for (const a of alarms.filter((x) => !x.AlarmDescription.startsWith("SLO burn"))) {
      expect(JSON.stringify(a.AlarmActions), a.AlarmDescription).toMatch(/AlertsTopic/);
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

  it("adds no cdk-nag finding", () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
