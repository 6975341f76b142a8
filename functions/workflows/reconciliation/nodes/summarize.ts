import { BREAK_KINDS, type BreakKind } from "#data";
import { IncompleteReconciliationError } from "../errors.ts";
import type { ReconciliationStateValue, ReconciliationUpdate } from "../state.ts";
import type { BreakRecord, ReconciliationReport } from "../types.ts";

/** How many of the largest breaks the report lists. */
export const WORST_BREAKS = 10;

/**
 * Closes the run: checks every planned partition reported and every trade was matched, then
 * tallies the merged breaks by kind, desk and counterparty and ranks the largest by notional.
 */
export async function summarize(state: ReconciliationStateValue): Promise<ReconciliationUpdate> {
  const plan = state.plan;
  if (!plan) throw new IncompleteReconciliationError("no partition plan");
  const reported = new Set(state.matched.map((o) => o.partitionId));
  const missing = plan.partitions.filter((p) => !reported.has(p.id)).map((p) => p.id);
  if (missing.length > 0) throw new IncompleteReconciliationError(`no outcome for ${missing.join(", ")}`);
  const tradesMatched = sum(state.matched.map((o) => o.trades));
  if (tradesMatched !== plan.trades) {
    throw new IncompleteReconciliationError(`${tradesMatched} of ${plan.trades} trades matched`);
  }

  const byKind = Object.fromEntries(BREAK_KINDS.map((kind) => [kind, 0])) as Record<BreakKind, number>;
  for (const b of state.breaks) byKind[b.kind]++;
  const report: ReconciliationReport = {
    date: state.dataset.date,
    partitionBy: plan.partitionBy,
    partitions: plan.partitions.length,
    tradesMatched,
    confirmationsMatched: sum(state.matched.map((o) => o.confirmations)),
    breaksFound: state.breaks.length,
    byKind,
    byDesk: countBy(state.breaks, (b) => b.desk),
    byCounterparty: countBy(state.breaks, (b) => b.counterparty),
    worst: [...state.breaks].sort(largestFirst).slice(0, WORST_BREAKS),
    notionalAtRiskUsd: sum(state.breaks.map((b) => b.notionalUsd)),
  };
  return { report };
}

/** Larger notional first; equal notionals by break id, so the ranking never depends on merge order. */
function largestFirst(a: BreakRecord, b: BreakRecord): number {
  return b.notionalUsd - a.notionalUsd || (a.breakId < b.breakId ? -1 : a.breakId > b.breakId ? 1 : 0);
}

/** Counts by a key, keys in sorted order so the report reads (and compares) the same every run. */
function countBy(breaks: readonly BreakRecord[], keyOf: (b: BreakRecord) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const b of breaks) counts.set(keyOf(b), (counts.get(keyOf(b)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
