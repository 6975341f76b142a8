import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DefineWorkflowOptions,
  defineWorkflow,
  type NodeSettings,
  threadConfig,
  type WorkflowDefinition,
} from "#engine";
import { type ExecutionStatusChangeEvent, failedRunFromEvent } from "#ops";
import { investigation, reconciliation, triage } from "#workflows";
import { LocalExecutions } from "../../local/executions.ts";
import { localSaver } from "../../local/saver.ts";
import { fanOutWorkflow, supervisorWorkflow } from "../fixtures/graphs.ts";

/**
 * Express execution on the embedded AWS (docs/engine.md, "Express execution"): Express is
 * at-least-once, so every task and every commit may be delivered twice — the checkpoints must
 * be those of a single delivery; and the sample workflows give Standard's results as Express.
 */
let aws: LocalAws;
let saver: BaseCheckpointSaver;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "express" });
  saver = localSaver(aws);
});
afterAll(async () => {
  await aws?.stop();
});

/**
 * The Express twin of a workflow: continuing as new after every superstep (so a looping graph
 * fits in 5 minutes) and with node timeouts capped where a node's own would not fit.
 */
function asExpress(
  workflow: WorkflowDefinition,
  nodes: Record<string, NodeSettings> = {},
): WorkflowDefinition {
  return defineWorkflow({
    ...workflow,
    nodes: { ...workflow.nodes, ...nodes },
    execution: "express",
    continueAsNew: { afterSupersteps: 1 },
  } as DefineWorkflowOptions<unknown, unknown>);
}

/** A thread's checkpoints, oldest first, by content: step, source, channel values (ids and times left out). */
async function checkpointsOf(threadId: string) {
  const history = [];
  for await (const t of saver.list(threadConfig(threadId))) {
    history.push({
      step: t.metadata?.step,
      source: t.metadata?.source,
      values: t.checkpoint.channel_values,
      writes: (t.pendingWrites ?? []).map(([, channel, value]) => [channel, value]),
    });
  }
  return history.reverse();
}

describe("at-least-once delivery, as Express gives it", () => {
  for (const [name, make] of [
    ["Send fan-out with reducers", () => fanOutWorkflow("per-node", 4)],
    ["supervisor loop with conditional edges", () => supervisorWorkflow("per-node")],
  ] as const) {
    it(`${name}: the start, every task and every commit delivered twice write the checkpoints of one delivery`, async () => {
      // Prepare
      const workflow = asExpress(make());
      const deliveries: { role: string; first: unknown; again: unknown }[] = [];

      // Act
      const single: string[] = [];
      const once = await runOnStepFunctions(
        workflow,
        {},
        {
          aws,
          retryIntervalMs: 1,
          wrapHandler: (slot, handler) => async (event) => {
            single.push(slot.role);
            return handler(event);
          },
        },
      );
      const twice = await runOnStepFunctions(
        workflow,
        {},
        {
          aws,
          retryIntervalMs: 1,
          wrapHandler: (slot, handler) =>
            slot.role === "start" || slot.role === "node" || slot.role === "commit"
              ? async (event) => {
                  const first = await handler(event);
                  const again = await handler(event);
                  deliveries.push({ role: slot.role, first, again });
                  return again;
                }
              : handler,
        },
      );

      // Assess: the same run, and the same checkpoints by content
      expect(twice.status).toBe("succeeded");
      expect(twice.state).toEqual(once.state);
      expect(twice.supersteps).toBe(once.supersteps);
      expect(await checkpointsOf(twice.threadId)).toEqual(await checkpointsOf(once.threadId));
      // Each delivery really happened twice, and the second found the work done (counted here).
      const tasks = deliveries.filter((d) => d.role === "node");
      const commits = deliveries.filter((d) => d.role === "commit");
      expect(tasks.length).toBeGreaterThan(0);
      expect(tasks.length).toBe(single.filter((r) => r === "node").length);
      expect(commits.length).toBe(single.filter((r) => r === "commit").length);
      for (const task of tasks) {
        expect((task.first as { outcome: string }).outcome).toBe("done");
        expect((task.again as { outcome: string }).outcome).toBe("skipped-finished");
      }
      // The repeated commit finds the thread moved on and answers the same plan; the repeated
      // start finds its run's input applied and continues the run (run-stamp.ts).
      for (const commit of commits) expect(commit.again).toEqual(commit.first);
      // (one start per execution: the run continues as new after each superstep)
      const starts = deliveries.filter((d) => d.role === "start");
      expect(starts).toHaveLength(twice.executions?.length ?? 1);
      for (const start of starts) expect(start.again).toEqual(start.first);
    });
  }
});

