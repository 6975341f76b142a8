import { recoverOnStepFunctions, runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineSteps, type SuperstepPlan } from "#engine";
import { localSaver } from "../../local/saver.ts";
import { fanOutWorkflow, supervisorWorkflow } from "../fixtures/graphs.ts";

/**
 * Recovery never redoes finished work: a failed task is the only one re-run, a repeated commit
 * applies once, and a run stopped between supersteps continues at the next one.
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "recovery" });
});
afterAll(async () => {
  await aws?.stop();
});

const taskId = (event: unknown) => (event as { taskId: string }).taskId;

describe("recovery from the last checkpoint", () => {
  it("re-runs only the task that failed permanently in a 5-task superstep", async () => {
    const workflow = fanOutWorkflow("per-node", 5);
    let failedTask: string | undefined;
    const firstRunCalls: string[] = [];

    const first = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        wrapHandler: (slot, handler) => async (event) => {
          if (slot.node !== "match") return handler(event);
          firstRunCalls.push(taskId(event));
          if (failedTask === undefined || failedTask === taskId(event)) {
            failedTask = taskId(event);
            throw Object.assign(new Error("confirmation feed down"), { name: "FeedDownError" });
          }
          return handler(event);
        },
      },
    );
    const secondRunCalls: string[] = [];
    const second = await recoverOnStepFunctions(workflow, first.threadId, {
      aws,
      wrapHandler: (slot, handler) => async (event) => {
        if (slot.node === "match") secondRunCalls.push(taskId(event));
        return handler(event);
      },
    });
    const reference = await runInProcess(workflow, {}, { aws });

    expect(first.status).toBe("failed");
    expect(first.error).toMatchObject({ code: "FeedDownError", node: "match", taskId: failedTask });
    expect(new Set(firstRunCalls).size).toBe(5);
    expect(secondRunCalls).toEqual([failedTask]);
    expect(second.status).toBe("succeeded");
    expect(second.state).toEqual(reference.state);
  });

  it("applies a commit once when Step Functions delivers it twice", async () => {
    const workflow = fanOutWorkflow("per-node", 3);
    const engine = createEngineSteps({ saver: localSaver(aws) }, () => workflow);
    const threadId = "commit-twice";
    const planned = await engine.start({ workflow: workflow.name, threadId, input: {} });
    let plan: SuperstepPlan = await engine.commit({ ...planned, results: [] }); // superstep 1: partition
    for (const task of plan.tasks) {
      await engine.runNode({
        workflow: workflow.name,
        threadId,
        checkpointId: plan.checkpointId,
        taskId: task.id,
        node: task.node,
      });
    }

    const once = await engine.commit({ ...plan, results: [] });
    const twice = await engine.commit({ ...plan, results: [] });
    plan = twice;
    while (plan.status === "running") {
      for (const task of plan.tasks) {
        await engine.runNode({
          workflow: workflow.name,
          threadId,
          checkpointId: plan.checkpointId,
          taskId: task.id,
          node: task.node,
        });
      }
      plan = await engine.commit({ ...plan, results: [] });
    }
    const reference = await runInProcess(workflow, {}, { aws });
    const final = await runOnStepFunctions(workflow, {}, { aws });

    expect(planned.tasks.map((t) => t.node)).toEqual(["partition"]);
    expect(twice.checkpointId).toBe(once.checkpointId);
    expect(twice.step).toBe(once.step);
    expect(plan.status).toBe("succeeded");
    expect(final.state).toEqual(reference.state);
  });

  it("a node task of an already-committed superstep is not run again", async () => {
    const workflow = fanOutWorkflow("per-node", 2);
    const engine = createEngineSteps({ saver: localSaver(aws) }, () => workflow);
    const threadId = "stale-task";
    const started = await engine.start({ workflow: workflow.name, threadId, input: {} });
    const task = started.tasks[0] as { id: string; node: string };
    const ref = {
      workflow: workflow.name,
      threadId,
      checkpointId: started.checkpointId,
      taskId: task.id,
      node: task.node,
    };

    const first = await engine.runNode(ref);
    const again = await engine.runNode(ref);
    await engine.commit({ ...started, results: [] });
    const late = await engine.runNode(ref);

    expect(first.outcome).toBe("done");
    expect(again.outcome).toBe("skipped-finished");
    expect(late.outcome).toBe("skipped-stale");
  });

  it("continues at the next superstep after the execution stopped between two", async () => {
    const workflow = supervisorWorkflow("per-node");
    const input = { open: ["price-1", "settle-1", "price-2"] };
    const stop = new AbortController();
    const ranBefore: string[] = [];
    const ranAfter: string[] = [];
    const record =
      (into: string[]) =>
      (slot: { node?: string }, handler: (e: unknown) => Promise<unknown>) =>
      async (e: unknown) => {
        if (slot.node) into.push(slot.node);
        return handler(e);
      };

    const stopped = await runOnStepFunctions(workflow, input, {
      aws,
      wrapHandler: record(ranBefore),
      onPlan: (plan) => {
        if (plan.step === 3) stop.abort(); // superstep 3 committed, the execution is lost
      },
      signal: stop.signal,
    });
    const recovered = await recoverOnStepFunctions(workflow, stopped.threadId, {
      aws,
      wrapHandler: record(ranAfter),
    });
    const reference = await runInProcess(workflow, input, { aws });

    expect(stopped.status).toBe("failed");
    expect(stopped.error?.code).toBe("Switchyard.ExecutionAborted");
    expect(recovered.status).toBe("succeeded");
    expect(recovered.state).toEqual(reference.state);
    expect([...ranBefore, ...ranAfter].length).toBe(reference.supersteps);
    expect(ranAfter.length).toBe(reference.supersteps - ranBefore.length);
  });
});

describe("input the workflow refuses", () => {
  it("fails the execution with the typed input error, and writes no checkpoint", async () => {
    const workflow = fanOutWorkflow("per-node", 2);

    const run = runOnStepFunctions(workflow, { trades: "not a list" }, { aws, threadId: "bad-input-thread" });

    await expect(run).resolves.toMatchObject({
      status: "failed",
      error: { code: "Switchyard.InvalidInput" },
    });
    expect(
      await localSaver(aws).getTuple({ configurable: { thread_id: "bad-input-thread" } }),
    ).toBeUndefined();
  });
});

describe("a failed execution's error", () => {
  it("is the failing task's own code, with node and task in a JSON cause", async () => {
    const workflow = fanOutWorkflow("per-node", 3);
    let failed = false;

    const run = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        wrapHandler: (slot, handler) => async (event) => {
          if (slot.node === "match" && !failed) {
            failed = true;
            throw Object.assign(new Error("feed down"), { name: "FeedDownError" });
          }
          return handler(event);
        },
      },
    );

    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ code: "FeedDownError", node: "match" });
    expect(run.executionError).toMatchObject({ Error: "FeedDownError" });
    expect(JSON.parse(run.executionError?.Cause ?? "{}")).toMatchObject({
      code: "FeedDownError",
      node: "match",
    });
  });
});
