import { Annotation, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import {
  defineWorkflow,
  type Hosting,
  recoverOnStepFunctions,
  resumeInProcess,
  resumeOnStepFunctions,
  runInProcess,
  runOnStepFunctions,
} from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endlessLoopGraph, endlessLoopWorkflow } from "../fixtures/graphs.ts";

/**
 * LangGraph's recursion limit, counted as LangGraph counts it (functions/engine/recursion.ts):
 * the same graph stops at the same superstep, with the same state and `GRAPH_RECURSION_LIMIT`,
 * under plain `graph.compile().invoke`, in-process and in every hosting mode.
 */
const HOSTINGS: Hosting[] = ["per-node", "per-superstep", "per-graph"];

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "recursion" });
});
afterAll(async () => {
  await aws?.stop();
});

/** What LangGraph itself does: where plain `invoke` stops, and with which error code. */
async function plainInvoke(recursionLimit: number | undefined) {
  const graph = endlessLoopGraph().compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: "plain" } };
  const code = await graph
    .invoke({}, { ...config, ...(recursionLimit ? { recursionLimit } : {}) })
    .then(() => "none")
    .catch((e: { lc_error_code?: string }) => e.lc_error_code);
  const snapshot = await graph.getState(config);
  return { code, state: snapshot.values, step: snapshot.metadata?.step };
}

describe("recursionLimit", () => {
  it("defaults to LangGraph's 25: plain invoke, in-process and every hosting mode stop at the same superstep", async () => {
    const plain = await plainInvoke(undefined);
    const local = await runInProcess(endlessLoopWorkflow("per-graph"), {}, { aws });

    expect(plain.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(plain.state.rounds).toBe(25);
    expect(local.status).toBe("failed");
    expect(local.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(local.state).toEqual(plain.state);
    expect(local.supersteps).toBe(25);
    for (const hosting of HOSTINGS) {
      const distributed = await runOnStepFunctions(endlessLoopWorkflow(hosting), {}, { aws });
      expect(distributed.status, hosting).toBe("failed");
      expect(distributed.error?.code, hosting).toBe("GRAPH_RECURSION_LIMIT");
      expect(distributed.executionError?.Error, hosting).toBe("GRAPH_RECURSION_LIMIT");
      expect(distributed.state, hosting).toEqual(local.state);
      expect(distributed.supersteps, hosting).toBe(local.supersteps);
    }
  });

  it.each(HOSTINGS)("per workflow and per run, the same superstep as invoke (%s)", async (hosting) => {
    const plain = await plainInvoke(3);
    const perWorkflow = await runOnStepFunctions(
      endlessLoopWorkflow(hosting, { recursionLimit: 3 }),
      {},
      { aws },
    );
    const perRun = await runOnStepFunctions(
      endlessLoopWorkflow(hosting, { recursionLimit: 3 }),
      {},
      {
        aws,
        recursionLimit: 5,
      },
    );
    const perRunLocal = await runInProcess(endlessLoopWorkflow(hosting), {}, { aws, recursionLimit: 5 });

    expect(perWorkflow.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(perWorkflow.state).toEqual(plain.state);
    expect(perWorkflow.supersteps).toBe(3);
    expect(perRun.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(perRun.state).toEqual(perRunLocal.state);
    expect(perRun.supersteps).toBe(5);
  });

  it.each(HOSTINGS)("a resume after an interrupt starts a new count, as invoke's (%s)", async (hosting) => {
    const workflow = endlessLoopWorkflow(hosting, { recursionLimit: 4, askAt: 2 });

    const local = await runInProcess(workflow, {}, { aws });
    const distributed = await runOnStepFunctions(workflow, {}, { aws });
    const localDone = await resumeInProcess(workflow, local.threadId, "yes", { aws });
    const distributedDone = await resumeOnStepFunctions(workflow, distributed.threadId, "yes", { aws });

    expect(distributed.status).toBe("waiting");
    expect(distributed.state).toEqual(local.state);
    expect(localDone.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(distributedDone.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(distributedDone.state).toEqual(localDone.state);
    // The resume ran more supersteps than the limit left after the first invoke's three.
    expect((distributedDone.state.log as string[]).length).toBeGreaterThan(4);
  });

  it.each(HOSTINGS)("a subgraph inherits the run's limit, as in invoke (%s)", async (hosting) => {
    const workflow = defineWorkflow({
      name: "looping-desk",
      graph: new StateGraph(Annotation.Root({ rounds: Annotation<number> }))
        .addNode("desk", endlessLoopGraph().compile())
        .addEdge(START, "desk"),
      hosting,
      recursionLimit: 4,
    });

    const local = await runInProcess(workflow, {}, { aws });
    const distributed = await runOnStepFunctions(workflow, {}, { aws });

    expect(local.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(distributed.status).toBe("failed");
    expect(distributed.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(distributed.state).toEqual(local.state);
  });

  it("a recovery of the same run keeps counting (per-node)", async () => {
    const workflow = endlessLoopWorkflow("per-node", { recursionLimit: 6 });
    let commits = 0;
    const first = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        wrapHandler: (slot, handler) => async (event) => {
          if (slot.role === "commit" && ++commits === 3)
            throw Object.assign(new Error("lost"), { name: "Crash" });
          return handler(event);
        },
      },
    );
    const recovered = await recoverOnStepFunctions(workflow, first.threadId, { aws });
    const plain = await plainInvoke(6);

    expect(first.status).toBe("failed");
    expect(recovered.error?.code).toBe("GRAPH_RECURSION_LIMIT");
    expect(recovered.state).toEqual(plain.state);
  });
});
