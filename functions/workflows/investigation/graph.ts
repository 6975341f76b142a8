import { END, START, StateGraph } from "@langchain/langgraph";
import { lazyNodes } from "#engine";
import { dispatchRound } from "./routing.ts";
import { InvestigationState, ReportView, SupervisorView } from "./state.ts";

const specialist = (name: "pricing" | "settlement" | "booking") => () =>
  import("./nodes/specialist.ts").then((m) => m.specialistNode(name));

/**
 * The node functions by node name: the supervisor, the three specialists and the report, each
 * loading its module on first use (lazy-node.ts): the start and commit Lambdas load none.
 */
export const investigationNodes = lazyNodes({
  supervisor: () => import("./nodes/supervisor.ts").then((m) => m.supervisor),
  pricing: specialist("pricing"),
  settlement: specialist("settlement"),
  booking: specialist("booking"),
  report: () => import("./nodes/report.ts").then((m) => m.report),
});

/**
 * Supervisor with specialists, looping until every break is settled or rounds run out:
 * ```
 * START → supervisor ──Send × batch──→ pricing ────┐
 *            ↑  │                   ──→ settlement ─┤
 *            │  │                   ──→ booking ────┤
 *            └──┼───────────────────────────────────┘
 *               └──(nothing open / round bound)──→ report → END
 * ```
 * Each round the supervisor sends each specialist at most one batch; all batches of a round
 * run in one superstep (on Step Functions, one Lambda each), and every specialist returns to
 * the supervisor. The supervisor and the report read through views without the notebooks.
 *
 * @example
 * const app = buildInvestigationGraph().compile({ checkpointer: new MemorySaver() });
 */
export function buildInvestigationGraph() {
  return new StateGraph(InvestigationState)
    .addNode("supervisor", investigationNodes.supervisor, { input: SupervisorView })
    .addNode("pricing", investigationNodes.pricing)
    .addNode("settlement", investigationNodes.settlement)
    .addNode("booking", investigationNodes.booking)
    .addNode("report", investigationNodes.report, { input: ReportView })
    .addEdge(START, "supervisor")
    .addConditionalEdges("supervisor", dispatchRound, ["pricing", "settlement", "booking", "report"])
    .addEdge("pricing", "supervisor")
    .addEdge("settlement", "supervisor")
    .addEdge("booking", "supervisor")
    .addEdge("report", END);
}
