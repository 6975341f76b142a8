import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { defineWorkflow, lazyNodes } from "#engine";

const State = Annotation.Root({
  count: Annotation<number>(),
  by: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
});
type S = typeof State.State;

/** Loaders that count their imports, as a bundle's `import()` of a node module would run once. */
function countingLoaders() {
  const imports = { add: 0, double: 0 };
  const loaders = {
    add: async () => {
      imports.add++;
      return (s: S) => ({ count: s.count + 1, by: ["add"] });
    },
    double: async () => {
      imports.double++;
      return (s: S) => ({ count: s.count * 2, by: ["double"] });
    },
  };
  return { imports, loaders };
}

const graphOf = (nodes: { add: (s: S) => unknown; double: (s: S) => unknown }) =>
  new StateGraph(State)
    .addNode("add", nodes.add as (s: S) => Promise<Partial<S>>)
    .addNode("double", nodes.double as (s: S) => Promise<Partial<S>>)
    .addEdge(START, "add")
    .addEdge("add", "double")
    .addEdge("double", END);

describe("lazyNodes", () => {
  it("imports nothing when the graph is built, each node's code once at its first call", async () => {
    const { imports, loaders } = countingLoaders();
    const nodes = lazyNodes(loaders);
    const app = graphOf(nodes).compile({ checkpointer: new MemorySaver() });
    expect(imports).toEqual({ add: 0, double: 0 });
    const config = { configurable: { thread_id: "t1" } };
    expect(await app.invoke({ count: 3 }, config)).toEqual({ count: 8, by: ["add", "double"] });
    expect(await app.invoke({ count: 1 }, { configurable: { thread_id: "t2" } })).toEqual({
      count: 4,
      by: ["add", "double"],
    });
    expect(imports).toEqual({ add: 1, double: 1 });
  });

  it("runs a graph to the same result as the same functions given eagerly", async () => {
    const eager = {
      add: (s: S) => ({ count: s.count + 1, by: ["add"] }),
      double: (s: S) => ({ count: s.count * 2, by: ["double"] }),
    };
    const lazy = lazyNodes({ add: async () => eager.add, double: async () => eager.double });
    const run = (nodes: typeof eager) => graphOf(nodes).compile().invoke({ count: 5 });
    expect(await run(lazy as unknown as typeof eager)).toEqual(await run(eager));
  });

  it("load() imports ahead of the first call, sharing one import with it", async () => {
    const { imports, loaders } = countingLoaders();
    const nodes = lazyNodes(loaders);
    await Promise.all([nodes.add.load(), nodes.add.load()]);
    expect(imports.add).toBe(1);
    expect(await nodes.add({ count: 1, by: [] })).toEqual({ count: 2, by: ["add"] });
    expect(imports).toEqual({ add: 1, double: 0 });
  });

  it("fails the call whose import fails, and imports again at the next call", async () => {
    let attempts = 0;
    const nodes = lazyNodes({
      flaky: async () => {
        attempts++;
        if (attempts === 1) throw new Error("chunk missing");
        return (s: S) => ({ count: s.count + 10 });
      },
    });
    await expect(nodes.flaky({ count: 0, by: [] })).rejects.toThrow("chunk missing");
    expect(await nodes.flaky({ count: 0, by: [] })).toEqual({ count: 10 });
    expect(attempts).toBe(2);
  });
});

describe("defineWorkflow({ nodeCode })", () => {
  it("loads during init only the named nodes' code, all of it when none is named", async () => {
    const { imports, loaders } = countingLoaders();
    const nodes = lazyNodes(loaders);
    const workflow = defineWorkflow({ name: "lazy-flow", graph: graphOf(nodes), nodeCode: nodes });
    await workflow.loadNodeCode(["double"]);
    expect(imports).toEqual({ add: 0, double: 1 });
    await workflow.loadNodeCode();
    expect(imports).toEqual({ add: 1, double: 1 });
  });

  it("resolves for a node whose code loads with the graph (not in nodeCode)", async () => {
    const eager = { add: (s: S) => ({ count: s.count + 1 }), double: (s: S) => ({ count: s.count * 2 }) };
    const workflow = defineWorkflow({ name: "eager-flow", graph: graphOf(eager) });
    await expect(workflow.loadNodeCode(["add"])).resolves.toBeUndefined();
  });

  it("refuses nodeCode for a node the graph does not have, naming it", () => {
    const { loaders } = countingLoaders();
    const nodes = lazyNodes(loaders);
    const stray = lazyNodes({ ghost: loaders.add });
    expect(() =>
      defineWorkflow({ name: "lazy-flow", graph: graphOf(nodes), nodeCode: { ...nodes, ...stray } }),
    ).toThrow(/nodeCode for unknown node "ghost"/);
  });
});