describe("a start delivered twice", () => {
  it("applies the input twice on Standard, which never repeats one (the guard is Express's)", async () => {
    // Standard refuses a second execution of a name, so its start has no run stamp: delivered
    // twice, the input is applied twice — what an Express run would do without the stamp.
    const twiceStarted = async (workflow: WorkflowDefinition) =>
      runOnStepFunctions(
        workflow,
        {},
        {
          aws,
          retryIntervalMs: 1,
          wrapHandler: (slot, handler) =>
            slot.role === "start"
              ? async (event) => {
                  await handler(event);
                  return handler(event);
                }
              : handler,
        },
      );
    const standard = await twiceStarted(fanOutWorkflow("per-node", 2));
    const express = await twiceStarted(asExpress(fanOutWorkflow("per-node", 2)));
    const inputs = async (threadId: string) =>
      (await checkpointsOf(threadId)).filter((c) => c.source === "input").length;
    expect(await inputs(standard.threadId)).toBe(2);
    expect(await inputs(express.threadId)).toBe(1);
  });
});

describe("the sample workflows as Express", () => {
  const input = { dataset: { trades: 300 } };
  for (const [workflow, nodes] of [
    [triage, {}],
    // Reconciliation's 300 s partition and summary would not fit 5 minutes with the start.
    [reconciliation, { partition: { timeoutSeconds: 120 }, summarize: { timeoutSeconds: 120 } }],
    [investigation, {}],
  ] as const) {
    it(`${workflow.name}: the same status, supersteps, state and result as Standard`, async () => {
      // Prepare
      const express = asExpress(workflow, nodes);
      expect(workflow.execution).toBe("standard");
      expect(express.execution).toBe("express");

      // Act
      const standardRun = await runOnStepFunctions(workflow, input, { aws, retryIntervalMs: 1 });
      const expressRun = await runOnStepFunctions(express, input, { aws, retryIntervalMs: 1 });

      // Assess
      expect(expressRun.status).toBe(standardRun.status);
      expect(expressRun.supersteps).toBe(standardRun.supersteps);
      expect(withoutRunIds(expressRun.state)).toEqual(withoutRunIds(standardRun.state));
      const result = workflow.result?.of(standardRun.state as never);
      expect(result).toBeDefined();
      expect(withoutRunIds(express.result?.of(expressRun.state as never))).toEqual(withoutRunIds(result));
    });
  }
});

/** A run's own thread id appears in what it writes (output paths): equal runs differ only there. */
function withoutRunIds(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      "<id>",
    ),
  );
}

describe("a failed Express execution on the local runner", () => {
  it("is reported from its execution log, not as an EventBridge event: the same failed-run record", async () => {
    // Prepare: the summary keeps failing
    const workflow = asExpress(fanOutWorkflow("per-node", 2));
    const announced: ExecutionStatusChangeEvent[] = [];
    const executions = new LocalExecutions({
      aws,
      workflowNamed: () => workflow,
      retryIntervalMs: 1,
      onFailed: async (event) => void announced.push(event),
      wrapHandler: (slot, handler) => async (event) => {
        if (slot.node === "summarize")
          throw Object.assign(new Error("report store down"), { name: "StoreDownError" });
        return handler(event);
      },
    });

    // Act
    await executions.startExecution({
      name: "xp-run-0001",
      workflow: workflow.name,
      input: { workflow: workflow.name, threadId: "xp-thread-1", runId: "xp-run-0001", input: {} },
    });
    const record = await executions.wait("xp-run-0001");

    // Assess
    expect(record.status).toBe("FAILED");
    expect(record.executionArn).toMatch(/:express:switchyard-express-fan-out:xp-run-0001:[0-9a-f-]{36}$/);
    expect(announced).toHaveLength(1);
    const run = await failedRunFromEvent(announced[0] as ExecutionStatusChangeEvent);
    expect(run).toMatchObject({
      runId: "xp-run-0001",
      threadId: "xp-thread-1",
      workflow: workflow.name,
      status: "FAILED",
      executionArn: record.executionArn,
      node: "summarize",
      error: { code: record.error?.code },
    });
  });
});
