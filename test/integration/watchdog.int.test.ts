import { runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishRun } from "../../cli/run.ts";
import { readLocalRun } from "../../local/runs.ts";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * A local run that stops moving is ended by the watchdog, naming where it stood, instead of
 * hanging; a run stopped by its signal (Ctrl-C) ends at a clean point — the tasks already
 * running finish and keep their output — and the CLI says how to continue either (exit 3, 130).
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "watchdog" });
});
afterAll(async () => {
  await aws?.stop();
});

const lines = () => {
  const printed: string[] = [];
  return { printed, say: (line: string) => printed.push(line) };
};

describe("watchdog", () => {
  it("ends a run whose task never returns with Switchyard.RunStalled, naming the state and the task", async () => {
    const workflow = fanOutWorkflow("per-node", 3);
    let hung: string | undefined;

    const result = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        stallTimeoutMs: 1500,
        wrapHandler: (slot, handler) => async (event) => {
          if (slot.node !== "match" || hung) return handler(event);
          hung = (event as { taskId: string }).taskId;
          return new Promise(() => undefined); // a call that never comes back
        },
      },
    );
    const stopped = await readLocalRun(aws, workflow, result.threadId);
    const progress = lines();
    const code = finishRun(
      { json: false, out: progress.say, progress: progress.say, dataDir: "/tmp/runs" },
      {
        workflow,
        result,
        summary: undefined,
        facts: {},
        nodeExecutions: {},
        ...(stopped ? { stopped } : {}),
      },
    );

    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("Switchyard.RunStalled");
    expect(result.error?.message).toMatch(/^No progress for \d+\.\d s at step 1 \(checkpoint [\w-]+\): /);
    expect(result.error?.message).toContain(`"Run match" task ${hung} running for`);
    // The watchdog stops waiting for the hung call; the two other matches finished.
    expect(stopped).toMatchObject({ status: "interrupted", step: 1, tasks: { done: 2, total: 3 } });
    expect(code).toBe(3);
    expect(progress.printed).toEqual([
      `■ stalled: ${result.error?.message}`,
      `  run ${result.threadId} stopped at step 1, 2 of 3 task(s) done`,
      `  continue it with: switchyard resume ${result.threadId} --data-dir /tmp/runs`,
    ]);
  });

  it("a stopped run lets the tasks already running finish, keeps their output, and exits 130", async () => {
    const workflow = fanOutWorkflow("per-node", 4);
    const stop = new AbortController();
    const started: string[] = [];

    const result = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        signal: stop.signal,
        wrapHandler: (slot, handler) => async (event) => {
          if (slot.node !== "match") return handler(event);
          started.push((event as { taskId: string }).taskId);
          // Ctrl-C arrives while the first matches run; they still finish.
          if (started.length === 1) stop.abort();
          return handler(event);
        },
      },
    );
    const stopped = await readLocalRun(aws, workflow, result.threadId);
    const progress = lines();
    const code = finishRun(
      { json: false, out: progress.say, progress: progress.say },
      {
        workflow,
        result,
        summary: undefined,
        facts: {},
        nodeExecutions: {},
        ...(stopped ? { stopped } : {}),
      },
    );

    expect(result.error?.code).toBe("Switchyard.ExecutionAborted");
    expect(stopped).toMatchObject({
      status: "interrupted",
      step: 1,
      tasks: { done: started.length, total: 4 },
    });
    expect(started.length).toBeGreaterThan(0);
    expect(code).toBe(130);
    expect(progress.printed).toEqual([
      "■ stopped (Ctrl-C)",
      `  run ${result.threadId} stopped at step 1, ${started.length} of 4 task(s) done`,
      "  the local AWS was in memory (--memory): the run is gone with this process",
    ]);
  });
});
