import type { Break, QuarantinedRow } from "../breaks.ts";
import { InstrumentIndex, ourIdIndex, prepareConfirmation, splitMatchable, staleBreaks } from "../match/index.ts";
import { activeTradesByInstrument, latestPrices } from "../match/index.ts";
import type { PreparedConfirmation } from "../match/prepare.ts";
import type { Instrument, Trade } from "../model/index.ts";
import { jsonArray, writeQuarantine } from "../out/index.ts";
import { type DataRef, openDay, storeOf } from "../source.ts";
import { joinUri } from "../store/index.ts";
import type { Tolerances } from "../tolerances.ts";

/** Most partitions one day is split into: each is a worker (a Lambda on AWS) and a task id in a superstep. */
export const MAX_PARTITIONS = 1000;

/** One worker's share of the day, written as one object: everything it needs and nothing more. */
export interface PartitionFile {
  readonly partitionId: string;
  readonly businessDate: string;
  readonly instruments: readonly Instrument[];
  readonly trades: readonly Trade[];
  readonly confirmations: readonly PreparedConfirmation[];
}

/** A partition by reference: a few dozen bytes in a `Send` or a checkpoint at any day size. */
export interface PartitionRef {
  readonly id: string;
  readonly uri: string;
  readonly trades: number;
  readonly confirmations: number;
}

/** What the orchestrator learnt while splitting. */
export interface DaySplit {
  readonly businessDate: string;
  readonly trades: number;
  readonly confirmations: number;
  readonly instruments: number;
  readonly prices: number;
  readonly partitions: readonly PartitionRef[];
  readonly quarantined: number;
  readonly quarantineUri: string;
  /** Stale prices are per instrument across partitions, so the orchestrator finds them once. */
  readonly stale: readonly Break[];
  readonly files: readonly string[];
}

/**
 * Splits a day into partitions that can be matched independently, writes one object per
 * partition under `<workUri>/partitions/`, and writes the quarantine to `<outUri>/quarantine.json`.
 *
 * What must stay together does: every rule that looks at more than one record compares records
 * with the same instrument, account, side and trade date (economics pairing and partial fills add
 * broker and quantity; duplicate twins add quantity, broker and LEI), so a hash of those four
 * fields picks the partition. A confirmation that quotes one of our trade ids goes where that
 * trade went; an FX confirmation in the inverse pair is turned round first, so it hashes like the
 * trade it confirms. Limitation: an amendment that changed the side or the trade date is paired
 * by economics only with confirmations of the current values.
 *
 * @example
 * const split = await splitDay({ uri: "docs/examples/data" }, ".switchyard/runs/r1/work/", ".switchyard/runs/r1/", 200, DEFAULT_TOLERANCES);
 */
export async function splitDay(
  ref: DataRef,
  workUri: string,
  outUri: string,
  partitionSize: number,
  tolerances: Tolerances,
): Promise<DaySplit> {
  const { day, quarantine, files } = await openDay(ref);
  const instruments = new InstrumentIndex(day.instruments);
  const { matchable, rejected } = splitMatchable(day.trades, instruments);
  const count = Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(matchable.length / Math.max(1, partitionSize))));
  const buckets = Array.from({ length: count }, () => ({ trades: [] as Trade[], confirmations: [] as PreparedConfirmation[] }));

  const partitionOfTrade = new Map<string, number>();
  for (const trade of matchable) {
    const index = fnv1a(routingKey(trade.instrumentId, trade.account, trade.side, trade.tradeDate)) % count;
    partitionOfTrade.set(trade.tradeId, index);
    buckets[index]?.trades.push(trade);
  }
  const ids = ourIdIndex(matchable);
  for (const confirmation of day.confirmations) {
    const prepared = prepareConfirmation(confirmation, instruments, ids);
    const byRef = prepared.ref === undefined ? undefined : partitionOfTrade.get(prepared.ref);
    const index =
      byRef ?? fnv1a(routingKey(prepared.instrumentId, prepared.account, prepared.side, prepared.tradeDate)) % count;
    buckets[index]?.confirmations.push(prepared);
  }

  const store = storeOf(workUri);
  const partitions: PartitionRef[] = [];
  const width = String(count).length;
  for (const [index, bucket] of buckets.entries()) {
    if (bucket.trades.length === 0 && bucket.confirmations.length === 0) continue;
    const id = `p${String(index + 1).padStart(width, "0")}-of-${count}`;
    const uri = joinUri(workUri, "partitions", `${id}.json`);
    const used = new Set(bucket.trades.map((t) => t.instrumentId));
    for (const c of bucket.confirmations) if (c.knownInstrument) used.add(c.instrumentId);
    const file: PartitionFile = {
      partitionId: id,
      businessDate: day.businessDate,
      instruments: day.instruments.filter((i) => used.has(i.instrumentId)),
      trades: bucket.trades,
      confirmations: bucket.confirmations,
    };
    await store.write(uri, JSON.stringify(file), "application/json");
    partitions.push({ id, uri, trades: bucket.trades.length, confirmations: bucket.confirmations.length });
  }

  const latest = latestPrices(day.prices, (id) => instruments.resolve(id)?.instrument.instrumentId);
  const stale = staleBreaks(
    day.businessDate,
    day.instruments,
    (instrument) => latest.get(instrument.instrumentId),
    activeTradesByInstrument(matchable, instruments),
    tolerances,
  );
  const allQuarantined: QuarantinedRow[] = [...quarantine, ...rejected.map((row) => locate(row, files))];
  const quarantineUri = await writeQuarantine(storeOf(outUri), outUri, allQuarantined);
  await store.write(joinUri(workUri, "stale.json"), jsonArray(stale), "application/json");
  return {
    businessDate: day.businessDate,
    trades: day.trades.length,
    confirmations: day.confirmations.length,
    instruments: day.instruments.length,
    prices: day.prices.length,
    partitions,
    quarantined: allQuarantined.length,
    quarantineUri,
    stale,
    files,
  };
}

/** Names the trades file for a row the matcher rejected (the loader located the others). */
function locate(row: QuarantinedRow, files: readonly string[]): QuarantinedRow {
  const tradesFile = files.find((f) => /(^|[/\\])trades\.[^/\\]+$/.test(f));
  return tradesFile ? { ...row, file: tradesFile } : row;
}

/** The fields every cross-record rule shares (see {@link splitDay}), normalised like the economic key. */
export function routingKey(instrumentId: string, account: string, side: string, tradeDate: string): string {
  return `${instrumentId.replace(/\s+/g, "").toUpperCase()}|${account.replace(/\s+/g, "").toUpperCase()}|${side}|${tradeDate}`;
}

/** 32-bit FNV-1a: tiny, deterministic everywhere, and spreads short keys evenly enough. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
