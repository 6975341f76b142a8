import {
  type Hosting,
  type RunResult,
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
  bookingAttempts,
  deferredWorkflow,
  fanOutWorkflow,
  flakyFailures,
  joinCommandWorkflow,
  nodeRuns,
  parentCommandWorkflow,
  pricingDownWorkflow,
  refusedRetryWorkflow,
  retryWorkflow,
  signOffWorkflow,
  subgraphInterruptWorkflow,
  supervisorWorkflow,
  zodStateWorkflow,
} from "../fixtures/graphs.ts";

/**
 * The core promise: for the same input, the state machine (every hosting mode) and LangGraph's
 * own in-process loop give the same final state, status and number of supersteps.
 */
const HOSTINGS: Hosting[] = ["per-node", "per-superstep", "per-graph"];
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
  ["Command({ graph: PARENT, goto }) from inside a subgraph", parentCommandWorkflow, {}],
  ["a deferred node waits for every branch", deferredWorkflow, {}],
  [
    "a zod state schema as the run input (no input schema of its own)",
    zodStateWorkflow,
    { queue: ["a", "b"] },
  ],
];

/** What a waiting run asks, without the interrupt ids (they derive from each run's own checkpoints). */
const asked = (run: RunResult) => run.interrupts?.map(({ node, value }) => ({ node, value }));

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

  it("a node whose retryOn refuses the error runs once, and its handler sees the node's own code", async () => {
    const workflow = refusedRetryWorkflow(hosting);

    const local = await runInProcess(workflow, {}, { aws });
    const distributed = await runOnStepFunctions(workflow, {}, { aws, retryIntervalMs: 1 });

    expect(local.state.failures).toEqual(["Demo.Rejected: counterparty rejected the booking"]);
    expect(distributed.state).toEqual(local.state);
    expect(bookingAttempts.get(local.threadId)).toBe(1);
    expect(bookingAttempts.get(distributed.threadId)).toBe(1);
  });

  it("interrupt(): both wait with the same question, and resume to the same end", async () => {
    const workflow = approvalWorkflow(hosting);

    const local = await runInProcess(workflow, {}, { aws });
    const distributed = await runOnStepFunctions(workflow, {}, { aws });

    expect(distributed.status).toBe("waiting");
    expect(asked(distributed)).toEqual(asked(local));
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
    // Answered by id: the answer must reach the interrupt inside the subgraph.
    const byId = (run: RunResult) => ({ [run.interrupts?.[0]?.id ?? ""]: "yes" });
    const localDone = await resumeInProcess(workflow, local.threadId, byId(local), { aws });
    const distributedDone = await resumeOnStepFunctions(workflow, distributed.threadId, byId(distributed), {
      aws,
    });

    expect(distributed.status).toBe("waiting");
    expect(asked(distributed)).toEqual(asked(local));
    expect(distributedDone.status).toBe("succeeded");
    expect(distributedDone.state).toEqual(localDone.state);
    expect(distributedDone.state).toMatchObject({ log: ["intake", "book"], desk: ["prepare", "review:yes"] });
    expect(nodeRuns.get(distributed.threadId)).toEqual(nodeRuns.get(local.threadId));
    expect(nodeRuns.get(local.threadId)).toEqual(["intake", "prepare", "review", "review", "book"]);
  });

  it("parallel interrupts answered one by one by id, then several interrupts in one node", async () => {
    const workflow = signOffWorkflow(hosting);
    const idOf = (run: RunResult, node: string) => run.interrupts?.find((i) => i.node === node)?.id ?? "";

    const runs = await Promise.all([
      runInProcess(workflow, {}, { aws }),
      runOnStepFunctions(workflow, {}, { aws }),
    ]);
    const [local, distributed] = runs;
    // A single value cannot answer two questions: refused, naming the ids, on both runners.
    await expect(resumeInProcess(workflow, local.threadId, "yes", { aws })).rejects.toThrow(
      /answer each by id/,
    );
    await expect(resumeOnStepFunctions(workflow, distributed.threadId, "yes", { aws })).rejects.toThrow(
      /answer each by id/,
    );
    await expect(
      resumeOnStepFunctions(workflow, distributed.threadId, { [idOf(local, "credit")]: "yes" }, { aws }),
    ).rejects.toMatchObject({ code: "Switchyard.InvalidResume" });

    const resume = (run: RunResult, answer: unknown) =>
      run === local
        ? resumeInProcess(workflow, run.threadId, answer, { aws })
        : resumeOnStepFunctions(workflow, run.threadId, answer, { aws });
    const afterCredit = await Promise.all(runs.map((r) => resume(r, { [idOf(r, "credit")]: "credit-ok" })));
    const afterLegal = await Promise.all(
      afterCredit.map((r) => resume(r, { [idOf(r, "legal")]: "legal-ok" })),
    );
    const afterPrice = await Promise.all(afterLegal.map((r) => resume(r, "101.25")));
    const done = await Promise.all(afterPrice.map((r) => resume(r, { [idOf(r, "book")]: "XLON" })));

    expect(asked(distributed)).toEqual(asked(local));
    expect(asked(distributed)?.map((i) => i.node)).toEqual(["credit", "legal"]);
    expect(asked(afterCredit[1] as RunResult)).toEqual(asked(afterCredit[0] as RunResult));
    expect(asked(afterCredit[1] as RunResult)?.map((i) => i.node)).toEqual(["legal"]);
    expect(asked(afterPrice[1] as RunResult)).toEqual([{ node: "book", value: { question: "Venue?" } }]);
    expect(done[1]?.status).toBe("succeeded");
    expect(done[1]?.state).toEqual(done[0]?.state);
    expect(done[1]?.state.signOffs).toEqual(["credit:credit-ok", "legal:legal-ok", "book:101.25@XLON"]);
    expect(nodeRuns.get(distributed.threadId)).toEqual(nodeRuns.get(local.threadId));
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
