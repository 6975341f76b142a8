import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { MemorySaver } from "@langchain/langgraph";
import {
  defineWorkflow,
  type Hosting,
  runInProcess,
  runOnStepFunctions,
  type WorkflowDefinition,
} from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { compileWorkflow, createEngineSteps, readPosition, runView } from "#engine";
import { CATALOG, createTelemetry } from "#telemetry";
import { readLocalRun } from "../../local/runs.ts";
import { localLeases, localSaver } from "../../local/saver.ts";
import { runOnStepFunctionsWith } from "../../local/step-functions.ts";
import { longLoopGraph, longLoopWorkflow } from "../fixtures/long-loop.ts";

/**
 * Continue-as-new (functions/engine/continuation.ts): a long loop runs through several
 * executions of the same state machine on one thread — each started by its predecessor's
 * `Continue` state, taking the thread's lease over from it — with the result `invoke` gives.
 */
const ROUNDS = 500;
const AFTER = 120;

function loopWorkflow(
  hosting: Hosting,
  options: { rounds?: number; afterSupersteps?: number; recursionLimit?: number } = {},
): WorkflowDefinition {
  return longLoopWorkflow(hosting, {
    rounds: options.rounds ?? ROUNDS,
    afterSupersteps: options.afterSupersteps ?? AFTER,
    ...(options.recursionLimit === undefined ? {} : { recursionLimit: options.recursionLimit }),
  });
}

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "continue" });
});
afterAll(async () => {
  await aws?.stop();
});

/** The run's status as `switchyard runs` / `status` read it (checkpoints and lease). */
async function localStatus(workflow: WorkflowDefinition, threadId: string): Promise<string | undefined> {
  return (await readLocalRun(aws, workflow, threadId))?.status;
}

/** The run's status as `GET /runs/{id}` builds it from the checkpoint. */
async function apiStatus(workflow: WorkflowDefinition, threadId: string): Promise<string> {
  const saver = localSaver(aws);
  const position = await readPosition({ saver }, compileWorkflow(workflow, saver), threadId);
  return runView(workflow, threadId, { position }).status;
}

/** The thread's lease as stored (holder), read from the table itself. */
async function leaseHolder(threadId: string): Promise<string | undefined> {
  const out = await aws.clients.dynamodb.send(
    new QueryCommand({
      TableName: aws.resources.checkpointTable.name,
      KeyConditionExpression: "pk = :pk AND sk = :sk",
      ExpressionAttributeValues: { ":pk": { S: threadId }, ":sk": { S: "lease" } },
      ConsistentRead: true,
    }),
  );
  return out.Items?.[0]?.holder?.S;
}

