import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { QuarantinedRow } from "../breaks.ts";
import type { DataRef } from "../data-ref.ts";
import { noBusinessDate, openDayFiles, readRecords } from "../load/index.ts";
import {
  InstrumentIndex,
  keepLatest,
  normalizeRef,
  prepareConfirmation,
  type StaleInstrument,
  staleInstruments,
} from "../match/index.ts";
import type { Instrument, MarketPrice, Trade } from "../model/index.ts";
import { writeQuarantine } from "../out/index.ts";
import { storeOf } from "../source.ts";
import { joinUri } from "../store/index.ts";
import type { Tolerances } from "../tolerances.ts";
import { MAX_PARTITIONS } from "./limits.ts";

/**
 * The first line of a partition object: what its worker needs besides the records (one JSON
 * object per following line, `{"trade":…}` or `{"confirmation":…}` — a prepared confirmation).
 */
export interface PartitionHeader {
  readonly partitionId: string;
  readonly businessDate: string;
  readonly instruments: readonly Instrument[];
  readonly stale: readonly StaleInstrument[];
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
  readonly stale: readonly StaleInstrument[];
  readonly files: readonly string[];
}

/** A partition's buffered lines are appended to its spill file past this many characters. */
const SPILL_AT = 64 * 1024;

/**
 * Splits a day into partitions that can be matched independently, writing one object per
 * partition under `<workUri>/partitions/` and the quarantine to `<outUri>/quarantine.json`.
 *
 * What must stay together does: every rule that looks at more than one record compares records
 * with the same instrument, account, side and trade date (economics pairing and partial fills add
 * broker and quantity; duplicate twins add quantity, broker and LEI), so a hash of those four
 * fields picks the partition. A confirmation that quotes one of our trade ids goes where that
 * trade went; an FX confirmation in the inverse pair is turned round first, so it hashes like the
 * trade it confirms. Stale prices are found here, once, and each worker lists its own trades of
 * them. Limitation: an amendment that changed the side or the trade date is paired by economics
 * only with confirmations of the current values.
 *
 * The day is streamed, never held: instruments and prices are read whole (they are few), the
 * trades twice (once to count them and learn their ids, once to route them), the confirmations
 * once; each partition's lines are spilled to a local temporary file as they come. Memory grows
 * with the number of trade ids, not with the day's bytes.
 *
 * @example
 * const split = await splitDay({ uri: "docs/examples/data" }, "out/r1/work/", "out/r1/", 200, DEFAULT_TOLERANCES);
 */
export async function splitDay(
  ref: DataRef,
  workUri: string,
  outUri: string,
  partitionSize: number,
  tolerances: Tolerances,
): Promise<DaySplit> {
  const source = storeOf(ref.uri);
  const layout = await openDayFiles(source, ref.uri, {
    ...(ref.mapping ? { mapping: ref.mapping } : {}),
    ...(ref.businessDate ? { businessDate: ref.businessDate } : {}),
  });
  const quarantine: QuarantinedRow[] = [];
  const read = <K extends "instruments" | "trades" | "confirmations" | "prices">(kind: K) => {
    const file = layout.records[kind];
    return file ? readRecords(source, file, kind, layout.mapping) : nothing();
  };

  const instrumentList: Instrument[] = [];
  for await (const row of read("instruments")) {
    if ("record" in row) instrumentList.push(row.record);
    else quarantine.push(row.quarantined);
  }
  const instruments = new InstrumentIndex(instrumentList);

  const latest = new Map<string, MarketPrice>();
  let prices = 0;
  for await (const row of read("prices")) {
    if ("record" in row) {
      prices++;
      keepLatest(latest, row.record, (id) => instruments.get(id)?.instrumentId);
    } else quarantine.push(row.quarantined);
  }

  // Pass 1 over the trades: which are ours and matchable, how many, and the latest trade date.
  const ourIds = new Map<string, string>();
  let trades = 0;
  let latestTradeDate: string | undefined;
  const tradesFile = layout.records.trades as string;
  for await (const row of read("trades")) {
    if (!("record" in row)) {
      quarantine.push(row.quarantined);
      continue;
    }
    trades++;
    const trade = row.record;
    if (!latestTradeDate || trade.tradeDate > latestTradeDate) latestTradeDate = trade.tradeDate;
    if (!instruments.get(trade.instrumentId)) {
      quarantine.push({
        file: tradesFile,
        line: row.line,
        field: "instrumentId",
        reason: `unknown instrument ${JSON.stringify(trade.instrumentId)}: not in the instruments file`,
        recordId: trade.tradeId,
      });
      continue;
    }
    ourIds.set(normalizeRef(trade.tradeId), trade.tradeId);
  }
  const businessDate = layout.businessDate ?? latestTradeDate;
  if (!businessDate) throw noBusinessDate(layout);
  const stale = staleInstruments(businessDate, instrumentList, (i) => latest.get(i.instrumentId), tolerances);

  const count = Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(ourIds.size / Math.max(1, partitionSize))));
  const spill = await Spill.open(count);
  try {
    // Pass 2: route each matchable trade by its routing key, remembering where it went.
    const partitionOf = new Map<string, number>();
    for await (const row of read("trades")) {
      if (!("record" in row)) continue;
      const instrument = instruments.get(row.record.instrumentId);
      if (!instrument) continue;
      const trade: Trade = { ...row.record, instrumentId: instrument.instrumentId };
      const index = fnv1a(routingKey(trade.instrumentId, trade.account, trade.side, trade.tradeDate)) % count;
      partitionOf.set(trade.tradeId, index);
      await spill.add(index, "trade", trade, trade.instrumentId);
    }
    let confirmations = 0;
    for await (const row of read("confirmations")) {
      if (!("record" in row)) {
        quarantine.push(row.quarantined);
        continue;
      }
      confirmations++;
      const prepared = prepareConfirmation(row.record, instruments, ourIds);
      const byRef = prepared.ref === undefined ? undefined : partitionOf.get(prepared.ref);
      const index =
        byRef ??
        fnv1a(routingKey(prepared.instrumentId, prepared.account, prepared.side, prepared.tradeDate)) % count;
      await spill.add(
        index,
        "confirmation",
        prepared,
        prepared.knownInstrument ? prepared.instrumentId : undefined,
      );
    }

    const store = storeOf(workUri);
    const staleById = new Map(stale.map((s) => [s.instrumentId, s]));
    const partitions: PartitionRef[] = [];
    const width = String(count).length;
    for (let index = 0; index < count; index++) {
      const lines = await spill.drain(index);
      if (!lines) continue;
      const id = `p${String(index + 1).padStart(width, "0")}-of-${count}`;
      const uri = joinUri(workUri, "partitions", `${id}.jsonl`);
      const used = spill.instrumentsOf(index);
      const header: PartitionHeader = {
        partitionId: id,
        businessDate,
        instruments: instrumentList.filter((i) => used.has(i.instrumentId)),
        stale: [...used].flatMap((i) => staleById.get(i) ?? []),
      };
      await store.write(uri, `${JSON.stringify(header)}\n${lines.text}`, "application/x-ndjson");
      partitions.push({ id, uri, trades: lines.trades, confirmations: lines.confirmations });
    }

    const quarantineUri = await writeQuarantine(storeOf(outUri), outUri, quarantine);
    return {
      businessDate,
      trades,
      confirmations,
      instruments: instrumentList.length,
      prices,
      partitions,
      quarantined: quarantine.length,
      quarantineUri,
      stale,
      files: layout.files,
    };
  } finally {
    await spill.close();
  }
}

