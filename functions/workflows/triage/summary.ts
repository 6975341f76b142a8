import type { RunSummary } from "#engine";
import type { TriageStateValue } from "./state.ts";

/**
 * A one-screen account of a triage run: what each agent did, the route taken, the decision and
 * the effects applied.
 *
 * @example
 * summarizeTriage(finalState).headline;
 * // "Triage settle_date_mismatch:T20261124-000318: auto_fix → amended (1 effect)"
 */
export function summarizeTriage(state: TriageStateValue): RunSummary {
  const r = state.triageReport;
  const path = state.steps.map((s) => s.node).join(" → ");
  const figures: Record<string, number | string> = {
    date: state.dataset.date,
    break: state.exception?.breakId ?? "none",
    kind: state.exception?.kind ?? "none",
    severity: state.classification?.severity ?? "n/a",
    impactUsd: state.classification?.impactUsd ?? 0,
    compliance: state.compliance?.status ?? "n/a",
    route: path,
    decision: state.approval ? `${state.approval.decision} by ${state.approval.by}` : "none",
    effectsApplied: state.effects.length,
    effects: state.effects.map((e) => `${e.effectId} ${e.tool} ${e.tradeId}`).join(", ") || "none",
    escalatedTo: state.escalation?.queue ?? "none",
    toolCalls: state.steps.reduce((sum, s) => sum + s.toolCalls, 0),
  };
  const headline = !state.exception
    ? `Triage ${state.dataset.date}: no break to triage`
    : `Triage ${state.exception.breakId}: ${state.decision?.route ?? "unrouted"} → ${r?.outcome ?? "in progress"}` +
      (state.effects.length > 0 ? ` (${state.effects.length} effect)` : "") +
      (state.escalation ? ` to ${state.escalation.queue}` : "");
  return { headline, steps: state.steps.map(({ node, did }) => ({ node, did })), figures };
}
