import { readFileSync } from "node:fs";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { App, type CfnResource, type PolicyValidationPluginReport, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AttributeType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Topic } from "aws-cdk-lib/aws-sns";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  buildStateMachine,
  defineWorkflow,
  type Hosting,
  resolveDefinition,
  type WorkflowDefinition,
} from "#engine";
import { workflows as registry } from "#workflows";
import { AgentWorkflow } from "../../lib/constructs/agent-workflow.ts";
import { defineSwitchyard, type SwitchyardStacks } from "../../lib/switchyard-app.ts";
import type { SwitchyardWorkflowStack } from "../../lib/workflows-stack.ts";

// The same feature flags `cdk synth` runs with, so these templates are the deployed ones.
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};
const STAGE = "wf";
// The handlers are not needed to test the wiring: every role bundles the tiny health handler.
const STAND_IN_ENTRY = "functions/handlers/health.ts";

/** Prepare: a three-node review graph; `price` retries like a flaky market-data call. */
function reviewWorkflow(hosting: Hosting = "per-node", fetchTimeoutSeconds = 120): WorkflowDefinition {
  const State = Annotation.Root({
    trade: Annotation<string>,
    quote: Annotation<number>,
    verdict: Annotation<string>,
  });
  const graph = new StateGraph(State)
    .addNode("fetch", (s) => ({ trade: s.trade }))
    .addNode("price", () => ({ quote: 101.5 }), { retryPolicy: { maxAttempts: 4, initialInterval: 2000 } })
    .addNode("decide", (s) => ({ verdict: s.quote > 100 ? "escalate" : "accept" }))
    .addEdge(START, "fetch")
    .addEdge("fetch", "price")
    .addEdge("price", "decide")
    .addEdge("decide", END);
  return defineWorkflow({
    name: "trade-review",
    graph,
    input: z.object({ trade: z.string().min(1) }),
    hosting,
    nodes: {
      fetch: { memoryMb: 2048, timeoutSeconds: fetchTimeoutSeconds },
      price: { reservedConcurrency: 5 },
    },
  });
}

// Synth once per file: bundling takes seconds.
let wf: WorkflowDefinition;
let stacks: SwitchyardStacks;
let workflowsStack: SwitchyardWorkflowStack;
let construct: AgentWorkflow;
let template: Template;
let report: PolicyValidationPluginReport;

beforeAll(() => {
  wf = reviewWorkflow();
  const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
  stacks = defineSwitchyard(app, { workflows: { [wf.name]: wf }, entryFor: () => STAND_IN_ENTRY });
  const own = stacks.workflows[wf.name];
  if (!own) throw new Error("a registered workflow gets a stack of its own");
  workflowsStack = own;
  construct = workflowsStack.workflow;
  template = Template.fromStack(workflowsStack);
  report = new AwsSolutionsChecks(app).validateScope(workflowsStack);
});

type Json = Record<string, unknown>;

function logicalIdOf(resource: { node: { defaultChild?: unknown } }): string {
  return workflowsStack.resolve((resource.node.defaultChild as CfnResource).logicalId) as string;
}

function stateMachine(): Json {
  const machines = Object.values(template.findResources("AWS::StepFunctions::StateMachine"));
  expect(machines).toHaveLength(1);
  return (machines[0] as { Properties: Json }).Properties;
}

function functionProps(): Json[] {
  return Object.values(template.findResources("AWS::Lambda::Function")).map(
    (r) => (r as { Properties: Json }).Properties,
  );
}

/** A stand-in ARN per Lambda logical id: what CloudFormation would put where `Fn::GetAtt` stands. */
const lambdaArn = (logicalId: string) => `arn:aws:lambda:eu-west-1:111122223333:function:${logicalId}`;
const TOPIC_ARN = "arn:aws:sns:eu-west-1:111122223333:switchyard-wf-alerts";

/**
 * Renders a CloudFormation value to the string CloudFormation would produce: `Fn::GetAtt` of a
 * Lambda → its stand-in ARN, a reference to the core stack's alerts topic → {@link TOPIC_ARN},
 * `Fn::Join` joined. Anything else fails the test: the definition must use nothing else.
 */
