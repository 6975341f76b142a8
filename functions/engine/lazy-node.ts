/**
 * Node code that loads when a node first runs, not when its graph is built. Every engine Lambda
 * builds the workflow's graph, but only the Lambdas that run nodes need their code — a node
 * Lambda (per-node hosting) only its own node's — so a workflow whose nodes come from
 * {@link lazyNodes} keeps its nodes' modules out of the start and commit Lambdas' cold start. The
 * engine's Lambda handlers load the code they run during init ({@link WorkflowDefinition.loadNodeCode}
 * in functions/handlers/run-node.ts, superstep.ts and graph.ts), so that cost stays in Lambda's
 * init phase, where it is measured, instead of in the first request.
 */

/** A node's function as `addNode` takes it: its state and LangGraph's config in, an update out. */
// biome-ignore lint/suspicious/noExplicitAny: node functions of every state shape.
type NodeFunction = (...args: any[]) => unknown;

/**
 * A node function that imports its code on its first call (once; a failed import is retried at
 * the next call), with `load()` to import it ahead of time.
 */
export type LazyNode<F extends NodeFunction> = ((
  ...args: Parameters<F>
) => Promise<Awaited<ReturnType<F>>>) & {
  /** Imports the node's code now (every call shares one import). */
  load(): Promise<F>;
};

/** The node functions by node name, each behind its own `import()`. */
export type LazyNodes<T extends Record<string, () => Promise<NodeFunction>>> = {
  readonly [K in keyof T]: LazyNode<Awaited<ReturnType<T[K]>>>;
};

/**
 * Node functions whose code loads on first use: pass each node an `import()` of its module, and
 * the graph's `addNode` the function this returns under the same name. Give the same record to
 * `defineWorkflow({ nodeCode })` so a node Lambda loads its node during init. A bundle
 * (lib/bundling) splits each `import()` into a chunk of its own.
 *
 * @example
 * export const triageNodes = lazyNodes({
 *   classify: () => import("./nodes/classify.ts").then((m) => m.classify),
 * });
 * new StateGraph(TriageState).addNode("classify", triageNodes.classify);
 */
export function lazyNodes<T extends Record<string, () => Promise<NodeFunction>>>(loaders: T): LazyNodes<T> {
  return Object.fromEntries(
    Object.entries(loaders).map(([name, load]) => [name, lazyNode(load)]),
  ) as LazyNodes<T>;
}

function lazyNode<F extends NodeFunction>(importCode: () => Promise<F>): LazyNode<F> {
  let loading: Promise<F> | undefined;
  const load = () => {
    loading ??= importCode().catch((error: unknown) => {
      // A failed import (a chunk missing from a broken deploy) fails this call, not every later one.
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const node = async (...args: Parameters<F>): Promise<Awaited<ReturnType<F>>> => {
    const run = await load();
    return (await run(...args)) as Awaited<ReturnType<F>>;
  };
  return Object.assign(node, { load });
}
