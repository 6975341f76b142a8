import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, type PolicyValidationPluginReport } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { defineDeskApp } from "../fixtures/cdk-app/app.ts";

/**
 * A CDK app of a desk's own (test/fixtures/cdk-app/) on Switchyard's public faces only: its own
 * graph, deployed with core and workflows stacks, clean under cdk-nag. Bundling is off for the
 * test (CDK's `aws:cdk:bundling-stacks` context, as `cdk synth <other stack>` sets it): the
 * checks read templates, and bundling three engine Lambdas takes far longer than the test.
 */
const FIXTURE = join(import.meta.dirname, "../fixtures/cdk-app");
const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, "../../cdk.json"), "utf8")) as {
  context: Record<string, unknown>;
};

let app: App;
let report: PolicyValidationPluginReport;
let stacks: ReturnType<typeof defineDeskApp>;

beforeAll(() => {
  app = new App({ context: { ...cdkJson.context, "aws:cdk:bundling-stacks": [] } });
  stacks = defineDeskApp(app);
  report = new AwsSolutionsChecks(app).validateScope(app);
}, 180_000);

describe("a CDK app of your own (test/fixtures/cdk-app)", () => {
  it("imports Switchyard only through its public faces", () => {
    const files = readdirSync(FIXTURE, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    );
    const specifiers = files.flatMap((file) =>
      [...readFileSync(join(FIXTURE, file), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1] ?? ""),
    );

    expect(specifiers.filter((s) => s.startsWith("#") || s.startsWith("../../"))).toEqual([]);
    // Not `switchyard/engine`: the graph enters the Lambda bundles, and that face carries the local runner.
    expect(new Set(specifiers.filter((s) => s.startsWith("switchyard")))).toEqual(
      new Set(["switchyard/cdk", "switchyard/lambda"]),
    );
  });

  // Synth runs the registered cdk-nag plugin over every resource again: seconds alone, a minute on a busy machine.
  it("finds nothing under cdk-nag and synthesizes through its registered plugin", {
    timeout: 180_000,
  }, () => {
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it("deploys its own graph: a state machine named for it, a Lambda per node on its own handlers", () => {
    const template = Template.fromStack(stacks.workflow);
    expect(stacks.workflow.stackName).toBe("switchyard-desk-workflow-ssi-check");
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: "switchyard-desk-ssi-check",
    });
    const definition = JSON.stringify(stacks.workflow.workflow.spec.definition);
    expect(definition).toContain("Run check");
    expect(definition).toContain("Run repair");
    expect(Object.keys(stacks.workflow.workflow.nodeFunctions).sort()).toEqual(["check", "repair"]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: 256,
      Environment: { Variables: { WORKFLOW_NAME: "ssi-check", NODE_NAME: "repair" } },
    });
  });

  it("monitors it: its dashboard, alarms on its state machine and functions, its SLO burn alarms", () => {
    const template = Template.fromStack(stacks.workflow);
    template.hasResourceProperties("AWS::CloudWatch::Dashboard", {
      DashboardName: "switchyard-desk-ssi-check-overview",
    });
    expect(Object.keys(template.findResources("AWS::CloudWatch::Alarm")).length).toBeGreaterThan(0);
    expect(Object.keys(template.findResources("AWS::CloudWatch::CompositeAlarm"))).toHaveLength(2);
  });
});