function render(value: unknown): string {
  if (typeof value === "string") return value;
  const v = value as Json;
  if (Array.isArray(v["Fn::Join"])) {
    const [sep, parts] = v["Fn::Join"] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  if (Array.isArray(v["Fn::GetAtt"])) {
    const [id, attr] = v["Fn::GetAtt"] as [string, string];
    const type = (template.toJSON().Resources as Record<string, { Type: string }>)[id]?.Type;
    if (type === "AWS::Lambda::Function" && attr === "Arn") return lambdaArn(id);
  }
  if (JSON.stringify(v) === JSON.stringify(workflowsStack.resolve(stacks.core.alertsTopic.topicArn))) {
    return TOPIC_ARN;
  }
  throw new Error(`Unexpected value in the state machine definition: ${JSON.stringify(v)}`);
}

describe("AgentWorkflow: functions", () => {
  it("creates one Lambda per slot of the builder: start, commit and one per node, on Node.js 24", () => {
    const slots = buildStateMachine(wf).functions;
    expect(slots.map((s) => s.role).sort()).toEqual(["commit", "node", "node", "node", "start"]);
    expect(Object.keys(construct.functions).sort()).toEqual(slots.map((s) => s.key).sort());
    expect(Object.keys(construct.nodeFunctions).sort()).toEqual(["decide", "fetch", "price"]);
    template.resourceCountIs("AWS::Lambda::Function", slots.length);
    for (const props of functionProps()) {
      expect(props.Runtime).toBe("nodejs24.x");
      expect(props.Architectures).toEqual(["arm64"]);
      expect(props.TracingConfig).toEqual({ Mode: "Active" });
    }
  });

  it("ships one code asset per handler: every function running the same handler shares its bundle", () => {
    // Here every role runs the stand-in handler, so one bundle serves all five; NODE_NAME, not
    // the code, tells a node function which node it runs.
    const keys = functionProps().map((p) => JSON.stringify((p.Code as Json).S3Key));
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(1);
    for (const p of functionProps()) expect(p.Handler).toBe("index.handler");
  });

  it("gives each node Lambda its own memory, timeout and reserved concurrency (defaults 512 MB, 60 s)", () => {
    const byNode = Object.fromEntries(
      functionProps()
        .map(
          (p) => [(p.Environment as { Variables: Record<string, string> }).Variables.NODE_NAME, p] as const,
        )
        .filter(([node]) => node !== undefined),
    );
    expect(byNode.fetch).toMatchObject({ MemorySize: 2048, Timeout: 120 });
    expect(byNode.fetch?.ReservedConcurrentExecutions).toBeUndefined();
    expect(byNode.price).toMatchObject({ MemorySize: 512, Timeout: 60, ReservedConcurrentExecutions: 5 });
    expect(byNode.decide).toMatchObject({ MemorySize: 512, Timeout: 60 });
  });

  it("sets the environment every handler reads; NODE_NAME only on node functions", () => {
    const table = workflowsStack.resolve(stacks.core.checkpointTable.tableName);
    for (const [key, fn] of Object.entries(construct.functions)) {
      const slot = construct.spec.functions.find((s) => s.key === key);
      template.hasResourceProperties("AWS::Lambda::Function", {
        Environment: {
          Variables: {
            WORKFLOW_NAME: "trade-review",
            CHECKPOINT_TABLE: table,
            AUDIT_SIGNING_KEY_ID: workflowsStack.resolve(stacks.core.auditSigningKey.keyArn),
            SWITCHYARD_STAGE: STAGE,
            OTEL_SERVICE_NAME: "switchyard",
            LOG_LEVEL: "INFO",
            ...(slot?.node === undefined ? {} : { NODE_NAME: slot.node }),
          },
        },
      });
      const vars = (template.toJSON().Resources[logicalIdOf(fn.function)].Properties.Environment as Json)
        .Variables as Json;
      expect("NODE_NAME" in vars).toBe(slot?.node !== undefined);
    }
  });

  it("lets each function read and write exactly the checkpoint table and sign with the audit key, nothing else beyond its logs and X-Ray", () => {
    const tableArn = workflowsStack.resolve(stacks.core.checkpointTable.tableArn);
    const auditKeyArn = workflowsStack.resolve(stacks.core.auditSigningKey.keyArn);
    const nodeFunctions = Object.values(construct.nodeFunctions);
    for (const fn of Object.values(construct.functions)) {
      const policy = template.toJSON().Resources[logicalIdOf(fn.role.node.findChild("DefaultPolicy"))];
      const all = policy.Properties.PolicyDocument.Statement as Json[];
      // Node functions also read the data bucket and write its runs/ and generated/: 3 S3 statements
      // and the key (one, merged); start and commit reach its engine/ task lists: one S3 statement
      // and the key — asserted in data-bucket-infra.test.ts.
      const bucket = stacks.core.resources.dataBucket.name;
      const data = all.filter((s) => JSON.stringify(s).includes(bucket));
      expect(data, fn.node.path).toHaveLength(nodeFunctions.includes(fn) ? 4 : 2);
      const statements = all.filter((s) => !data.includes(s));
      const resources = statements.map((s) => s.Resource);
      expect(resources).toEqual(
        expect.arrayContaining([
          "*", // X-Ray (SwitchyardFunction fails synth on any other wildcard)
          { "Fn::GetAtt": [logicalIdOf(fn.logGroup), "Arn"] },
        ]),
      );
      const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes("dynamodb:"));
      expect(dynamo).toHaveLength(1);
      // The table has no index, so CDK's grant emits no `<table>/index/*` wildcard.
      expect([dynamo[0]?.Resource].flat()).toEqual([tableArn]);
      const kms = statements.filter((s) => JSON.stringify(s.Action).includes("kms:"));
      expect(kms.map((s) => [s.Action, s.Resource])).toEqual([["kms:Sign", auditKeyArn]]);
      expect(statements).toHaveLength(4);
    }
  });
});

