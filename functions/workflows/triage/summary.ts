import type { RunSummary } from "#engine";
import type { TriageStateValue } from "./state.ts";

/**
 * A one-screen account of a triage run: what each agent did, the route taken, the decision and
 * the effects applied.
 *
 * @example
 * summarizeTriage(finalState).headline;
 * // "Triage SETTLE_DATE_MISMATCH:T000042:settleDate: auto_fix → amended (1 effect)"
 */
export function summarizeTriage(state: TriageStateValue): RunSummary {
  const r = state.triageReport;
  const c = state.classification;
  const path = state.steps.map((s) => s.node).join(" → ");
  const figures: Record<string, number | string> = {
    businessDate: state.businessDate ?? "n/a",
    break: state.exception?.breakId ?? "none",
    category: state.exception?.category ?? "none",
    exceptionClass: c?.exceptionClass ?? "n/a",
    severity: c?.severity ?? "n/a",
    impactUsd: c?.impactUsd ?? 0,
    fix: c?.fix ? `${c.fix.action} ${c.fix.tradeId}` : "none",
    compliance: state.compliance?.status ?? "n/a",
    route: path,
    decision: state.approval ? `${state.approval.decision} by ${state.approval.by}` : "none",
    effectsApplied: state.effects.length,
    effects: state.effects.map((e) => `${e.effectId} ${e.tool} ${e.tradeId}`).join(", ") || "none",
    escalatedTo: state.escalation?.queue ?? "none",
    nextAction: state.escalation?.nextAction ?? "none",
    toolCalls: state.steps.reduce((sum, s) => sum + s.toolCalls, 0),
  };
  const headline = !state.exception
    ? `Triage ${state.businessDate ?? "day"}: no break to triage`
    : `Triage ${state.exception.breakId}: ${state.decision?.route ?? "unrouted"} → ${r?.outcome ?? "in progress"}` +
      (state.effects.length > 0 ? ` (${state.effects.length} effect)` : "") +
      (state.escalation ? ` to ${state.escalation.queue}` : "");
  return { headline, steps: state.steps.map(({ node, did }) => ({ node, did })), figures };
}
