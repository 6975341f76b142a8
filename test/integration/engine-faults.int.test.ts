import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStateMachine, runStateName } from "#engine";
import { FaultInjectionCallbacks, Faults, parseFaults } from "#faults";
import { fanOutWorkflow, supervisorWorkflow } from "../fixtures/graphs.ts";

/**
 * Faults injected from inside LangGraph's run (FAULTS): a transient node failure is retried by
 * the node's ASL Retry with its configured backoff, then the run ends as a clean run does.
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "faults" });
});
afterAll(async () => {
  await aws?.stop();
});

function flakyMatchWorkflow() {
  const base = fanOutWorkflow("per-node", 5);
  return {
    ...base,
    nodes: { match: { retry: { maxAttempts: 3, initialIntervalMs: 1000, backoffFactor: 2, jitter: false } } },
  };
}

describe("node faults on Step Functions", () => {
  it("maps the node's retry to ASL: 1 s, ×2, 2 retries, no jitter", () => {
    const spec = buildStateMachine(flakyMatchWorkflow());
    const map = (
      spec.definition.States as Record<
        string,
        { ItemProcessor: { States: Record<string, { Retry: object[] }> } }
      >
    ).RunTasks;

    const retry = map?.ItemProcessor.States[runStateName("match")]?.Retry.at(-1);

    expect(retry).toEqual({
      ErrorEquals: ["States.ALL"],
      IntervalSeconds: 1,
      MaxAttempts: 2,
      BackoffRate: 2,
      MaxDelaySeconds: 128,
      JitterStrategy: "NONE",
    });
  });

  it("retries a transient node fault after the configured interval, then succeeds like a clean run", async () => {
    const workflow = flakyMatchWorkflow();
    const faults = new Faults(parseFaults("node:match=timeout*2", "dev"));

    const started = performance.now();
    const run = await runOnStepFunctions(
      workflow,
      {},
      { aws, callbacks: [new FaultInjectionCallbacks(faults)] },
    );
    const elapsed = performance.now() - started;
    const clean = await runInProcess(workflow, {}, { aws });

    expect(faults.injected.map((f) => `${f.kind}:${f.name}=${f.mode}`)).toEqual([
      "node:match=timeout",
      "node:match=timeout",
    ]);
    expect(run.status).toBe("succeeded");
    expect(run.stats.retries).toBe(2);
    expect(run.stats.invocationsByState["Run match"]).toBe(5 + 2);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(run.state).toEqual(clean.state);
  });

  it("fails the run when a node without a retry policy faults, keeping finished work for recovery", async () => {
    const faults = new Faults(parseFaults("node:pricing=throw", "dev"));

    const run = await runOnStepFunctions(
      supervisorWorkflow("per-node"),
      {},
      { aws, callbacks: [new FaultInjectionCallbacks(faults)] },
    );

    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ node: "pricing" });
    expect(run.stats.invocationsByState["Run supervisor"]).toBe(1);
  });
});
