import type { Trade, TradeDay } from "#data";
import type { PartitionBy, PartitionRef } from "./types.ts";

/**
 * How the day is split so that no partition hides a duplicate booking.
 *
 * The detector calls two bookings duplicates when their economics are identical (account,
 * instrument, side, quantity, price, counterparty, trade date), and it can only see duplicates
 * inside the trades it is given. So every trade goes to the partition named by
 * - its partition key — desk (an account belongs to one desk), asset class (fixed by the
 *   instrument) or counterparty — and
 * - a shard: a hash of its account, instrument, side and counterparty, modulo the key's shard
 *   count. (Not quantity or price: a detector that learns to tolerate small differences in the
 *   amounts must still find both bookings in one partition; these four alone spread the day
 *   evenly, even on the FX desk's handful of currency pairs.)
 * Both are functions of fields duplicates share, so both bookings of a pair always land in the
 * same partition. Trade-id ranges would not do: a repeat booking comes minutes after the
 * original, hundreds of ids later on a busy day.
 *
 * Shards balance by hashing, so `partitionSize` is a target: a partition holds about that many
 * trades, give or take the spread of the hash.
 */

const KEY_OF: Readonly<Record<PartitionBy, (trade: Trade) => string>> = {
  desk: (trade) => trade.desk,
  assetClass: (trade) => trade.assetClass,
  counterparty: (trade) => trade.counterparty,
};

/**
 * The partitions of a day, in key order then shard order, empty shards left out.
 *
 * @example
 * const refs = planPartitions(loadTradeDay({ trades: 2000 }), "desk", 200);
 * refs.map((r) => r.id); // ["desk=Cash Equities#1/2", "desk=Cash Equities#2/2", ...]
 */
export function planPartitions(day: TradeDay, by: PartitionBy, partitionSize: number): PartitionRef[] {
  const refs: PartitionRef[] = [];
  for (const [key, trades] of [...tradesByKey(day, by)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const shards = Math.max(1, Math.ceil(trades.length / partitionSize));
    shardsOf(day, by, key, shards).forEach((shardTrades, shard) => {
      if (shardTrades.length === 0) return;
      refs.push({ id: partitionId(by, key, shard, shards), key, shard, shards, trades: shardTrades.length });
    });
  }
  return refs;
}

/**
 * The trades of one partition, in booking order. Memoised per day, so the workers of a run that
 * share a warm Lambda (or a process) shard the day once.
 *
 * @example
 * const trades = tradesOf(day, "desk", { key: "Rates", shard: 0, shards: 2 });
 */
export function tradesOf(
  day: TradeDay,
  by: PartitionBy,
  ref: Pick<PartitionRef, "key" | "shard" | "shards">,
): readonly Trade[] {
  return shardsOf(day, by, ref.key, ref.shards)[ref.shard] ?? [];
}

/** The number of distinct partition-key values in the day. */
export function keyCount(day: TradeDay, by: PartitionBy): number {
  return tradesByKey(day, by).size;
}

export function partitionId(by: PartitionBy, key: string, shard: number, shards: number): string {
  return `${by}=${key}#${shard + 1}/${shards}`;
}

/** 32-bit FNV-1a: tiny, deterministic everywhere, and spreads short ids evenly enough. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The duplicate bucket a trade hashes from: fields every duplicate booking shares with its original. */
function bucketOf(trade: Trade): number {
  return fnv1a(`${trade.account}|${trade.instrumentId}|${trade.side}|${trade.counterparty}`);
}

const byKeyMemo = new WeakMap<TradeDay, Map<PartitionBy, Map<string, Trade[]>>>();
const shardMemo = new WeakMap<TradeDay, Map<string, Trade[][]>>();

function tradesByKey(day: TradeDay, by: PartitionBy): Map<string, Trade[]> {
  let perMode = byKeyMemo.get(day);
  if (!perMode) {
    perMode = new Map();
    byKeyMemo.set(day, perMode);
  }
  let groups = perMode.get(by);
  if (!groups) {
    groups = new Map();
    const keyOf = KEY_OF[by];
    for (const trade of day.trades) {
      const key = keyOf(trade);
      const group = groups.get(key);
      if (group) group.push(trade);
      else groups.set(key, [trade]);
    }
    perMode.set(by, groups);
  }
  return groups;
}

function shardsOf(day: TradeDay, by: PartitionBy, key: string, shards: number): Trade[][] {
  let perDay = shardMemo.get(day);
  if (!perDay) {
    perDay = new Map();
    shardMemo.set(day, perDay);
  }
  const memoKey = `${by}\u0000${key}\u0000${shards}`;
  let split = perDay.get(memoKey);
  if (!split) {
    split = Array.from({ length: shards }, (): Trade[] => []);
    for (const trade of tradesByKey(day, by).get(key) ?? []) split[bucketOf(trade) % shards]?.push(trade);
    perDay.set(memoKey, split);
  }
  return split;
}