describe("continue-as-new", () => {
  it(`a ${ROUNDS}-superstep loop runs through several executions with invoke's result (per-node)`, async () => {
    const plain = await longLoopGraph(ROUNDS)
      .compile({ checkpointer: new MemorySaver() })
      .invoke({}, { configurable: { thread_id: "plain" }, recursionLimit: 1_000 });
    const seen: { step: number; status: string }[] = [];
    const run = await runOnStepFunctions(
      loopWorkflow("per-node"),
      {},
      { aws, threadId: "long-per-node", onPlan: (p) => seen.push({ step: p.step, status: p.status }) },
    );

    expect(run.status).toBe("succeeded");
    expect(run.state).toEqual(plain);
    expect(run.supersteps).toBe(ROUNDS);
    // 500 supersteps, 120 per execution: five executions, each started by the one before.
    expect(run.executions).toHaveLength(Math.ceil(ROUNDS / AFTER));
    expect(new Set(run.executions).size).toBe(run.executions.length);
    const continued = seen.filter((p) => p.status === "continued");
    expect(continued).toHaveLength(run.executions.length - 1);
    // Each execution committed exactly `AFTER` supersteps before handing over.
    expect(continued.map((p) => p.step)).toEqual(continued.map((_, i) => (i + 1) * AFTER));
    // Observed transitions: every execution's states, the Continue states among them.
    expect(run.stats.invocationsByState.Start).toBe(run.executions.length);
    // The lease ended with the last execution, released (nobody holds the thread).
    expect(await leaseHolder("long-per-node")).toBe(run.executions.at(-1));
  }, 120_000);

  it("per-superstep hosting continues too: one run to the CLI, the API view and telemetry", async () => {
    const rounds = 60;
    const plain = await longLoopGraph(rounds)
      .compile({ checkpointer: new MemorySaver() })
      .invoke({}, { configurable: { thread_id: "plain" }, recursionLimit: 1_000 });
    const workflow = loopWorkflow("per-superstep", { rounds, afterSupersteps: 25 });
    const threadId = "long-per-superstep";
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    // What `switchyard runs` and `GET /runs/{id}` say at each hand-over.
    const between: Promise<[string | undefined, string]>[] = [];
    const run = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        threadId,
        observer: telemetry.observer,
        onPlan: (p) => {
          if (p.status === "continued")
            between.push(Promise.all([localStatus(workflow, threadId), apiStatus(workflow, threadId)]));
        },
      },
    );
    await telemetry.flush();

    expect(run.status).toBe("succeeded");
    expect(run.state).toEqual(plain);
    expect(run.executions).toHaveLength(3);
    expect(await Promise.all(between)).toEqual([
      ["running", "running"],
      ["running", "running"],
    ]);
    expect([await localStatus(workflow, threadId), await apiStatus(workflow, threadId)]).toEqual([
      "succeeded",
      "succeeded",
    ]);
    // One run began and one succeeded: a hand-over is neither an end nor a failure.
    const points = telemetry.capture?.metrics;
    expect(points?.sum(CATALOG.runsStarted, { Workflow: "long-loop" })).toBe(1);
    expect(points?.sum(CATALOG.runsSucceeded, { Workflow: "long-loop" })).toBe(1);
    expect(points?.sum(CATALOG.runsFailed, { Workflow: "long-loop" })).toBe(0);
    const spans = telemetry.capture?.spans().filter((s) => s.name === "invoke_workflow long-loop") ?? [];
    expect(spans).toHaveLength(1);
  });

  it("per run: continueAsNew as a run option, over the workflow's; refused, naming it, in per-graph hosting", async () => {
    const run = await runOnStepFunctions(
      loopWorkflow("per-node", { rounds: 12, afterSupersteps: 100 }),
      {},
      { aws, threadId: "per-run", continueAsNew: { afterSupersteps: 5 } },
    );
    const single = await runOnStepFunctions(
      defineWorkflow({
        name: "long-loop",
        graph: longLoopGraph(3),
        hosting: "per-graph",
        input: z.object({}),
      }),
      {},
      { aws, threadId: "per-run-single", continueAsNew: { afterSupersteps: 5 } },
    );

    expect(run.status).toBe("succeeded");
    expect(run.state).toMatchObject({ rounds: 12 });
    // 12 supersteps, 5 per execution — every successor kept the run's own setting.
    expect(run.executions).toHaveLength(3);
    expect(single.status).toBe("failed");
    expect(single.error?.code).toBe("Switchyard.InvalidInput");
    expect(single.error?.message).toMatch(/continueAsNew: per-graph hosting/);
  });

  it("the recursion limit keeps counting across executions: the same invoke", async () => {
    const inProcess = await runInProcess(
      loopWorkflow("per-node", { rounds: 40, recursionLimit: 30 }),
      {},
      { aws, threadId: "limit-in-process" },
    );
    const run = await runOnStepFunctions(
      loopWorkflow("per-node", { rounds: 40, recursionLimit: 30, afterSupersteps: 8 }),
      {},
      { aws, threadId: "limit-continued" },
    );

    expect(inProcess.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(run.state).toEqual(inProcess.state);
    expect(run.supersteps).toBe(inProcess.supersteps);
    // 30 supersteps, 8 per execution: the fourth execution meets the limit.
    expect(run.executions).toHaveLength(4);
  });

  it("a retried commit names the same successor; once the successor holds the thread, the old commit is refused", async () => {
    const workflow = loopWorkflow("per-node", { rounds: 10, afterSupersteps: 3 });
    const engine = createEngineSteps({ saver: localSaver(aws), leases: localLeases(aws) }, () => workflow);
    const threadId = "retried-commit";
    let plan = await engine.start({ workflow: workflow.name, threadId, runId: "first-exec", input: {} });
    let event: object = {};
    while (plan.status === "running") {
      const results = [];
      for (const task of plan.tasks) {
        const ref = {
          workflow: workflow.name,
          threadId,
          checkpointId: plan.checkpointId,
          taskId: task.id,
          node: task.node,
        };
        results.push(await engine.runNode(ref));
      }
      event = { ...plan, results };
      plan = await engine.commit(event);
    }

    expect(plan.status).toBe("continued");
    expect(plan.history?.supersteps).toBe(3);
    // Step Functions retries the commit (its response was lost): the same plan, the same successor.
    const again = await engine.commit(event);
    expect(again.status).toBe("continued");
    expect(again.successor).toEqual(plan.successor);
    expect(await leaseHolder(threadId)).toBe("first-exec");

    const successor = plan.successor;
    if (!successor) throw new Error("no successor");
    const next = await engine.start(successor.input);
    expect(next.status).toBe("running");
    expect(next.step).toBe(plan.step);
    expect(await leaseHolder(threadId)).toBe(successor.name);
    // A late retry of the old execution's commit no longer owns the thread.
    await expect(engine.commit(event)).rejects.toMatchObject({ name: "Switchyard.ThreadBusy" });
  });

  it("a successor takes the lease over only from the execution it continues", async () => {
    const workflow = loopWorkflow("per-node", { rounds: 6 });
    const stop = new AbortController();
    const stopped = await runOnStepFunctions(
      workflow,
      {},
      { aws, threadId: "lease-pass", signal: stop.signal, onPlan: (p) => p.step >= 2 && stop.abort() },
    );
    expect(stopped.error?.code).toBe("Switchyard.ExecutionAborted");
    // As a continued execution leaves it: its holder still has the thread.
    const leases = localLeases(aws);
    await leases.take("lease-pass", "predecessor");
    const options = { aws, saver: localSaver(aws), threadId: "lease-pass" };

    const stranger = await runOnStepFunctionsWith(
      workflow,
      { recover: true, continues: "someone-else" },
      options,
    );
    expect(stranger.status).toBe("failed");
    expect(stranger.error?.code).toBe("Switchyard.ThreadBusy");
    expect(await leaseHolder("lease-pass")).toBe("predecessor");

    const successor = await runOnStepFunctionsWith(
      workflow,
      { recover: true, continues: "predecessor" },
      options,
    );
    expect(successor.status).toBe("succeeded");
    expect(successor.state).toMatchObject({ rounds: 6 });
    expect(await leaseHolder("lease-pass")).toBe(successor.executionName);
  });
});
