import dagre from "@dagrejs/dagre";
import type { Attempt } from "./attempts.ts";
import { esc } from "./format.ts";

/** A compiled graph's shape, as `graph.compile().getGraph()` describes it. */
export interface GraphShape {
  readonly nodes: readonly string[];
  readonly edges: readonly {
    readonly source: string;
    readonly target: string;
    readonly conditional: boolean;
  }[];
}

/** How a node fared: ran cleanly, failed for good, failed then succeeded on a retry, or never ran. */
export type Outcome = "ok" | "failed" | "recovered" | "not-run";

const START = "__start__";
const END = "__end__";
const NODE_H = 46;
const CHAR_W = 7.6;
const TERMINAL_R = 9;

/** How each node fared, from its attempts: a node whose last attempt of some task threw failed. */
export function outcomes(nodes: readonly string[], attempts: readonly Attempt[]): Map<string, Outcome> {
  const result = new Map<string, Outcome>();
  for (const node of nodes) {
    const mine = attempts.filter((a) => a.node === node);
    if (mine.length === 0) {
      result.set(node, "not-run");
      continue;
    }
    // The last attempt of each task is what stuck.
    const last = new Map<string, Attempt>();
    for (const a of mine) last.set(`${a.step}:${a.taskId}`, a);
    const failed = [...last.values()].some((a) => a.error);
    result.set(node, failed ? "failed" : mine.some((a) => a.error) ? "recovered" : "ok");
  }
  return result;
}

/**
 * The graph without LangGraph's own nodes (`__error_handler__…`: every name in `__` but start
 * and end): an edge through one becomes a conditional edge from its source to its target.
 */
export function withoutInternalNodes(shape: GraphShape): GraphShape {
  const internal = (id: string) => id.startsWith("__") && id !== START && id !== END;
  const edges = shape.edges.filter((e) => !internal(e.source) && !internal(e.target)).map((e) => ({ ...e }));
  for (const into of shape.edges.filter((e) => internal(e.target) && !internal(e.source))) {
    for (const out of shape.edges.filter((e) => e.source === into.target && !internal(e.target))) {
      if (!edges.some((e) => e.source === into.source && e.target === out.target))
        edges.push({ source: into.source, target: out.target, conditional: true });
    }
  }
  return { nodes: shape.nodes.filter((n) => !internal(n)), edges };
}

/**
 * The largest number of tasks `node` ran in one superstep: a fan-out (`Send`) shows as ×N on
 * the edges into it.
 */
function fanOut(node: string, attempts: readonly Attempt[]): number {
  const perStep = new Map<number, Set<string>>();
  for (const a of attempts)
    if (a.node === node) perStep.set(a.step, (perStep.get(a.step) ?? new Set()).add(a.taskId));
  return Math.max(0, ...[...perStep.values()].map((s) => s.size));
}

/**
 * The graph drawn as inline SVG, laid out by dagre (top to bottom): one `g.node` per graph node
 * (coloured by {@link Outcome}, with its runs — tasks, over all supersteps — retries and failures under its
 * name), small circles for start and end, edges dashed where conditional, faded where the run
 * never took them, and labelled ×N where the target fanned out to N tasks in one superstep.
 */
export function graphSvg(drawn: GraphShape, attempts: readonly Attempt[], finished: boolean): string {
  const shape = withoutInternalNodes(drawn);
  const fate = outcomes(
    shape.nodes.filter((n) => n !== START && n !== END),
    attempts,
  );
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "TB", nodesep: 36, ranksep: 54, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of shape.nodes) {
    const terminal = id === START || id === END;
    const width = terminal ? TERMINAL_R * 2 : Math.max(120, id.length * CHAR_W + 36);
    g.setNode(id, { width, height: terminal ? TERMINAL_R * 2 : NODE_H });
  }
  const ran = (id: string) => id === START || (id === END ? finished : fate.get(id) !== "not-run");
  for (const e of shape.edges) {
    const n = e.target === END ? 0 : fanOut(e.target, attempts);
    g.setEdge(e.source, e.target, n > 1 ? { label: `×${n}`, width: 28, height: 16 } : {});
  }
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();

  const edges = shape.edges.map((e) => {
    const laid = g.edge(e.source, e.target);
    const points: readonly { x: number; y: number }[] = laid.points ?? [];
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
    const taken = ran(e.source) && ran(e.target);
    const cls = `edge${e.conditional ? " conditional" : ""}${taken ? " taken" : ""}`;
    const label =
      laid.label && laid.x !== undefined && laid.y !== undefined
        ? `<g class="fan-out"><rect x="${(laid.x - 16).toFixed(1)}" y="${(laid.y - 9).toFixed(1)}" width="32" height="18" rx="9"></rect><text x="${laid.x.toFixed(1)}" y="${(laid.y + 4).toFixed(1)}">${esc(String(laid.label))}</text></g>`
        : "";
    return `<g class="${cls}" data-source="${esc(e.source)}" data-target="${esc(e.target)}"><path d="${d}" marker-end="url(#arrow)"></path>${label}</g>`;
  });

  const nodes = shape.nodes.map((id) => {
    const n = g.node(id);
    if (id === START || id === END) {
      return `<g class="terminal"><title>${id === START ? "start" : "end"}</title><circle cx="${n.x.toFixed(1)}" cy="${n.y.toFixed(1)}" r="${TERMINAL_R}"></circle></g>`;
    }
    const mine = attempts.filter((a) => a.node === id);
    const retries = mine.filter((a) => a.retry).length;
    const failures = mine.filter((a) => a.error).length;
    const outcome = fate.get(id) ?? "not-run";
    const tasks = new Set(mine.map((a) => `${a.step}:${a.taskId}`)).size;
    const facts = [
      outcome === "not-run" ? "not run" : `${tasks} run${tasks === 1 ? "" : "s"}`,
      ...(retries ? [`↻ ${retries}`] : []),
      ...(failures ? [`✗ ${failures}`] : []),
    ].join("  ");
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    return `<g class="node ${outcome}" data-node="${esc(id)}" data-outcome="${outcome}"><title>${esc(`${id}: ${outcome}${retries ? `, ${retries} retr${retries === 1 ? "y" : "ies"}` : ""}${failures ? `, ${failures} failed attempt${failures === 1 ? "" : "s"}` : ""}`)}</title><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height}" rx="8"></rect><text class="name" x="${n.x.toFixed(1)}" y="${(n.y - 3).toFixed(1)}">${esc(id)}</text><text class="facts" x="${n.x.toFixed(1)}" y="${(n.y + 13).toFixed(1)}">${esc(facts)}</text></g>`;
  });

  return `<svg class="graph" role="img" aria-label="The workflow's graph, nodes coloured by outcome" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" xmlns="http://www.w3.org/2000/svg"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"></path></marker></defs>${edges.join("")}${nodes.join("")}</svg>`;
}
