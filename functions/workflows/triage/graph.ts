import { END, START, StateGraph } from "@langchain/langgraph";
import { autoFix } from "./nodes/auto-fix.ts";
import { classify } from "./nodes/classify.ts";
import { detect } from "./nodes/detect.ts";
import { escalate } from "./nodes/escalate.ts";
import { report } from "./nodes/report.ts";
import { riskCheck } from "./nodes/risk-check.ts";
import { routeAfterRisk } from "./routing.ts";
import { TriageState } from "./state.ts";

/** The node functions by node name; each reads only its state argument and the day memo. */
export const triageNodes = {
  detect,
  classify,
  risk_check: riskCheck,
  auto_fix: autoFix,
  escalate,
  report,
};

/**
 * ```
 * START → detect → classify → risk_check ─┬─→ auto_fix ─┬─→ report → END
 *                                         ├─→ escalate ─┤
 *                                         └─────────────┘  (nothing to act on)
 * ```
 * `auto_fix` and `escalate` run in the same superstep when both have work; `report` then runs
 * once, after both (two plain edges, not a join: a join would wait forever for a branch that
 * was not taken).
 *
 * @example
 * const app = buildTriageGraph().compile({ checkpointer: new MemorySaver() });
 */
export function buildTriageGraph() {
  return new StateGraph(TriageState)
    .addNode("detect", triageNodes.detect)
    .addNode("classify", triageNodes.classify)
    .addNode("risk_check", triageNodes.risk_check)
    .addNode("auto_fix", triageNodes.auto_fix)
    .addNode("escalate", triageNodes.escalate)
    .addNode("report", triageNodes.report)
    .addEdge(START, "detect")
    .addEdge("detect", "classify")
    .addEdge("classify", "risk_check")
    .addConditionalEdges("risk_check", routeAfterRisk, ["auto_fix", "escalate", "report"])
    .addEdge("auto_fix", "report")
    .addEdge("escalate", "report")
    .addEdge("report", END);
}
