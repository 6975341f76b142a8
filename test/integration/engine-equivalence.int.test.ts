import {
  type Hosting,
  resumeInProcess,
  resumeOnStepFunctions,
  runInProcess,
  runOnStepFunctions,
  type WorkflowDefinition,
} from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workflows } from "#workflows";
import {
  approvalWorkflow,
  fanOutWorkflow,
  flakyFailures,
  joinCommandWorkflow,
  nodeRuns,
  pricingDownWorkflow,
  retryWorkflow,
  subgraphInterruptWorkflow,
  supervisorWorkflow,
} from "../fixtures/graphs.ts";

/**
 * The core promise: for the same input, the state machine (every hosting mode) and LangGraph's
 * own in-process loop give the same final state, status and number of supersteps.
 */
const HOSTINGS: Hosting[] = ["per-node", "per-superstep", "single"];
const SCENARIOS: [string, (h: Hosting) => WorkflowDefinition, unknown][] = [
  ["Send fan-out with reducers", (h) => fanOutWorkflow(h), {}],
  [
    "supervisor loop with conditional edges",
    supervisorWorkflow,
    { open: ["price-1", "settle-1", "price-2", "settle-2"] },
  ],
  ["join edges and Command({ goto, update })", joinCommandWorkflow, {}],
  ["a node that fails twice, then succeeds under its retry policy", retryWorkflow, {}],
  ["a node that keeps failing, recovered by its error handler's route", pricingDownWorkflow, {}],
];

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "equivalence" });
});
afterAll(async () => {
  await aws?.stop();
});

describe.each(HOSTINGS)("runOnStepFunctions ≡ runInProcess (%s hosting)", (hosting) => {
  it.each(SCENARIOS)("%s", async (_name, make, input) => {
    const workflow = make(hosting);

    const local = await runInProcess(workflow, input, { aws });
    const distributed = await runOnStepFunctions(workflow, input, { aws, retryIntervalMs: 1 });

    expect(local.status).toBe("succeeded");
    expect(distributed.status).toBe(local.status);
    expect(distributed.state).toEqual(local.state);
    expect(distributed.supersteps).toBe(local.supersteps);
    expect(distributed.supersteps).toBeGreaterThan(0);
  });

  it("interrupt(): both wait with the same question, and resume to the same end", async () => {
    const workflow = approvalWorkflow(hosting);

    const local = await runInProcess(workflow, {}, { aws });
    const distributed = await runOnStepFunctions(workflow, {}, { aws });

    expect(distributed.status).toBe("waiting");
    expect(distributed.interrupts).toEqual(local.interrupts);
    expect(distributed.state).toEqual(local.state);

    const localDone = await resumeInProcess(workflow, local.threadId, "approve", { aws });
    const distributedDone = await resumeOnStepFunctions(workflow, distributed.threadId, "approve", { aws });

    expect(distributedDone.status).toBe("succeeded");
    expect(distributedDone.state).toEqual(localDone.state);
    expect(distributedDone.state.log).toEqual(["propose", "approve:approve", "apply"]);
    expect(distributedDone.supersteps).toBe(localDone.supersteps);
  });

  it("interrupt() inside a subgraph: resumed where it stopped, each node run as often as invoke runs it", async () => {
    const workflow = subgraphInterruptWorkflow(hosting);

    const local = await runInProcess(workflow, {}, { aws });
    const distributed = await runOnStepFunctions(workflow, {}, { aws });
    const localDone = await resumeInProcess(workflow, local.threadId, "yes", { aws });
    const distributedDone = await resumeOnStepFunctions(workflow, distributed.threadId, "yes", { aws });

    expect(distributed.status).toBe("waiting");
    expect(distributed.interrupts).toEqual(local.interrupts);
    expect(distributedDone.status).toBe("succeeded");
    expect(distributedDone.state).toEqual(localDone.state);
    expect(distributedDone.state).toMatchObject({ log: ["intake", "book"], desk: ["prepare", "review:yes"] });
    expect(nodeRuns.get(distributed.threadId)).toEqual(nodeRuns.get(local.threadId));
    expect(nodeRuns.get(local.threadId)).toEqual(["intake", "prepare", "review", "review", "book"]);
  });
});

describe.each(HOSTINGS)("every sample workflow, %s hosting", (hosting) => {
  it.each(Object.keys(workflows))("%s on its default input", async (name) => {
    const workflow = { ...(workflows[name] as WorkflowDefinition), hosting };

    const local = await runInProcess(workflow, {}, { aws });
    const distributed = await runOnStepFunctions(workflow, {}, { aws });

    expect(local.status).toBe("succeeded");
    expect(distributed.status).toBe(local.status);
    // A workflow that writes files names its output folder after the run: compare run-blind.
    expect(runBlind(distributed.state, distributed.threadId)).toEqual(runBlind(local.state, local.threadId));
    expect(distributed.supersteps).toBe(local.supersteps);
  });
});

/** The state with the run's own id replaced, so two runs' states compare on everything else. */
function runBlind(state: unknown, threadId: string): unknown {
  return JSON.parse(JSON.stringify(state).replaceAll(threadId, "<run>"));
}

describe("per-node hosting on Step Functions", () => {
  it("retries a node that keeps failing per its policy, then takes its error handler's route", async () => {
    const run = await runOnStepFunctions(pricingDownWorkflow("per-node"), {}, { aws, retryIntervalMs: 1 });

    expect(run.status).toBe("succeeded");
    expect(run.state).toMatchObject({
      route: "escalate",
      failures: ["pricing: pricing service unavailable"],
    });
    expect(run.stats.invocationsByState["Run pricing"]).toBe(2);
    expect(run.stats.invocationsByState["Run escalate"]).toBe(1);
    expect(run.stats.invocationsByState["Run auto_fix"]).toBeUndefined();
  });

  it("retries a failing node through its ASL Retry, once per failure", async () => {
    const workflow = retryWorkflow("per-node");

    const run = await runOnStepFunctions(workflow, {}, { aws, retryIntervalMs: 1 });

    expect(run.status).toBe("succeeded");
    expect(run.state.attempts).toBe(3);
    expect(flakyFailures.get(run.threadId)).toBe(3);
    expect(run.stats.retries).toBe(2);
    expect(run.stats.invocationsByState["Run fetch_price"]).toBe(3);
  });

  it("runs each Send task in its own node invocation", async () => {
    const run = await runOnStepFunctions(fanOutWorkflow("per-node", 8), {}, { aws });

    expect(run.stats.invocationsByState["Run match"]).toBe(8);
    expect(run.stats.invocationsByState.Commit).toBe(run.supersteps);
  });
});
