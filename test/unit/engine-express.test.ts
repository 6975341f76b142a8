import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { defineWorkflow, EXPRESS_MAX_SECONDS, ExpressLimitError, expressBudget } from "#engine";
import { endlessLoopGraph } from "../fixtures/graphs.ts";

/** `defineWorkflow({ execution })` and the Express limit rule (functions/engine/express.ts). */
const State = Annotation.Root({ n: Annotation<number> });

/** START → a → b → c → END: three supersteps, no loop. */
function chain() {
  return new StateGraph(State)
    .addNode("a", () => ({ n: 1 }))
    .addNode("b", () => ({ n: 2 }))
    .addNode("c", () => ({ n: 3 }))
    .addEdge(START, "a")
    .addEdge("a", "b")
    .addEdge("b", "c")
    .addEdge("c", END);
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err as ExpressLimitError;
  }
  throw new Error("not refused");
};

describe("execution type", () => {
  it("is standard by default and express when asked, with the same graph", () => {
    expect(defineWorkflow({ name: "plain", graph: chain() }).execution).toBe("standard");
    const nodes = { a: { timeoutSeconds: 20 }, b: { timeoutSeconds: 20 }, c: { timeoutSeconds: 20 } };
    const express = defineWorkflow({ name: "quick", graph: chain(), execution: "express", nodes });
    expect(express.execution).toBe("express");
  });

  it("refuses anything but standard or express, naming the field and the workflow", () => {
    expect(() => defineWorkflow({ name: "typo", graph: chain(), execution: "fast" as never })).toThrow(
      /"typo": execution must be "standard" or "express", not "fast"/,
    );
  });

  it("counts the longest path and the Lambdas' timeouts: 60 + 3 × (node + 60) s for per-node hosting", () => {
    const define = (timeoutSeconds: number) =>
      defineWorkflow({
        name: "chain",
        graph: chain(),
        nodes: { a: { timeoutSeconds }, b: { timeoutSeconds }, c: { timeoutSeconds } },
      });
    expect(expressBudget(define(20))).toMatchObject({ supersteps: 3, loops: false, worstSeconds: 300 });
    expect(expressBudget(define(21)).worstSeconds).toBe(303);
  });

  it("accepts an express workflow whose worst case fits in 5 minutes", () => {
    const fits = defineWorkflow({
      name: "fits",
      graph: chain(),
      execution: "express",
      nodes: { a: { timeoutSeconds: 20 }, b: { timeoutSeconds: 20 }, c: { timeoutSeconds: 20 } },
    });
    expect(expressBudget(fits).worstSeconds).toBeLessThanOrEqual(EXPRESS_MAX_SECONDS);
  });

  it("refuses an express workflow that can outlast 5 minutes, naming the workflow, the reason and the fix", () => {
    const err = refusal(() =>
      defineWorkflow({
        name: "slow",
        graph: chain(),
        execution: "express",
        nodes: { a: { timeoutSeconds: 21 }, b: { timeoutSeconds: 21 }, c: { timeoutSeconds: 21 } },
      }),
    );
    expect(err).toBeInstanceOf(ExpressLimitError);
    expect(err.code).toBe("Switchyard.ExpressLimit");
    expect(err.workflow).toBe("slow");
    expect(err.message).toMatch(/"slow" cannot run as Express/);
    expect(err.message).toMatch(/3 supersteps .* at up to 81 s each, after a 60 s start, can take 303 s/);
    expect(err.message).toMatch(/continueAsNew/);
  });

  it("refuses a graph that can loop: its recursion limit bounds the supersteps", () => {
    const err = refusal(() =>
      defineWorkflow({ name: "loop", graph: endlessLoopGraph(), execution: "express" }),
    );
    expect(err.message).toMatch(/25 supersteps \(the graph can loop/);
    expect(expressBudget(defineWorkflow({ name: "loop", graph: endlessLoopGraph() }))).toMatchObject({
      loops: true,
      supersteps: 25,
    });
  });

  it("treats a conditional edge without a path map as able to go anywhere (a loop)", () => {
    const graph = new StateGraph(State)
      .addNode("a", () => ({ n: 1 }))
      .addNode("b", () => ({ n: 2 }))
      .addEdge(START, "a")
      .addConditionalEdges("a", () => "b")
      .addEdge("b", END);
    expect(expressBudget(defineWorkflow({ name: "open", graph })).loops).toBe(true);
    const mapped = new StateGraph(State)
      .addNode("a", () => ({ n: 1 }))
      .addNode("b", () => ({ n: 2 }))
      .addEdge(START, "a")
      .addConditionalEdges("a", () => "b", { b: "b", done: END })
      .addEdge("b", END);
    expect(expressBudget(defineWorkflow({ name: "mapped", graph: mapped }))).toMatchObject({
      loops: false,
      supersteps: 2,
    });
  });

  it("accepts a looping graph that continues as new often enough, and checks that number", () => {
    const loop = defineWorkflow({
      name: "loop-can",
      graph: endlessLoopGraph(),
      execution: "express",
      continueAsNew: { afterSupersteps: 2 },
    });
    // 60 + 2 × (60 + 60) = 300.
    expect(expressBudget(loop)).toMatchObject({ supersteps: 2, worstSeconds: 300 });
    expect(() =>
      defineWorkflow({
        name: "loop-cant",
        graph: endlessLoopGraph(),
        execution: "express",
        continueAsNew: { afterSupersteps: 3 },
      }),
    ).toThrow(ExpressLimitError);
    expect(() =>
      defineWorkflow({ name: "zero", graph: chain(), continueAsNew: { afterSupersteps: 0 } }),
    ).toThrow(/"zero": continueAsNew.afterSupersteps must be an integer of at least 1/);
  });

  it("refuses per-graph hosting as express: its one Lambda may run 900 s", () => {
    const err = refusal(() =>
      defineWorkflow({ name: "single", graph: chain(), hosting: "per-graph", execution: "express" }),
    );
    expect(err.message).toMatch(/per-graph hosting .* use per-node or per-superstep hosting/);
  });

  it("counts per-superstep hosting by its superstep function (twice the slowest node)", () => {
    const w = defineWorkflow({
      name: "per-step",
      graph: chain(),
      hosting: "per-superstep",
      nodes: { a: { timeoutSeconds: 30 } },
    });
    // The superstep Lambda gets twice the slowest node (60 s default): 60 + 3 × 120.
    expect(expressBudget(w)).toMatchObject({ superstepSeconds: 120, worstSeconds: 420 });
  });
});
