import type { Break, Match } from "../breaks.ts";
import { InstrumentIndex, matchTrades, type PreparedConfirmation } from "../match/index.ts";
import type { Trade } from "../model/index.ts";
import { storeOf } from "../source.ts";
import type { Tolerances } from "../tolerances.ts";
import type { PartitionHeader } from "./split.ts";

/** What a worker found in its partition, written beside it. */
export interface PartitionResult {
  readonly partitionId: string;
  readonly trades: number;
  readonly confirmations: number;
  /** Its breaks; `STALE_PRICE` ones list only this partition's trades (merged by `summarize`). */
  readonly breaks: readonly Break[];
  readonly matches: readonly Match[];
}

/** Where a partition's result is written: beside the partition, `.result.json`. */
export function resultUriOf(partitionUri: string): string {
  return partitionUri.replace(/\.jsonl$/, ".result.json");
}

/**
 * The worker: reads its own partition object — never the day — matches it with the same rules as
 * a whole-day pass, and writes the result beside it. Writing first and reporting counts keeps
 * the checkpoint small at any day size; a redriven worker rewrites the same object.
 *
 * @example
 * const result = await matchPartitionAt(ref.uri, DEFAULT_TOLERANCES);
 */
export async function matchPartitionAt(
  partitionUri: string,
  tolerances: Tolerances,
): Promise<PartitionResult> {
  const store = storeOf(partitionUri);
  const lines = (await store.readText(partitionUri)).split("\n");
  const header = JSON.parse(lines[0] ?? "{}") as PartitionHeader;
  const trades: Trade[] = [];
  const confirmations: PreparedConfirmation[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const row = JSON.parse(line) as { trade?: Trade; confirmation?: PreparedConfirmation };
    if (row.trade) trades.push(row.trade);
    else if (row.confirmation) confirmations.push(row.confirmation);
  }
  const { breaks, matches } = matchTrades(
    trades,
    confirmations,
    new InstrumentIndex(header.instruments),
    tolerances,
    header.stale,
  );
  const result: PartitionResult = {
    partitionId: header.partitionId,
    trades: trades.length,
    confirmations: confirmations.length,
    breaks,
    matches,
  };
  await store.write(resultUriOf(partitionUri), JSON.stringify(result), "application/json");
  return result;
}

/** Reads the result of one partition back. */
export async function readPartitionResult(partitionUri: string): Promise<PartitionResult> {
  return JSON.parse(await storeOf(partitionUri).readText(resultUriOf(partitionUri))) as PartitionResult;
}
