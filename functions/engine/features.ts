import type { AnyStateGraph } from "./define.ts";
import { UnsupportedFeatureError } from "./errors.ts";

/**
 * LangGraph node features the engine refuses, each with the reason (docs/engine.md, "LangGraph
 * parity"): everything else a graph may use runs as `invoke` runs it, in every hosting mode.
 */
const REFUSED: readonly { feature: string; uses: (node: NodeSpec) => boolean; why: string }[] = [
  {
    feature: "node caching (cachePolicy)",
    uses: (n) => n.cachePolicy !== undefined && n.cachePolicy !== false,
    why: "node Lambdas share no LangGraph cache, so a cached result would be reused in-process and recomputed on Step Functions",
  },
  {
    feature: "a node timeout (timeout)",
    uses: (n) => n.timeout !== undefined,
    why: "on Step Functions a node's time is bounded by its Lambda and Task timeout — set nodes.<node>.timeoutSeconds in defineWorkflow",
  },
];

interface NodeSpec {
  readonly cachePolicy?: unknown;
  readonly timeout?: unknown;
}

/** Throws {@link UnsupportedFeatureError} for the first node using a refused feature. */
export function refuseUnsupportedFeatures(workflow: string, graph: AnyStateGraph): void {
  for (const [node, spec] of Object.entries(graph.nodes as Record<string, NodeSpec>)) {
    const refused = REFUSED.find((r) => r.uses(spec));
    if (refused) throw new UnsupportedFeatureError(workflow, refused.feature, node, refused.why);
  }
}
