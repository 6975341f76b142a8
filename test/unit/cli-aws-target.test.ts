import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CloudFormationClient, DescribeStacksCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Command, MemorySaver } from "@langchain/langgraph";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { RunViewSchema } from "#api";
import { compileWorkflow, SwitchyardError, type TaskState, type ThreadPosition, threadConfig } from "#engine";
import { RunRequestSchema } from "#ingress";
import { bindEffectsLedger, inMemoryEffectsLedger } from "#tools";
import { getWorkflow, TriageInput, triage } from "#workflows";
import {
  checkpointReader,
  connectAwsTarget,
  type RunReader,
  readInputFile,
  remoteResumeCommand,
  remoteRunCommand,
  resolveStage,
  StackNotFoundError,
  StackOutputMissingError,
  statusCommand,
  workflowForRun,
} from "../../cli/aws-target/index.ts";

const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const dynamodb = mockClient(DynamoDBClient);
// The unit tier shares modules between files (vitest.config.ts): class-wide stubs end with the file.
afterAll(() => {
  for (const mock of [cfn, sqs, dynamodb]) mock.restore();
});

const REGION = "eu-west-1";
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-requests";
const UUID = "3f0c9a1e-8b7d-4c2a-9e51-0d6f2b4a7c11";
const NOW = new Date("2026-11-25T09:30:00.000Z");

// Factories -------------------------------------------------------------------------------

function coreStack(overrides: Partial<Stack> = {}): Stack {
  return {
    StackName: "switchyard-dev-core",
    StackStatus: "UPDATE_COMPLETE",
    CreationTime: NOW,
    Outputs: [
      { OutputKey: "CheckpointTableName", OutputValue: "switchyard-dev-checkpoints" },
      { OutputKey: "RequestsQueueUrl", OutputValue: QUEUE_URL },
      { OutputKey: "RequestsDeadLetterQueueUrl", OutputValue: `${QUEUE_URL}-dlq` },
      {
        OutputKey: "FailedRunsQueueUrl",
        OutputValue: "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-failed-runs",
      },
      {
        OutputKey: "AlertsTopicArn",
        OutputValue: "arn:aws:sns:eu-west-1:123456789012:switchyard-dev-alerts",
      },
    ],
    ...overrides,
  };
}

