import {
  BREAK_CATEGORIES,
  type Break,
  type BreakCategory,
  mergeStaleBreaks,
  readPartitionResult,
  storeOf,
  writeResults,
} from "#trading";
import { IncompleteReconciliationError } from "../errors.ts";
import type { ReconciliationStateValue, ReconciliationUpdate } from "../state.ts";
import type { ReconciliationReport } from "../types.ts";

/** How many of the largest breaks the report lists. */
export const WORST_BREAKS = 10;

/**
 * Closes the run: checks every planned partition reported and every trade was matched, merges
 * the workers' results with the stale prices, writes `breaks.json`, `breaks.csv` and
 * `matches.json`, and tallies the breaks by category and desk.
 */
export async function summarize(state: ReconciliationStateValue): Promise<ReconciliationUpdate> {
  const plan = state.plan;
  if (!plan) throw new IncompleteReconciliationError("no partition plan");
  const reported = new Set(state.matched.map((o) => o.partitionId));
  const missing = plan.partitions.filter((p) => !reported.has(p.id)).map((p) => p.id);
  if (missing.length > 0) throw new IncompleteReconciliationError(`no outcome for ${missing.join(", ")}`);

  // One partition's result in memory at a time; matches kept as their JSON lines.
  const found: Break[] = [];
  const staleParts: Break[] = [];
  const matchLines: string[] = [];
  let tradesMatched = 0;
  for (const partition of plan.partitions) {
    const result = await readPartitionResult(partition.uri);
    tradesMatched += result.trades;
    for (const b of result.breaks) (b.category === "STALE_PRICE" ? staleParts : found).push(b);
    for (const m of result.matches) matchLines.push(JSON.stringify(m));
  }
  const planned = sum(plan.partitions.map((p) => p.trades));
  if (tradesMatched !== planned) {
    throw new IncompleteReconciliationError(`${tradesMatched} of ${planned} trades matched`);
  }
  const breaks = [...found, ...mergeStaleBreaks(staleParts, plan.stale)].sort(byId);
  // Each line starts {"tradeId":"…", so text order is trade id order.
  matchLines.sort();
  const outputs = await writeResults(storeOf(plan.out), plan.out, { breaks, matchLines });

  const byCategory = Object.fromEntries(BREAK_CATEGORIES.map((c) => [c, 0])) as Record<BreakCategory, number>;
  for (const b of breaks) byCategory[b.category]++;
  const notionalByCurrency: Record<string, number> = {};
  for (const b of breaks)
    notionalByCurrency[b.currency] =
      Math.round(((notionalByCurrency[b.currency] ?? 0) + b.notional) * 100) / 100;
  const report: ReconciliationReport = {
    businessDate: plan.businessDate,
    partitions: plan.partitions.length,
    trades: plan.trades,
    confirmations: plan.confirmations,
    tradesPaired: matchLines.length,
    quarantined: plan.quarantined,
    breaksFound: breaks.length,
    byCategory,
    byDesk: countBy(breaks, (b) => b.desk ?? "(none)"),
    notionalByCurrency: sortKeys(notionalByCurrency),
    worst: [...breaks].sort(largestFirst).slice(0, WORST_BREAKS),
    outputs,
  };
  return { report };
}

function byId(a: Break, b: Break): number {
  return a.breakId < b.breakId ? -1 : a.breakId > b.breakId ? 1 : 0;
}

/** Larger notional first; equal notionals by break id, so the ranking never depends on merge order. */
function largestFirst(a: Break, b: Break): number {
  return b.notional - a.notional || byId(a, b);
}

/** Counts by a key, keys in sorted order so the report reads (and compares) the same every run. */
function countBy(breaks: readonly Break[], keyOf: (b: Break) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const b of breaks) counts.set(keyOf(b), (counts.get(keyOf(b)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
