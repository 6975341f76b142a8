import { buildStateMachine, type FunctionSlot } from "./asl.ts";
import type { AnyStateGraph, WorkflowDefinition } from "./define.ts";
import { ExpressLimitError } from "./errors.ts";
import { DEFAULT_RECURSION_LIMIT } from "./recursion.ts";

/**
 * Whether a workflow fits an Express state machine (docs/engine.md, "Express execution").
 * Express executions end TIMED_OUT after 5 minutes, so a workflow may run as Express only when
 * its worst case fits: the start, then every superstep one execution can run, each taking its
 * slowest Lambda's whole timeout. The payload limit (256 KB) is the same for both types, and the
 * engine's payloads are references already, so it adds no rule here.
 *
 * ```
 * worst = start + supersteps × (slowest node + commit)     per-node
 *       = start + supersteps × superstep function          per-superstep
 *       = start + graph function                            per-graph (900 s: never fits)
 * supersteps = the longest path through the graph, or the recursion limit when it can loop,
 *              or continueAsNew.afterSupersteps when smaller (each continuation is a new execution)
 * ```
 * Retries are not counted: a node that retries past the limit ends the execution TIMED_OUT,
 * which is alerted and recovered like any failure.
 */
export const EXPRESS_MAX_SECONDS = 300;

export interface ExpressBudget {
  /** Supersteps one execution may run (see above). */
  readonly supersteps: number;
  /** Whether the graph can loop (a cycle, or a route whose destinations it does not declare). */
  readonly loops: boolean;
  /** The start's Lambda timeout, in seconds. */
  readonly startSeconds: number;
  /** One superstep's worst case (per-node: slowest node plus commit); per-graph: the whole graph. */
  readonly superstepSeconds: number;
  /** The longest one execution can take, in seconds, from the Lambdas' timeouts. */
  readonly worstSeconds: number;
}

/**
 * The worst case of one execution of `workflow`, as Express would bound it.
 *
 * @example
 * expressBudget(workflow).worstSeconds; // 60 + supersteps × (slowest node + 60)
 */
export function expressBudget(workflow: WorkflowDefinition): ExpressBudget {
  const path = longestPath(workflow.graph);
  const loops = path === undefined;
  const bySteps = path ?? workflow.recursionLimit ?? DEFAULT_RECURSION_LIMIT;
  const supersteps = Math.min(bySteps, workflow.continueAsNew?.afterSupersteps ?? bySteps);
  const slots = buildStateMachine(workflow).functions;
  const of = (role: FunctionSlot["role"]) =>
    Math.max(0, ...slots.filter((s) => s.role === role).map((s) => s.timeoutSeconds));
  const startSeconds = of("start");
  const superstepSeconds =
    workflow.hosting === "per-node"
      ? of("node") + of("commit")
      : workflow.hosting === "per-superstep"
        ? of("superstep")
        : of("graph");
  // Single hosting runs every superstep inside its one graph Lambda.
  const worstSeconds = startSeconds + (workflow.hosting === "per-graph" ? 1 : supersteps) * superstepSeconds;
  return { supersteps, loops, startSeconds, superstepSeconds, worstSeconds };
}

/**
 * Throws {@link ExpressLimitError} when `workflow` asks for Express and its worst case does not
 * fit in 5 minutes; Standard workflows pass unchecked.
 */
export function refuseExpressOverLimits(workflow: WorkflowDefinition): void {
  if (workflow.execution !== "express") return;
  const budget = expressBudget(workflow);
  if (budget.worstSeconds <= EXPRESS_MAX_SECONDS) return;
  const why =
    workflow.hosting === "per-graph"
      ? `per-graph hosting runs the whole graph in one Lambda of up to 900 s`
      : `${budget.supersteps} supersteps${budget.loops ? ` (the graph can loop: its recursion limit${workflow.continueAsNew ? " or continueAsNew.afterSupersteps" : ""})` : workflow.continueAsNew ? "" : " (its longest path)"} at up to ${budget.superstepSeconds} s each, after a ${budget.startSeconds} s start, can take ${budget.worstSeconds} s`;
  const fix =
    workflow.hosting === "per-graph"
      ? "use per-node or per-superstep hosting"
      : "lower nodes' timeoutSeconds, or set continueAsNew.afterSupersteps so each execution fits";
  throw new ExpressLimitError(workflow.name, `${why}, over Express's ${EXPRESS_MAX_SECONDS} s; ${fix}`);
}

const START = "__start__";
const END = "__end__";

/**
 * Nodes on the longest path from START, or undefined when the graph can loop. A conditional
 * edge without a path map, like LangGraph's own drawing of it, may go to any node.
 */
function longestPath(graph: AnyStateGraph): number | undefined {
  const nodes = Object.keys(graph.nodes);
  const next = new Map<string, Set<string>>();
  const add = (from: string, to: string) => {
    if (to === END) return;
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)?.add(to);
  };
  for (const [from, to] of graph.allEdges as Set<[string, string]>) add(from, to);
  const branches = graph.branches as Record<string, Record<string, { ends?: Record<string, string> }>>;
  for (const [from, byName] of Object.entries(branches)) {
    for (const branch of Object.values(byName)) {
      for (const to of branch.ends ? Object.values(branch.ends) : nodes) add(from, to);
    }
  }
  for (const [name, spec] of Object.entries(graph.nodes as Record<string, { ends?: readonly string[] }>)) {
    for (const to of spec.ends ?? []) add(name, to);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const walk = (node: string): number | undefined => {
    const known = depth.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) return undefined;
    visiting.add(node);
    let deepest = 0;
    for (const to of next.get(node) ?? []) {
      const d = walk(to);
      if (d === undefined) return undefined;
      deepest = Math.max(deepest, d);
    }
    visiting.delete(node);
    const own = (node === START ? 0 : 1) + deepest;
    depth.set(node, own);
    return own;
  };
  return walk(START);
}
