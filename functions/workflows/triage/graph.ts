import { END, START, StateGraph } from "@langchain/langgraph";
import { deadlineRetry, lazyNodes } from "#engine";
import { escalateWhenDown } from "./nodes/agent-down.ts";
import { routeAfterCompliance, routeAfterDetect } from "./routing.ts";
import { TriageState, type TriageStateValue } from "./state.ts";

/**
 * The node functions by node name; each reads only its state argument and the day memo. Each
 * loads its module on first use (lazy-node.ts): the start and commit Lambdas load no node's
 * module, and a node Lambda only its own node's.
 */
export const triageNodes = lazyNodes({
  detect: () => import("./nodes/detect.ts").then((m) => m.detect),
  classify: () => import("./nodes/classify.ts").then((m) => m.classify),
  risk_check: () => import("./nodes/risk-check.ts").then((m) => m.riskCheck),
  compliance_check: () => import("./nodes/compliance-check.ts").then((m) => m.complianceCheck),
  auto_fix: () => import("./nodes/auto-fix.ts").then((m) => m.autoFix),
  human_approval: () => import("./nodes/human-approval.ts").then((m) => m.humanApproval),
  escalate: () => import("./nodes/escalate.ts").then((m) => m.escalate),
  report: () => import("./nodes/report.ts").then((m) => m.report),
});

// The effect nodes retry: a retry re-applies under the same idempotency key, so it lands once.
// A malformed approval answer is not retried in-process: running again cannot fix it.
const EFFECT_RETRY = {
  retryPolicy: {
    maxAttempts: 3,
    initialInterval: 500,
    retryOn: (error: unknown) => (error as { code?: unknown })?.code !== "Triage.InvalidDecision",
  },
};

// A check that still fails after its retries escalates the break instead of failing the run.
const CHECK_RETRY = { maxAttempts: 2, initialInterval: 1000 };
const CHECK_RECOVERY = { errorHandler: escalateWhenDown, ends: ["escalate"] };

/** What a held break leaves people before its cut-off: half an hour to fix it by hand. */
export const CUTOFF_MARGIN_MS = 30 * 60_000;

/** A check that stops retrying when another attempt would end within the margin of the exception's cut-off. */
const beforeCutoff = <U>(node: string, fn: (state: TriageStateValue) => Promise<U>) =>
  deadlineRetry(fn, CHECK_RETRY, {
    node,
    marginMs: CUTOFF_MARGIN_MS,
    deadlineOf: (state: TriageStateValue) =>
      state.deadline
        ? { at: state.deadline.at, label: `${state.deadline.cutoff}, ${state.deadline.local}` }
        : null,
  });
const riskRetry = beforeCutoff("risk_check", triageNodes.risk_check);
const complianceRetry = beforeCutoff("compliance_check", triageNodes.compliance_check);

/**
 * A network with conditional routing, for ONE trade exception:
 * ```
 * START → detect ─┬─→ classify → risk_check → compliance_check ─┬─→ auto_fix ──────┬─→ report → END
 *                 │                                              ├─→ human_approval ┤ (approved: policy met)
 *                 │                                              │    ↺ (more approvers needed)
 *                 │                                              └─→ escalate ←─────┘ (reject / no fix)
 *                 └─→ report (no break)                               escalate → report
 * ```
 * Conditional edges pick the route after `detect` and `compliance_check`; `auto_fix` and
 * `human_approval` choose their own next node with `Command({ goto })`, declared in `ends`.
 * If the risk or compliance check cannot run (its agent is down), its error handler escalates;
 * if another attempt would end within {@link CUTOFF_MARGIN_MS} of the exception's settlement
 * cut-off, the check stops retrying and the break is held and escalated in time.
 *
 * @example
 * const app = buildTriageGraph().compile({ checkpointer: new MemorySaver() });
 */
export function buildTriageGraph() {
  return new StateGraph(TriageState)
    .addNode("detect", triageNodes.detect)
    .addNode("classify", triageNodes.classify)
    .addNode("risk_check", riskRetry.node, { ...CHECK_RECOVERY, retryPolicy: riskRetry.retryPolicy })
    .addNode("compliance_check", complianceRetry.node, {
      ...CHECK_RECOVERY,
      retryPolicy: complianceRetry.retryPolicy,
    })
    .addNode("auto_fix", triageNodes.auto_fix, { ...EFFECT_RETRY, ends: ["report", "escalate"] })
    .addNode("human_approval", triageNodes.human_approval, {
      ...EFFECT_RETRY,
      ends: ["report", "escalate", "human_approval"],
    })
    .addNode("escalate", triageNodes.escalate)
    .addNode("report", triageNodes.report)
    .addEdge(START, "detect")
    .addConditionalEdges("detect", routeAfterDetect, ["classify", "report"])
    .addEdge("classify", "risk_check")
    .addEdge("risk_check", "compliance_check")
    .addConditionalEdges("compliance_check", routeAfterCompliance, ["auto_fix", "human_approval", "escalate"])
    .addEdge("escalate", "report")
    .addEdge("report", END);
}