describe("AgentWorkflow: state machine", () => {
  it("is STANDARD, named by stage and workflow, traced, logging ALL with execution data to its own log group", () => {
    const props = stateMachine();
    expect(props).toMatchObject({
      StateMachineType: "STANDARD",
      StateMachineName: "switchyard-wf-trade-review",
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: "ALL",
        IncludeExecutionData: true,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { "Fn::GetAtt": [logicalIdOf(construct.logGroup), "Arn"] },
            },
          },
        ],
      },
    });
    template.hasResourceProperties("AWS::Logs::LogGroup", {
      LogGroupName: "/aws/vendedlogs/states/switchyard-wf-trade-review",
      RetentionInDays: 30,
    });
  });

  it("deploys exactly the builder's definition: resolved, it equals resolveDefinition(buildStateMachine(wf))", () => {
    // Prepare: the ARN each placeholder must receive, from the function the construct made for its slot.
    const spec = buildStateMachine(wf);
    const expected: Record<string, string> = { [spec.alertsTopicKey]: TOPIC_ARN };
    for (const slot of spec.functions) {
      const fn = construct.functions[slot.key];
      if (!fn) throw new Error(`no function for ${slot.key}`);
      expected[slot.key] = lambdaArn(logicalIdOf(fn.function));
    }

    // Act: what CloudFormation hands Step Functions, substitutions applied.
    const props = stateMachine();
    const substitutions = Object.fromEntries(
      Object.entries(props.DefinitionSubstitutions as Json).map(([k, v]) => [k, render(v)]),
    );
    const deployed = JSON.parse(
      render(props.DefinitionString).replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
        const value = substitutions[key];
        if (value === undefined) throw new Error(`No substitution for ${whole}`);
        return value;
      }),
    ) as unknown;

    // Assess: same placeholders, same wiring, same JSON.
    expect(substitutions).toEqual(expected);
    expect(deployed).toEqual(resolveDefinition(spec.definition, expected));
  });

  it("wires each node's Task state to that node's own function", () => {
    const props = stateMachine();
    const subs = props.DefinitionSubstitutions as Json;
    for (const slot of construct.spec.functions.filter((s) => s.node !== undefined)) {
      const id = (subs[slot.key] as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      const variables = (template.toJSON().Resources[id].Properties.Environment as Json).Variables as Json;
      expect(variables.NODE_NAME).toBe(slot.node);
    }
  });

  it("maps the node's LangGraph retryPolicy to its ASL Retry (maxAttempts 4 → 3 retries, 2000 ms → 2 s)", () => {
    const definition = JSON.parse(stateMachine().DefinitionString as string) as {
      States: { RunTasks: { ItemProcessor: { States: Record<string, { Retry: Json[] }> } } };
    };
    const item = definition.States.RunTasks.ItemProcessor.States;
    expect(item["Run price"]?.Retry).toContainEqual({
      ErrorEquals: ["States.ALL"],
      IntervalSeconds: 2,
      MaxAttempts: 3,
      BackoffRate: 2,
      MaxDelaySeconds: 128,
      JitterStrategy: "FULL",
    });
    // A node without a policy runs once, as in LangGraph: no States.ALL retrier.
    expect(item["Run fetch"]?.Retry.some((r) => (r.ErrorEquals as string[]).includes("States.ALL"))).toBe(
      false,
    );
  });

  it("has a role that may invoke exactly these functions and publish to exactly the alerts topic", () => {
    const roleId = logicalIdOf(construct.stateMachine.role);
    const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((p) =>
      JSON.stringify((p as Json).Properties).includes(`"${roleId}"`),
    ) as { Properties: { PolicyDocument: { Statement: Json[] } } }[];
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement ?? [];
    const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));

    const invoke = byAction("lambda:InvokeFunction").flatMap((s) => [s.Resource].flat());
    const arns = Object.values(construct.functions).map((fn) => ({
      "Fn::GetAtt": [logicalIdOf(fn.function), "Arn"],
    }));
    const versions = arns.map((arn) => ({ "Fn::Join": ["", [arn, ":*"]] }));
    expect(invoke).toHaveLength(arns.length * 2);
    expect(invoke).toEqual(expect.arrayContaining([...arns, ...versions]));

    const publish = byAction("sns:Publish");
    expect(publish).toHaveLength(1);
    expect(publish[0]?.Resource).toEqual(workflowsStack.resolve(stacks.core.alertsTopic.topicArn));
    // The topic is encrypted with the core's key: exactly the two actions SNS needs of a publisher.
    // (The same key through S3 only, for the Distributed Map's task lists, is asserted below.)
    const kms = statements.filter(
      (s) => JSON.stringify(s.Action).includes("kms:") && !JSON.stringify(s).includes("kms:ViaService"),
    );
    expect(kms).toEqual([
      expect.objectContaining({
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: workflowsStack.resolve(stacks.core.messagesKey.keyArn),
      }),
    ]);

    // `*` only for what Step Functions needs it for: X-Ray and the vended-logs delivery.
    const wildcard = statements
      .filter((s) => [s.Resource].flat().includes("*"))
      .flatMap((s) => [s.Action].flat() as string[]);
    for (const action of wildcard) expect(action).toMatch(/^(xray:|logs:)/);
    expect(wildcard).toEqual(expect.arrayContaining(["xray:PutTraceSegments", "logs:CreateLogDelivery"]));
  });

  it("may run its own Distributed Map: child executions of itself only, task lists and results under engine/", () => {
    const roleId = logicalIdOf(construct.stateMachine.role);
    const policy = Object.values(template.findResources("AWS::IAM::Policy")).find((p) =>
      JSON.stringify((p as Json).Properties).includes(`"${roleId}"`),
    ) as { Properties: { PolicyDocument: { Statement: Json[] } } };
    const statements = policy.Properties.PolicyDocument.Statement;
    const name = "switchyard-wf-trade-review";
    const arn = (resource: string) => ({
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":states:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          resource,
        ],
      ],
    });

    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: "states:StartExecution", Resource: arn(`:stateMachine:${name}`) }),
        expect.objectContaining({
          Action: ["states:DescribeExecution", "states:StopExecution"],
          Resource: arn(`:execution:${name}:*`),
        }),
      ]),
    );
    const s3 = statements.filter((s) => JSON.stringify(s.Action).includes("s3:"));
    expect(s3).toHaveLength(1);
    expect(s3[0]?.Action).toEqual([
      "s3:AbortMultipartUpload",
      "s3:GetObject",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
    ]);
    expect(JSON.stringify(s3[0]?.Resource)).toContain(`${stacks.core.resources.dataBucket.name}/engine/*`);
    // Named by its fixed name, not by reference: the role's policy does not depend on the machine.
    expect(JSON.stringify(statements)).not.toContain(logicalIdOf(construct.stateMachine));
  });
});

