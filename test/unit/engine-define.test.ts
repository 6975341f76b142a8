import { Annotation, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  defineWorkflow,
  HOSTINGS,
  type Hosting,
  InvalidInputError,
  inputToState,
  UnsupportedFeatureError,
} from "#engine";
import { annotationStateWorkflow, endlessLoopGraph, zodStateWorkflow } from "../fixtures/graphs.ts";

/** `defineWorkflow` without `input`: the run input is the graph's own (functions/engine/state-input.ts). */
describe("a workflow's input", () => {
  it("is the graph's zod state when no input schema is given: fields checked, unknown keys named", () => {
    const workflow = zodStateWorkflow();

    expect(inputToState(workflow, { queue: ["a", "b"] })).toEqual({ queue: ["a", "b"] });
    expect(() => inputToState(workflow, { queue: "a" })).toThrow(InvalidInputError);
    expect(() => inputToState(workflow, { queue: "a" })).toThrow(/queue: /);
    expect(() => inputToState(workflow, { queue: [], priority: 1 })).toThrow(/priority/);
  });

  it("is the graph's Annotation channels by name: unknown keys refused and named", () => {
    const workflow = annotationStateWorkflow();

    expect(inputToState(workflow, { rounds: 2, log: ["x"] })).toEqual({ rounds: 2, log: ["x"] });
    expect(inputToState(workflow, undefined)).toEqual({});
    expect(() => inputToState(workflow, { round: 2 })).toThrow(/\bround\b/);
  });

  it("stays the given schema when there is one, with its defaults and toState", () => {
    const workflow = defineWorkflow({
      name: "given-input",
      graph: endlessLoopGraph(),
      input: z.object({ start: z.number().default(3) }),
      toState: (i) => ({ rounds: i.start }),
    });

    expect(inputToState(workflow, {})).toEqual({ rounds: 3 });
  });

  it("refuses a recursion limit that is not a whole number of at least 1, naming the workflow", () => {
    expect(() => defineWorkflow({ name: "bad-limit", graph: endlessLoopGraph(), recursionLimit: 0 })).toThrow(
      /"bad-limit": recursionLimit/,
    );
  });

  it("refuses a hosting mode it does not know, naming the three it does", () => {
    const hosting = "single" as unknown as Hosting; // a JavaScript caller, or the mode's old name
    expect(() => defineWorkflow({ name: "bad-hosting", graph: endlessLoopGraph(), hosting })).toThrow(
      /"bad-hosting": hosting must be "per-node", "per-superstep" or "per-graph", not "single"/,
    );
    for (const known of HOSTINGS) {
      expect(defineWorkflow({ name: "hosted", graph: endlessLoopGraph(), hosting: known }).hosting).toBe(
        known,
      );
    }
  });
});

describe("LangGraph features the engine refuses", () => {
  const graphWith = (options: Record<string, unknown>) =>
    new StateGraph(Annotation.Root({ n: Annotation<number> }))
      .addNode("price", () => ({ n: 1 }), options)
      .addEdge(START, "price");

  it("refuses node caching, naming the feature and the node", () => {
    const define = () => defineWorkflow({ name: "cached", graph: graphWith({ cachePolicy: { ttl: 60 } }) });

    expect(define).toThrow(UnsupportedFeatureError);
    expect(define).toThrow(/node "price" uses node caching \(cachePolicy\)/);
  });

  it("refuses a LangGraph node timeout, pointing to the node's Lambda timeout", () => {
    const define = () => defineWorkflow({ name: "timed", graph: graphWith({ timeout: 5_000 }) });

    expect(define).toThrow(/node "price" uses a node timeout \(timeout\).*timeoutSeconds/);
  });

  it("accepts cachePolicy: false (caching off)", () => {
    expect(defineWorkflow({ name: "uncached", graph: graphWith({ cachePolicy: false }) }).name).toBe(
      "uncached",
    );
  });
});
