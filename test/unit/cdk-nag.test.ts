import { readFileSync } from "node:fs";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { App, type PolicyValidationPluginReport, Stack, Validations } from "aws-cdk-lib";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { resources } from "#config";
import { defineWorkflow, type WorkflowDefinition } from "#engine";
import { workflows } from "#workflows";
import { SwitchyardFunction } from "../../lib/constructs/switchyard-function.ts";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";

// The AWS Solutions pack fails on any unacknowledged finding, and every acknowledgement
// carries its reason. cdk-nag 3 checks a tree with `validateScope`.
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};

/** Every acknowledgement in the project, by rule id: a new one must be added here, and so reviewed. */
const EXPECTED_ACKNOWLEDGEMENTS = [
  // The REST API (SwitchyardApi): IAM-authorized methods need no WAF in front (APIG3) and no
  // Cognito authorizer (COG4, Cognito is the option).
  "AwsSolutions-APIG3",
  "AwsSolutions-COG4",
  // The region's API Gateway CloudWatch role, which stage logging needs (SwitchyardApi): AWS's own policy for it.
  "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
  // X-Ray on a function role (SwitchyardFunction); X-Ray and log delivery on a state machine role (AgentWorkflow).
  "AwsSolutions-IAM5[Resource::*]",
  // Version/alias qualifier of lambda:InvokeFunction on a workflow's own functions (AgentWorkflow).
  "AwsSolutions-IAM5[Resource::<function>.Arn:*]",
  // Objects of the data bucket, named by the data (days, run ids): node functions and the API read
  // every key, node functions write runs/* and generated/* (dataAccess in lib/constructs/data-access.ts).
  "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<data bucket>/*]",
  // Wide supersteps' task lists and Distributed Map results under engine/: start and commit, and
  // the state machine's ItemReader and ResultWriter (dataAccess.taskLists).
  "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<data bucket>/engine/*]",
  "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<data bucket>/generated/*]",
  "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<data bucket>/runs/*]",
  // The Distributed Map's child executions of a workflow's own state machine (AgentWorkflow).
  "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<state machine>:*]",
  // The data bucket's server access-log bucket logs nothing of its own (SwitchyardCoreStack).
  "AwsSolutions-S1",
  // The Slack incoming-webhook URL is issued by Slack: no rotation function can renew it (Alerting).
  "AwsSolutions-SMG4",
  "AwsSolutions-SQS3", // the failed-runs queue is itself a dead-letter store; so are the schedules and data-arrivals DLQs
];

/**
 * One rule id per reviewed kind: AgentWorkflow acknowledges the `:*` finding once per function
 * by its logical id, and only on the state machine role's policy — the one place it is allowed;
 * the data bucket's object grants name the stage's bucket, and only it.
 */
function reviewedId(id: string, path: string): string {
  const general = id
    .replace(`s3:::${resources("nag").dataBucket.name}/`, "s3:::<data bucket>/")
    .replace(/:execution:[a-z0-9-]+:\*\]$/, ":execution:<state machine>:*]");
  if (path.endsWith("/StateMachine/Role/DefaultPolicy")) {
    return general.replace(
      /^AwsSolutions-IAM5\[Resource::<[A-Za-z0-9]+\.Arn>:\*\]$/,
      "AwsSolutions-IAM5[Resource::<function>.Arn:*]",
    );
  }
  return general;
}

/** A two-node workflow: enough for every resource kind AgentWorkflow creates. */
function nagWorkflow(): WorkflowDefinition {
  const State = Annotation.Root({ note: Annotation<string> });
  const graph = new StateGraph(State)
    .addNode("triage", () => ({ note: "triaged" }), { retryPolicy: { maxAttempts: 2 } })
    .addNode("report", (s) => ({ note: `${s.note}, reported` }))
    .addEdge(START, "triage")
    .addEdge("triage", "report")
    .addEdge("report", END);
  return defineWorkflow({
    name: "nag-check",
    graph,
    input: z.object({}),
    nodes: { triage: { reservedConcurrency: 2 } },
  });
}