const apiStack: Stack = {
  StackName: "switchyard-dev-api",
  StackStatus: "CREATE_COMPLETE",
  CreationTime: NOW,
  Outputs: [{ OutputKey: "ApiUrl", OutputValue: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/" }],
};

/** CloudFormation's answer to DescribeStacks on a stack that is not there. */
const notFound = (name: string) =>
  Object.assign(new Error(`Stack with id ${name} does not exist`), { name: "ValidationError" });

function deployStage(stacks: { core?: Stack; api?: Stack } = { core: coreStack(), api: apiStack }) {
  for (const [suffix, stack] of Object.entries(stacks)) {
    cfn.on(DescribeStacksCommand, { StackName: `switchyard-dev-${suffix}` }).resolves({ Stacks: [stack] });
  }
  for (const suffix of ["core", "api"].filter((s) => !(s in stacks))) {
    cfn
      .on(DescribeStacksCommand, { StackName: `switchyard-dev-${suffix}` })
      .rejects(notFound(`switchyard-dev-${suffix}`));
  }
}

const connect = () => connectAwsTarget({ stage: "dev", region: REGION });

function task(node: string, progress: TaskState["progress"], extra: Partial<TaskState> = {}): TaskState {
  return { id: `${node}-task`, node, progress, interrupts: [], ...extra };
}

const position = (tasks: TaskState[], step = 4): ThreadPosition => ({
  checkpointId: "1f0c-ckpt",
  step,
  tasks,
});
const fixedReader =
  (p: ThreadPosition): RunReader =>
  async () => ({ position: p });

const WAITING = position([
  task("approval", "interrupted", {
    interrupts: [{ id: "5e1f0c9a", value: { question: "Amend T20261124-000750?" } }],
  }),
]);

function capture() {
  const lines: string[] = [];
  return { lines, out: (text: string) => lines.push(text), text: () => lines.join("\n") };
}

const sentBodies = () =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((c) => RunRequestSchema.parse(JSON.parse(c.args[0].input.MessageBody ?? "")));

beforeEach(() => {
  cfn.reset();
  sqs.reset();
  dynamodb.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
});

// Stack outputs ---------------------------------------------------------------------------

describe("resolveStage", () => {
  it("resolves the core and API endpoints by output key", async () => {
    // Prepare
    deployStage();
    // Act
    const deployed = await resolveStage(new CloudFormationClient({ region: REGION }), "dev", REGION);
    // Assess
    expect(deployed).toEqual({
      stage: "dev",
      region: REGION,
      checkpointTable: "switchyard-dev-checkpoints",
      requestsQueueUrl: QUEUE_URL,
      failedRunsQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-failed-runs",
      alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:switchyard-dev-alerts",
      apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/",
    });
    expect(
      cfn
        .commandCalls(DescribeStacksCommand)
        .map((c) => c.args[0].input.StackName)
        .sort(),
    ).toEqual(["switchyard-dev-api", "switchyard-dev-core"]);
  });

  it("resolves without an API stack (a stage with no workflow deployed yet)", async () => {
    // Prepare
    deployStage({ core: coreStack() });
    // Act
    const deployed = await resolveStage(new CloudFormationClient({ region: REGION }), "dev", REGION);
    // Assess
    expect(deployed.requestsQueueUrl).toBe(QUEUE_URL);
    expect(deployed.apiUrl).toBeUndefined();
  });

  it("names the missing core stack, the region and the fix, as a typed error", async () => {
    // Prepare
    deployStage({ api: apiStack });
    // Act
    const err = await resolveStage(new CloudFormationClient({ region: REGION }), "dev", REGION).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(err).toBeInstanceOf(StackNotFoundError);
    expect(err).toBeInstanceOf(SwitchyardError); // the CLI prints SwitchyardErrors and exits 2
    expect(err).toMatchObject({ code: "Switchyard.StackNotFound", stackName: "switchyard-dev-core" });
    expect((err as Error).message).toMatch(/switchyard-dev-core does not exist in eu-west-1.*--stage/);
  });

  it("names the missing output and the stack's status when a stack lacks one", async () => {
    // Prepare: a stack left in rollback has no outputs at all
    const core = coreStack({ StackStatus: "ROLLBACK_COMPLETE" });
    deployStage({
      core: { ...core, Outputs: core.Outputs?.filter((o) => o.OutputKey !== "RequestsQueueUrl") },
    });
    // Act
    const err = await resolveStage(new CloudFormationClient({ region: REGION }), "dev", REGION).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(err).toBeInstanceOf(StackOutputMissingError);
    expect(err).toMatchObject({ code: "Switchyard.StackOutputMissing", outputKey: "RequestsQueueUrl" });
    expect((err as Error).message).toContain(
      "switchyard-dev-core (ROLLBACK_COMPLETE) has no output RequestsQueueUrl",
    );
  });

  it("turns an empty credential chain into a typed error saying how to sign in", async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
    );
    // Act
    const err = await resolveStage(new CloudFormationClient({ region: REGION }), "dev", REGION).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(err).toMatchObject({ code: "Switchyard.AwsCredentials" });
    expect((err as Error).message).toContain("AWS_PROFILE");
  });

  it("refuses an invalid stage before calling CloudFormation", async () => {
    // Act
    const err = await resolveStage(new CloudFormationClient({ region: REGION }), "Prod!", REGION).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(err).toMatchObject({ code: "Switchyard.InvalidStage" });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});

// run --target aws ------------------------------------------------------------------------

describe("remoteRunCommand", () => {
  it("sends exactly one run request from the CLI to the deployed requests queue", async () => {
    // Prepare
    deployStage();
    const { out, text } = capture();
    const input = { tradeId: "T20261124-000750" };
    // Act
    const code = await remoteRunCommand({
      workflow: getWorkflow("triage"),
      input,
      connect,
      json: false,
      out,
      uuid: () => UUID,
      now: () => NOW,
    });
    // Assess
    expect(code).toBe(0);
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(sentBodies()).toEqual([
      { runId: `triage_${UUID}`, workflow: "triage", input, source: "cli", requestedAt: NOW.toISOString() },
    ]);
    expect(text()).toContain(`Run triage_${UUID} (triage) queued on stage dev.`);
    expect(text()).toContain(`switchyard status triage_${UUID} --target aws --stage dev --workflow triage`);
    expect(text()).toContain(
      `GET https://abc123.execute-api.eu-west-1.amazonaws.com/prod/runs/triage_${UUID}`,
    );
  });

  it("prints one JSON document with --json", async () => {
    // Prepare
    deployStage();
    const { out, lines } = capture();
    // Act
    await remoteRunCommand({
      workflow: getWorkflow("reconciliation"),
      input: {},
      connect,
      json: true,
      out,
      uuid: () => UUID,
    });
    // Assess
    expect(JSON.parse(lines.join(""))).toEqual({
      runId: `reconciliation_${UUID}`,
      workflow: "reconciliation",
      stage: "dev",
      queueUrl: QUEUE_URL,
    });
  });

  it("fails on invalid input with the field errors, before any AWS call", async () => {
    // Prepare
    deployStage();
    const { out } = capture();
    // Act
    const err = await remoteRunCommand({
      workflow: getWorkflow("triage"),
      input: { tradeId: 42, dataset: { trades: "many" } },
      connect,
      json: false,
      out,
    }).catch((e: unknown) => e);
    // Assess
    expect(err).toMatchObject({ code: "Switchyard.InvalidInput" });
    const paths = (err as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["input.dataset.trades", "input.tradeId"]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it("reads --input as JSON and refuses a file that is not", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), "switchyard-cli-"));
    await writeFile(join(dir, "good.json"), '{"tradeId":"T1"}');
    await writeFile(join(dir, "bad.json"), "{tradeId:");
    // Act
    const good = await readInputFile(join(dir, "good.json"));
    const bad = await readInputFile(join(dir, "bad.json")).catch((e: unknown) => e);
    // Assess
    expect(good).toEqual({ tradeId: "T1" });
    expect(await readInputFile(undefined)).toEqual({});
    expect(bad).toMatchObject({ code: "Cli.InputFile" });
  });
});

// resume --target aws ---------------------------------------------------------------------

describe("remoteResumeCommand", () => {
  const runId = `triage_${UUID}`;
  const answer = { decision: "approve", by: "ops.jane", comment: "matches the broker's confirmation" };

  it("sends a resume request on the waiting run's thread", async () => {
    // Prepare
    deployStage();
    const { out, text } = capture();
    // Act
    const code = await remoteResumeCommand({
      runId,
      workflow: getWorkflow("triage"),
      answer,
      connect,
      read: fixedReader(WAITING),
      json: false,
      out,
      uuid: () => "0a1b2c3d-0000-4000-8000-000000000001",
      now: () => NOW,
    });
    // Assess
    expect(code).toBe(0);
    expect(sentBodies()).toEqual([
      {
        runId: "triage_0a1b2c3d-0000-4000-8000-000000000001",
        workflow: "triage",
        threadId: runId,
        resume: answer,
        source: "cli",
        requestedAt: NOW.toISOString(),
      },
    ]);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(text()).toContain(`Answer for ${runId} queued on stage dev`);
  });

  it("sends nothing when the run is not waiting", async () => {
    // Prepare
    deployStage();
    const running = position([task("classify", "not-run")]);
    // Act
    const err = await remoteResumeCommand({
      runId,
      workflow: getWorkflow("triage"),
      answer,
      connect,
      read: fixedReader(running),
      json: false,
      out: () => {},
    }).catch((e: unknown) => e);
    // Assess
    expect(err).toMatchObject({ code: "Switchyard.NotWaiting" });
    expect((err as Error).message).toContain("is running");
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("refuses a run id the requests queue would refuse, before connecting", async () => {
    // Act
    const err = await remoteResumeCommand({
      runId: "no good",
      workflow: getWorkflow("triage"),
      answer,
      connect,
      json: false,
      out: () => {},
    }).catch((e: unknown) => e);
    // Assess
    expect(err).toMatchObject({ code: "Switchyard.InvalidRunId" });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});

// status ----------------------------------------------------------------------------------

describe("statusCommand", () => {
  const runId = `triage_${UUID}`;

  it("prints a waiting run: step, current nodes and the interrupt to answer", async () => {
    // Prepare
    const { out, text } = capture();
    // Act
    const code = await statusCommand({
      runId,
      workflow: getWorkflow("triage"),
      read: fixedReader(WAITING),
      where: "stage dev (eu-west-1)",
      json: false,
      out,
    });
    // Assess
    expect(code).toBe(0);
    expect(text()).toBe(
      [
        `Run ${runId} (triage) on stage dev (eu-west-1): waiting`,
        "  step        4",
        "  checkpoint  1f0c-ckpt",
        "  nodes       approval (interrupted)",
        '  waiting on  approval (interrupt 5e1f0c9a): {"question":"Amend T20261124-000750?"}',
      ].join("\n"),
    );
  });

  it("maps positions to running, succeeded and failed, as JSON with --json", async () => {
    // Prepare
    const cases: [ThreadPosition, string, number][] = [
      [position([task("risk_check", "finished"), task("compliance_check", "not-run")]), "running", 0],
      [position([], 9), "succeeded", 0],
      [
        position([
          task("classify", "errored", { error: { name: "Switchyard.ModelRefused", message: "no answer" } }),
        ]),
        "failed",
        1,
      ],
    ];
    for (const [p, expected, expectedCode] of cases) {
      const { out, lines } = capture();
      // Act
      const code = await statusCommand({
        runId,
        workflow: getWorkflow("triage"),
        read: fixedReader(p),
        where: "stage dev",
        json: true,
        out,
      });
      // Assess
      const printed = JSON.parse(lines.join(""));
      expect(printed).toMatchObject({ runId, workflow: "triage", status: expected, step: p.step });
      expect(printed.nodes).toEqual(
        p.tasks.map((t) => ({ node: t.node, taskId: t.id, progress: t.progress })),
      );
      expect(RunViewSchema.safeParse(printed).error).toBeUndefined();
      expect(code).toBe(expectedCode);
    }
  });

  it("reads a real waiting thread through the engine's readPosition", async () => {
    // Prepare: triage of an $8.46M fat-fingered booking price stops at the four-eyes approval
    const unbind = bindEffectsLedger(inMemoryEffectsLedger());
    const saver = new MemorySaver();
    const threadId = `triage_${UUID}`;
    await compileWorkflow(triage, saver).invoke(
      triage.toState(TriageInput.parse({ dataset: { trades: 2500 }, tradeId: "T20261124-0002122" })),
      threadConfig(threadId),
    );
    unbind();
    const { out, lines } = capture();
    // Act
    await statusCommand({
      runId: threadId,
      workflow: triage,
      read: checkpointReader(saver),
      where: "memory",
      json: true,
      out,
    });
    // Assess
    const printed = JSON.parse(lines.join(""));
    expect(printed.status).toBe("waiting");
    expect(printed.waiting.interrupts[0].value).toMatchObject({
      proposal: { tradeId: "T20261124-0002122", action: "amend_price" },
      tool: "apply_amendment",
    });
    expect(printed.waiting.interrupts[0].answer).toMatchObject({
      anyOf: [{ enum: ["approve", "reject"] }, { required: ["decision"] }],
    });
    expect(printed.result).toMatchObject({ outcome: "pending", decision: { route: "human_approval" } });
    expect(RunViewSchema.safeParse(printed).error).toBeUndefined();
  });

  it("prints a waiting run's allowed answers, then the finished run's summary, outputs and result", async () => {
    // Prepare: the same approval, then answered
    const unbind = bindEffectsLedger(inMemoryEffectsLedger());
    const saver = new MemorySaver();
    const threadId = `triage_${UUID}`;
    const graph = compileWorkflow(triage, saver);
    await graph.invoke(
      triage.toState(TriageInput.parse({ dataset: { trades: 2500 }, tradeId: "T20261124-0002122" })),
      threadConfig(threadId),
    );
    const waiting = capture();
    await statusCommand({
      runId: threadId,
      workflow: triage,
      read: checkpointReader(saver),
      where: "memory",
      json: false,
      out: waiting.out,
    });
    await graph.invoke(
      new Command({ resume: { decision: "approve", by: "local:ops.jane", at: "2026-11-24T20:00:00.000Z" } }),
      threadConfig(threadId),
    );
    unbind();
    const done = capture();
    // Act
    const code = await statusCommand({
      runId: threadId,
      workflow: triage,
      read: checkpointReader(saver),
      where: "memory",
      json: false,
      out: done.out,
    });
    // Assess
    expect(waiting.text()).toMatch(
      /^ {2}answers {5}"approve"\|"reject"\|\{decision: "approve"\|"reject", comment\?: string\}$/m,
    );
    expect(code).toBe(0);
    expect(done.text()).toMatch(/: succeeded\n/);
    expect(done.text()).toMatch(/^Triage .*human_approval → amended \(1 effect\)$/m);
    expect(done.text()).toMatch(/^Result:\n/m);
    expect(done.text()).toMatch(/"approval": \{\n\s+"decision": "approve",\n\s+"by": "local:ops.jane"/);
  });

  it("reads the deployed checkpoint table named by the stack outputs", async () => {
    // Prepare: the table holds nothing for this run
    deployStage();
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    const { saver } = await connect();
    // Act
    const err = await statusCommand({
      runId,
      workflow: getWorkflow("triage"),
      read: checkpointReader(saver),
      where: "stage dev",
      json: false,
      out: () => {},
    }).catch((e: unknown) => e);
    // Assess
    expect(err).toMatchObject({ code: "Switchyard.ThreadNotFound" });
    const tables = dynamodb.commandCalls(QueryCommand).map((c) => c.args[0].input.TableName);
    expect(tables.length).toBeGreaterThan(0);
    expect(new Set(tables)).toEqual(new Set(["switchyard-dev-checkpoints"]));
  });
});

describe("workflowForRun", () => {
  it("takes --workflow, else the workflow a run id names, else asks for --workflow", () => {
    expect(workflowForRun(`triage_${UUID}`)).toBe("triage");
    expect(workflowForRun(UUID, "investigation")).toBe("investigation");
    expect(() => workflowForRun(UUID)).toThrow(/add --workflow/);
  });
});

// The dispatcher: invalid input exits 2 with the field errors, before any AWS call ---------

describe("bin/switchyard.ts --target aws", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchyard-bin-"));
  });

  it("exits 2 with the field errors on invalid input, and with usage on an unknown target", async () => {
    // Prepare
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ tradeId: 42 }));
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "bin/switchyard.ts", ...args], {
        env: { ...process.env, AWS_REGION: REGION },
      }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    // Act
    const invalid = await cli("run", "triage", "--target", "aws", "--input", bad);
    const unknown = await cli("status", `triage_${UUID}`, "--target", "gcp");
    // Assess
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('switchyard: Invalid input for workflow "triage": input.tradeId:');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--target gcp: local or aws");
  });
});
