import { readFileSync } from "node:fs";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { App, type PolicyValidationPluginReport } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { defineWorkflow, type WorkflowDefinition } from "#engine";
import { EXPRESS_FAILURE_FILTER } from "#ops";
import { defineSwitchyard, type SwitchyardStacks } from "../../lib/switchyard-app.ts";

/** An Express workflow beside a Standard one in one stage: what differs on AWS, and nothing else. */
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAND_IN_ENTRY = "functions/handlers/health.ts";

function quick(name: string, execution: "standard" | "express"): WorkflowDefinition {
  const State = Annotation.Root({ n: Annotation<number> });
  const graph = new StateGraph(State)
    .addNode("price", () => ({ n: 1 }))
    .addNode("decide", () => ({ n: 2 }))
    .addEdge(START, "price")
    .addEdge("price", "decide")
    .addEdge("decide", END);
  return defineWorkflow({ name, graph, execution, nodes: { price: { timeoutSeconds: 30 } } });
}

let stacks: SwitchyardStacks;
let express: Template;
let standard: Template;
let ops: Template;
let report: PolicyValidationPluginReport;

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, stage: "xp" } });
  stacks = defineSwitchyard(app, {
    workflows: { quick: quick("quick", "express"), steady: quick("steady", "standard") },
    entryFor: () => STAND_IN_ENTRY,
  });
  const stackOf = (name: string) => {
    const s = stacks.workflows[name];
    if (!s) throw new Error(`no stack for ${name}`);
    return s;
  };
  express = Template.fromStack(stackOf("quick"));
  standard = Template.fromStack(stackOf("steady"));
  ops = Template.fromStack(stacks.ops);
  report = new AwsSolutionsChecks(app).validateScope(stackOf("quick"));
});

describe("an Express workflow on AWS", () => {
  it("is an EXPRESS state machine logging ALL with execution data, traced, its definition capped at 300 s", () => {
    const [machine] = Object.values(express.findResources("AWS::StepFunctions::StateMachine")) as {
      Properties: Record<string, unknown>;
    }[];
    expect(machine?.Properties.StateMachineType).toBe("EXPRESS");
    expect(machine?.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine?.Properties.LoggingConfiguration).toEqual({
      Level: "ALL",
      IncludeExecutionData: true,
      Destinations: [
        {
          CloudWatchLogsLogGroup: {
            LogGroupArn: { "Fn::GetAtt": [expect.stringMatching(/ExecutionLogs/), "Arn"] },
          },
        },
      ],
    });
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    expect(definition).toContain('\\"TimeoutSeconds\\":300,');
    standard.hasResourceProperties("AWS::StepFunctions::StateMachine", { StateMachineType: "STANDARD" });
  });

  it("subscribes the failed-run Lambda to its execution log for failures only; a Standard one is not", () => {
    express.resourceCountIs("AWS::Logs::SubscriptionFilter", 1);
    express.hasResourceProperties("AWS::Logs::SubscriptionFilter", {
      FilterPattern: EXPRESS_FAILURE_FILTER,
      LogGroupName: { Ref: Match.stringLikeRegexp("ExecutionLogs") },
      // The ops stack's failed-run function, by a cross-stack reference.
      DestinationArn: {
        "Fn::GetStackOutput": Match.objectLike({
          StackName: "switchyard-xp-ops",
          OutputName: Match.stringLikeRegexp("FailedRun"),
        }),
      },
    });
    standard.resourceCountIs("AWS::Logs::SubscriptionFilter", 0);
    expect(EXPRESS_FAILURE_FILTER).toBe(
      '{ ($.type = "FailStateEntered") || ($.type = "ExecutionTimedOut") || ($.type = "ExecutionAborted") }',
    );
  });

  it("lets CloudWatch Logs invoke the failed-run Lambda for exactly that log group, in this account", () => {
    const permissions = ops.findResources("AWS::Lambda::Permission", {
      Properties: { Principal: "logs.amazonaws.com" },
    });
    const arns = Object.values(permissions).map((p) => JSON.stringify(p.Properties.SourceArn));
    expect(arns).toHaveLength(1);
    expect(arns[0]).toContain("/aws/vendedlogs/states/switchyard-xp-quick:*");
    expect(Object.values(permissions)[0]?.Properties.SourceAccount).toEqual({ Ref: "AWS::AccountId" });
  });

  it("keeps the ExecutionsFailed alarm: Express state machines publish the same execution metrics", () => {
    const onFailed = (t: Template) =>
      Object.values(t.findResources("AWS::CloudWatch::Alarm")).filter((a) =>
        JSON.stringify(a).includes('"MetricName":"ExecutionsFailed"'),
      ).length;
    expect(onFailed(express)).toBeGreaterThan(0);
    expect(onFailed(express)).toBe(onFailed(standard));
  });

  it("passes cdk-nag AwsSolutions with nothing unacknowledged", () => {
    const open = report.violations.filter((v) => v.ruleName.startsWith("AwsSolutions"));
    expect(open.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId)}`)).toEqual(
      [],
    );
  });
});