/**
 * An app as `bin/app.ts` builds it — every registered workflow, plus one of our own — with the
 * handlers stood in by the health handler (the checks read templates, not code: no slow
 * bundles), and a stack hosting a bare function.
 */
function switchyardApp(): App {
  const app = new App({ context: { ...cdkJson.context, stage: "nag" } });
  defineSwitchyard(app, {
    workflows: { ...workflows, "nag-check": nagWorkflow() },
    entryFor: () => "functions/handlers/health.ts",
  });
  new SwitchyardFunction(new Stack(app, "FunctionHost"), "Health", { entry: "functions/handlers/health.ts" });
  return app;
}

function describeViolations(report: PolicyValidationPluginReport): string[] {
  return report.violations.flatMap((v) =>
    v.violatingResources.map((res) => `${v.ruleName} at ${res.constructPath}: ${v.description}`),
  );
}

function acknowledgements(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ""),
          reason,
          path: c.node.path,
        })),
      ),
  );
}

let app: App;
let report: PolicyValidationPluginReport;

beforeAll(() => {
  app = switchyardApp();
  report = new AwsSolutionsChecks(app).validateScope(app);
});

describe("cdk-nag AwsSolutions", () => {
  it("finds nothing unacknowledged in the Switchyard stacks", () => {
    expect(describeViolations(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("checks the workflow stacks too: state machine, its role and every workflow function", () => {
    const workflows = app.node.tryFindChild("switchyard-nag-workflow-nag-check");
    expect(workflows).toBeDefined();
    const kinds = new Set(
      (workflows?.node.findAll() ?? []).map((c) => (c as { cfnResourceType?: string }).cfnResourceType),
    );
    for (const kind of ["AWS::StepFunctions::StateMachine", "AWS::Lambda::Function", "AWS::IAM::Policy"]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
  });

  it("acknowledges only the reviewed rules, each with a real reason", () => {
    const acks = acknowledgements(app);
    expect([...new Set(acks.map((a) => reviewedId(a.id, a.path)))].sort()).toEqual(EXPECTED_ACKNOWLEDGEMENTS);
    for (const { id, reason, path } of acks) {
      expect(reason.length, `reason of ${id} at ${path}`).toBeGreaterThanOrEqual(60);
      expect(reason, `reason of ${id} at ${path}`).not.toMatch(/\b(todo|tbd|fixme|n\/a)\b/i);
    }
  });

  it("synthesizes through the registered plugin, as `cdk synth` does", () => {
    expect(() => app.synth()).not.toThrow();
  });

  it("finds nothing unacknowledged either when `cdk synth` knows the region and account", () => {
    // The CDK CLI sets CDK_DEFAULT_REGION/ACCOUNT from the caller's profile; the templates then
    // hold literal values where the environment-agnostic app holds pseudo parameters.
    const saved = { region: process.env.CDK_DEFAULT_REGION, account: process.env.CDK_DEFAULT_ACCOUNT };
    process.env.CDK_DEFAULT_REGION = "eu-west-1";
    process.env.CDK_DEFAULT_ACCOUNT = "123456789012";
    try {
      const located = switchyardApp();
      const locatedReport = new AwsSolutionsChecks(located).validateScope(located);
      expect(describeViolations(locatedReport)).toEqual([]);
    } finally {
      for (const [key, value] of Object.entries({
        CDK_DEFAULT_REGION: saved.region,
        CDK_DEFAULT_ACCOUNT: saved.account,
      })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("is live: a bare queue in the same app is reported, and fails synth", () => {
    // Prepare
    const bareApp = new App({ context: { ...cdkJson.context, stage: "nag" } });
    defineSwitchyard(bareApp, { workflows: {} });
    const bare = new Stack(bareApp, "Bare");
    new Queue(bare, "Bare");

    // Act
    const bareReport = new AwsSolutionsChecks(bareApp).validateScope(bare);

    // Assess
    expect(bareReport.violations.map((v) => v.ruleName).sort()).toEqual([
      "AwsSolutions-SQS3",
      "AwsSolutions-SQS4",
    ]);
    expect(() => bareApp.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
