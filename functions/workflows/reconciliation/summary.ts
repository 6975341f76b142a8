import { BREAK_KINDS } from "#data";
import type { RunSummary } from "#engine";
import type { ReconciliationStateValue } from "./state.ts";

/**
 * A one-screen account of a reconciliation run.
 *
 * @example
 * summarizeReconciliation(finalState).headline;
 * // "Reconciliation 2026-11-24: 2,000 trades matched by 12 workers (by desk), 40 breaks, $… at risk"
 */
export function summarizeReconciliation(state: ReconciliationStateValue): RunSummary {
  const plan = state.plan;
  const report = state.report;
  const trades = plan?.trades ?? 0;
  const workers = state.matched.length;
  const largest = Math.max(0, ...state.matched.map((o) => o.trades));
  const figures: Record<string, number | string> = {
    date: state.dataset.date,
    partitionBy: state.partitionBy,
    partitionSize: state.partitionSize,
    trades,
    workers,
    largestPartition: largest,
    breaksFound: state.breaks.length,
    notionalAtRiskUsd: report?.notionalAtRiskUsd ?? 0,
  };
  for (const kind of BREAK_KINDS) figures[`found.${kind}`] = report?.byKind[kind] ?? 0;
  const worst = report?.worst[0];
  return {
    headline:
      `Reconciliation ${state.dataset.date}: ${fmt(trades)} trades matched by ${workers} workers ` +
      `(by ${state.partitionBy}), ${state.breaks.length} breaks, ${usd(figures.notionalAtRiskUsd as number)} at risk`,
    steps: [
      {
        node: "partition",
        did: plan
          ? `split ${fmt(plan.trades)} trades by ${plan.partitionBy} (${plan.keys} keys) into ${plan.partitions.length} partitions of ~${plan.partitionSize}`
          : "did not run",
      },
      {
        node: "match",
        did: `${workers} workers matched ${fmt(state.matched.reduce((n, o) => n + o.trades, 0))} trades against ${fmt(state.matched.reduce((n, o) => n + o.confirmations, 0))} confirmations in parallel (largest partition ${largest}); ${state.breaks.length} breaks merged`,
      },
      {
        node: "summarize",
        did: report
          ? `tallied ${report.breaksFound} breaks over ${Object.keys(report.byDesk).length} desks and ${Object.keys(report.byCounterparty).length} counterparties` +
            (worst
              ? `; largest ${worst.kind.replaceAll("_", " ")} on ${worst.tradeIds.join("+")} (${usd(worst.notionalUsd)})`
              : "")
          : "did not run",
      },
    ],
    figures,
  };
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

function usd(amount: number): string {
  return `$${Math.round(amount).toLocaleString("en-US")}`;
}