describe("SwitchyardWorkflowStack", () => {
  it("passes cdk-nag AwsSolutions with nothing unacknowledged", () => {
    const violations = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`),
    );
    expect(violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("acknowledges on the state machine role only X-Ray/log delivery, its own functions' versions and Distributed Map runs", () => {
    const policy = construct.stateMachine.role.node.findChild("DefaultPolicy");
    const acknowledged = policy.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object).map((id) => id.replace(/^annotation::/i, "")));
    const perFunction = Object.values(construct.functions).map(
      (fn) => `AwsSolutions-IAM5[Resource::<${logicalIdOf(fn.function)}.Arn>:*]`,
    );
    const distributedMap = [
      "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:switchyard-wf-trade-review:*]",
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${stacks.core.resources.dataBucket.name}/engine/*]`,
    ];
    expect(acknowledged.sort()).toEqual(
      ["AwsSolutions-IAM5[Resource::*]", ...perFunction, ...distributedMap].sort(),
    );
  });

  it("refuses a workflow registered under another name", () => {
    const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
    expect(() =>
      defineSwitchyard(app, { workflows: { other: reviewWorkflow() }, entryFor: () => STAND_IN_ENTRY }),
    ).toThrow(/registered as "other" is named "trade-review"/);
  });

  it("adds no workflow stack while no workflow is registered (CloudFormation rejects an empty template)", () => {
    const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
    const { workflows } = defineSwitchyard(app, { workflows: {} });
    expect(workflows).toEqual({});
    expect(app.node.children.map((c) => c.node.id).filter((id) => id.includes("-workflow-"))).toEqual([]);
  });

  it("deploys the #workflows registry as bin/app.ts passes it, one state machine per registered workflow", () => {
    const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
    const { workflows: stacks } = defineSwitchyard(app, {
      workflows: registry,
      entryFor: () => STAND_IN_ENTRY,
    });
    expect(Object.keys(stacks).sort()).toEqual(Object.keys(registry).sort());
    for (const name of Object.keys(registry)) {
      expect(stacks[name]?.stackName).toBe(`switchyard-${STAGE}-workflow-${name}`);
      expect(stacks[name]?.workflow.spec).toEqual(buildStateMachine(registry[name] as WorkflowDefinition));
    }
  });
});

