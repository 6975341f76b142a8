import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { TriageReport } from "../types.ts";

/** Closes the run: the break, the route, what became of it and what changed on the books. */
export async function report(state: TriageStateValue): Promise<TriageUpdate> {
  const e = state.exception;
  const outcome: TriageReport["outcome"] = !e ? "no_break" : state.escalation ? "escalated" : "amended";
  const result: TriageReport = {
    businessDate: state.businessDate,
    breakId: e?.breakId ?? null,
    category: e?.category ?? null,
    exceptionClass: state.classification?.exceptionClass ?? null,
    route: state.decision?.route ?? null,
    outcome,
    effectsApplied: state.effects.length,
    approvedBy: state.approval?.decision === "approve" ? state.approval.by : null,
    queue: state.escalation?.queue ?? null,
    reason:
      state.escalation?.reason ??
      state.decision?.reason ??
      (state.request?.tradeId !== undefined
        ? `trade ${state.request.tradeId} has no break`
        : "no break on the day"),
  };
  const did =
    outcome === "no_break"
      ? "nothing to triage"
      : outcome === "amended"
        ? `${result.breakId} fixed (${result.effectsApplied} effect, approved by ${result.approvedBy})`
        : `${result.breakId} escalated to ${result.queue}`;
  return { triageReport: result, steps: [{ node: "report", did, toolCalls: 0 }] };
}
