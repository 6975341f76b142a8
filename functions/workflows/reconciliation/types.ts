import type {
  Break,
  BreakCategory,
  DataRef,
  DaySpec,
  PartitionRef,
  RunOutputs,
  StaleInstrument,
  Tolerances,
} from "#trading";

/**
 * The records the reconciliation nodes pass around. All plain JSON and all small: state and
 * `Send` arguments carry references (URIs) and counts, never trades, confirmations or breaks.
 */

/** What to reconcile: a desk's files, or a generated day. */
export type DaySource = { readonly data: DataRef } | { readonly dataset: DaySpec };

/** The argument of each `Send("match", …)`: everything a worker Lambda needs, by reference. */
export interface MatchTask {
  readonly partition: PartitionRef;
  readonly tolerances: Tolerances;
}

/** The orchestrator's split of the day. */
export interface PartitionPlan {
  /** The day actually read (a generated day's folder included). */
  readonly data: DataRef;
  readonly businessDate: string;
  readonly out: string;
  readonly trades: number;
  readonly confirmations: number;
  readonly instruments: number;
  readonly prices: number;
  readonly quarantined: number;
  /** Instruments whose price is stale: each worker lists its own trades of them. */
  readonly stale: readonly StaleInstrument[];
  readonly partitions: readonly PartitionRef[];
}

/** What one worker did, keyed by partition so a redriven worker replaces rather than adds. */
export interface PartitionOutcome {
  readonly partitionId: string;
  readonly trades: number;
  readonly confirmations: number;
  readonly breaks: number;
  readonly paired: number;
}

/** The closing report of a reconciliation run. */
export interface ReconciliationReport {
  readonly businessDate: string;
  readonly partitions: number;
  readonly trades: number;
  readonly confirmations: number;
  readonly tradesPaired: number;
  readonly quarantined: number;
  readonly breaksFound: number;
  readonly byCategory: Readonly<Record<BreakCategory, number>>;
  readonly byDesk: Readonly<Record<string, number>>;
  /** Notional of the breaks by currency (no FX conversion is assumed). */
  readonly notionalByCurrency: Readonly<Record<string, number>>;
  /** The largest breaks by notional, largest first. */
  readonly worst: readonly Break[];
  readonly outputs: RunOutputs;
}