/** Per-partition lines, buffered and appended to local temporary files past {@link SPILL_AT}. */
class Spill {
  private readonly buffers: string[][];
  private readonly sizes: number[];
  private readonly counts: { trades: number; confirmations: number }[];
  private readonly instruments: Set<string>[];
  private readonly spilled: boolean[];

  private constructor(
    private readonly dir: string,
    count: number,
  ) {
    this.buffers = Array.from({ length: count }, () => []);
    this.sizes = new Array(count).fill(0);
    this.counts = Array.from({ length: count }, () => ({ trades: 0, confirmations: 0 }));
    this.instruments = Array.from({ length: count }, () => new Set<string>());
    this.spilled = new Array(count).fill(false);
  }

  static async open(count: number): Promise<Spill> {
    return new Spill(await mkdtemp(join(tmpdir(), "switchyard-split-")), count);
  }

  async add(
    index: number,
    kind: "trade" | "confirmation",
    record: unknown,
    instrumentId?: string,
  ): Promise<void> {
    const line = `${JSON.stringify({ [kind]: record })}\n`;
    (this.buffers[index] as string[]).push(line);
    this.sizes[index] = (this.sizes[index] as number) + line.length;
    const counts = this.counts[index] as { trades: number; confirmations: number };
    if (kind === "trade") counts.trades++;
    else counts.confirmations++;
    if (instrumentId) this.instruments[index]?.add(instrumentId);
    if ((this.sizes[index] as number) >= SPILL_AT) await this.flush(index);
  }

  instrumentsOf(index: number): ReadonlySet<string> {
    return this.instruments[index] ?? new Set();
  }

  /** The partition's lines (spilled and buffered) and counts; `undefined` when it got none. */
  async drain(index: number): Promise<{ text: string; trades: number; confirmations: number } | undefined> {
    const counts = this.counts[index] as { trades: number; confirmations: number };
    if (counts.trades + counts.confirmations === 0) return undefined;
    const head = this.spilled[index] ? await readFile(this.fileOf(index), "utf8") : "";
    const text = head + (this.buffers[index] as string[]).join("");
    this.buffers[index] = [];
    return { text, ...counts };
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async flush(index: number): Promise<void> {
    await appendFile(this.fileOf(index), (this.buffers[index] as string[]).join(""));
    this.buffers[index] = [];
    this.sizes[index] = 0;
    this.spilled[index] = true;
  }

  private fileOf(index: number): string {
    return join(this.dir, `${index}.jsonl`);
  }
}

/** A day may have no instruments, confirmations or prices file: nothing to read. */
async function* nothing(): AsyncGenerator<never> {}

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
