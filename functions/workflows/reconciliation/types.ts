import type { BreakKind, DatasetSpec, Tolerances } from "#data";

/**
 * The records the reconciliation nodes pass around. All plain JSON and all small: a `Send`
 * argument or a checkpoint carries references into the day (a partition's key and shard),
 * never the trades themselves.
 */

/** The trade attribute the orchestrator splits the day by. */
export type PartitionBy = "desk" | "assetClass" | "counterparty";

/**
 * One worker's share of the day: the trades whose partition key is `key` and whose duplicate
 * bucket hashes to `shard` of `shards` (see `partition.ts`). A few dozen bytes at any day size.
 */
export interface PartitionRef {
  /** Stable and readable, e.g. `desk=Rates#2/3`. */
  readonly id: string;
  readonly key: string;
  readonly shard: number;
  readonly shards: number;
  /** How many trades the orchestrator counted in it; the worker checks it sees the same. */
  readonly trades: number;
}

/** The argument of each `Send("match", …)`: everything a worker Lambda needs, by reference. */
export interface MatchTask {
  readonly dataset: Required<DatasetSpec>;
  readonly tolerances: Tolerances;
  readonly partitionBy: PartitionBy;
  readonly partition: PartitionRef;
}

/** A break as the checkpoint keeps it: what, which trades, whose, how big, and why in one line. */
export interface BreakRecord {
  /** The detector's stable id (`kind:tradeId[+tradeId]`): the merge key. */
  readonly breakId: string;
  readonly kind: BreakKind;
  /** The affected trades; for a duplicate, the confirmed original first. */
  readonly tradeIds: readonly string[];
  readonly desk: string;
  readonly counterparty: string;
  /** Notional of the first trade in US dollars, rounded: what ranks the worst breaks. */
  readonly notionalUsd: number;
  readonly detail: string;
}

/** What one worker did, keyed by partition so a redriven worker replaces rather than adds. */
export interface PartitionOutcome {
  readonly partitionId: string;
  readonly trades: number;
  readonly confirmations: number;
  readonly breaks: number;
}

/** The orchestrator's split of the day. */
export interface PartitionPlan {
  readonly partitionBy: PartitionBy;
  readonly partitionSize: number;
  readonly trades: number;
  /** Distinct partition-key values (desks, asset classes or counterparties). */
  readonly keys: number;
  readonly partitions: readonly PartitionRef[];
}

/** The closing report of a reconciliation run. */
export interface ReconciliationReport {
  readonly date: string;
  readonly partitionBy: PartitionBy;
  readonly partitions: number;
  readonly tradesMatched: number;
  readonly confirmationsMatched: number;
  readonly breaksFound: number;
  readonly byKind: Readonly<Record<BreakKind, number>>;
  readonly byDesk: Readonly<Record<string, number>>;
  readonly byCounterparty: Readonly<Record<string, number>>;
  /** The largest breaks by notional, largest first. */
  readonly worst: readonly BreakRecord[];
  /** Sum of the notionals of every break. */
  readonly notionalAtRiskUsd: number;
}
