import { BREAK_KINDS } from "#data";
import type { RunSummary } from "#engine";
import type { TriageStateValue } from "./state.ts";

/**
 * A one-screen account of a triage run.
 *
 * @example
 * summarizeTriage(finalState).headline;
 * // "Triage 2026-11-24: 2,000 trades scanned, 40 breaks — 17 fix proposals, 23 escalated"
 */
export function summarizeTriage(state: TriageStateValue): RunSummary {
  const found = state.exceptions.length;
  const figures: Record<string, number | string> = {
    date: state.dataset.date,
    tradesScanned: state.tradesScanned,
    breaksFound: found,
    autoFixed: state.fixes.length,
    escalated: state.escalations.length,
    toolCalls: state.steps.reduce((sum, s) => sum + s.toolCalls, 0),
  };
  for (const kind of BREAK_KINDS)
    figures[`found.${kind}`] = state.exceptions.filter((b) => b.kind === kind).length;
  return {
    headline:
      `Triage ${state.dataset.date}: ${state.tradesScanned.toLocaleString("en-US")} trades scanned, ` +
      `${found} breaks — ${state.fixes.length} fix proposals, ${state.escalations.length} escalated`,
    steps: state.steps.map(({ node, did }) => ({ node, did })),
    figures,
  };
}
