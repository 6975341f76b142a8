import type { RunSummary } from "#engine";
import { BREAK_CATEGORIES } from "#trading/schemas";
import type { ReconciliationStateValue } from "./state.ts";

/**
 * A one-screen account of a reconciliation run, with where its outputs are.
 *
 * @example
 * summarizeReconciliation(finalState).headline;
 * // "Reconciliation 2026-12-28: 30 trades, 27 paired, 16 breaks, 1 row quarantined (3 workers)"
 */
export function summarizeReconciliation(state: ReconciliationStateValue): RunSummary {
  // A run that failed early has a partial state: summarise what is there.
  const plan = state.plan ?? null;
  const report = state.report ?? null;
  const matched = state.matched ?? [];
  const workers = matched.length;
  const largest = Math.max(0, ...matched.map((o) => o.trades));
  const figures: Record<string, number | string> = {
    businessDate: plan?.businessDate ?? "",
    data: plan?.data.uri ?? "",
    trades: plan?.trades ?? 0,
    confirmations: plan?.confirmations ?? 0,
    tradesPaired: report?.tradesPaired ?? 0,
    quarantined: plan?.quarantined ?? 0,
    workers,
    largestPartition: largest,
    breaksFound: report?.breaksFound ?? 0,
  };
  for (const category of BREAK_CATEGORIES) figures[`found.${category}`] = report?.byCategory[category] ?? 0;
  for (const [name, uri] of Object.entries(report?.outputs ?? {})) figures[`output.${name}`] = uri;
  const worst = report?.worst[0];
  return {
    headline:
      `Reconciliation ${plan?.businessDate ?? "?"}: ${fmt(plan?.trades ?? 0)} trades, ${fmt(report?.tradesPaired ?? 0)} paired, ` +
      `${fmt(report?.breaksFound ?? 0)} breaks, ${plural(plan?.quarantined ?? 0, "row")} quarantined (${plural(workers, "worker")})`,
    steps: [
      {
        node: "partition",
        did: plan
          ? `read ${fmt(plan.trades)} trades, ${fmt(plan.confirmations)} confirmations, ${fmt(plan.instruments)} instruments and ${fmt(plan.prices)} prices from ${plan.data.uri}; quarantined ${plural(plan.quarantined, "row")}; ${plural(plan.stale.length, "stale price")}; split into ${plan.partitions.length} partitions`
          : "did not run",
      },
      {
        node: "match",
        did: `${workers} workers matched ${fmt(matched.reduce((n, o) => n + o.trades, 0))} trades against ${fmt(matched.reduce((n, o) => n + o.confirmations, 0))} confirmations in parallel (largest partition ${largest})`,
      },
      {
        node: "summarize",
        did: report
          ? `wrote ${fmt(report.breaksFound)} breaks to ${report.outputs.breaks}` +
            (worst
              ? `; largest ${worst.category} on ${worst.tradeIds.join("+") || worst.confirmationIds.join("+")} (${fmt(worst.notional)} ${worst.currency})`
              : "")
          : "did not run",
      },
    ],
    figures,
  };
}

function plural(n: number, noun: string): string {
  return `${fmt(n)} ${noun}${n === 1 ? "" : "s"}`;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