/** An AgentWorkflow alone, on a stand-in table and topic: for the hosting modes' function sets. */
function standalone(
  workflow: WorkflowDefinition,
  encryption: TableEncryption = TableEncryption.AWS_MANAGED,
): { construct: AgentWorkflow; template: () => Template } {
  const app = new App({ context: cdkJson.context });
  const stack = new Stack(app, "Standalone");
  const table = new Table(stack, "Table", {
    partitionKey: { name: "pk", type: AttributeType.STRING },
    encryption,
  });
  const built = new AgentWorkflow(stack, "Workflow", {
    workflow,
    stage: STAGE,
    prefix: `switchyard-${STAGE}`,
    checkpointTable: table,
    alertsTopic: new Topic(stack, "Alerts"),
    entryFor: () => STAND_IN_ENTRY,
  });
  return { construct: built, template: () => Template.fromStack(stack) };
}

describe("AgentWorkflow: hosting modes", () => {
  it.each([
    ["per-superstep", "superstep", 240],
    ["per-graph", "graph", 900],
  ] as const)(
    "%s hosting: start plus one %s function, sized for the largest node",
    (hosting, role, timeout) => {
      const { construct: built, template: synth } = standalone(reviewWorkflow(hosting));
      expect(built.spec.functions.map((s) => s.role)).toEqual(["start", role]);
      expect(built.nodeFunctions).toEqual({});
      const t = synth();
      t.resourceCountIs("AWS::Lambda::Function", 2);
      // It runs every node in one process: the largest node memory (2048 MB), the builder's timeout.
      t.hasResourceProperties("AWS::Lambda::Function", {
        MemorySize: 2048,
        Timeout: timeout,
        Environment: { Variables: { WORKFLOW_NAME: "trade-review", NODE_NAME: Match.absent() } },
      });
    },
  );

  it("grants a table's customer-managed KMS key to every function, scoped to that key", () => {
    const { construct: built, template: synth } = standalone(
      reviewWorkflow(),
      TableEncryption.CUSTOMER_MANAGED,
    );
    const t = synth();
    const keyId = Object.keys(t.findResources("AWS::KMS::Key"))[0];
    for (const fn of Object.values(built.functions)) {
      const policyId = Stack.of(fn).resolve(
        (fn.role.node.findChild("DefaultPolicy").node.defaultChild as CfnResource).logicalId,
      );
      const statements = t.toJSON().Resources[policyId].Properties.PolicyDocument.Statement as Json[];
      const kms = statements.filter((st) => JSON.stringify(st.Action).includes("kms:"));
      expect(kms).toHaveLength(1);
      expect(kms[0]?.Resource).toEqual({ "Fn::GetAtt": [keyId, "Arn"] });
    }
  });

  it("refuses a superstep function longer than Lambda's 900 s", () => {
    expect(() => standalone(reviewWorkflow("per-superstep", 600))).toThrow(
      /RunSuperstep needs 1200 s, over Lambda's 900 s limit/,
    );
  });
});
