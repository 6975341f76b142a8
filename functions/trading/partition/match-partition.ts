import type { Break, Match } from "../breaks.ts";
import { InstrumentIndex, matchTrades } from "../match/index.ts";
import { storeOf } from "../source.ts";
import type { Tolerances } from "../tolerances.ts";
import type { PartitionFile } from "./split.ts";

/** What a worker found in its partition, written beside it. */
export interface PartitionResult {
  readonly partitionId: string;
  readonly trades: number;
  readonly confirmations: number;
  readonly breaks: readonly Break[];
  readonly matches: readonly Match[];
}

/** Where a partition's result is written: beside the partition, `.result.json` for `.json`. */
export function resultUriOf(partitionUri: string): string {
  return partitionUri.replace(/\.json$/, ".result.json");
}

/**
 * The worker: reads its own partition object — never the day — matches it with the same rules as
 * a whole-day pass, and writes the result beside it. Writing first and reporting counts keeps
 * the checkpoint small at any day size; a redriven worker rewrites the same object.
 *
 * @example
 * const result = await matchPartitionAt(ref.uri, DEFAULT_TOLERANCES);
 */
export async function matchPartitionAt(partitionUri: string, tolerances: Tolerances): Promise<PartitionResult> {
  const store = storeOf(partitionUri);
  const file = JSON.parse(await store.readText(partitionUri)) as PartitionFile;
  const { breaks, matches } = matchTrades(
    file.trades,
    file.confirmations,
    new InstrumentIndex(file.instruments),
    tolerances,
  );
  const result: PartitionResult = {
    partitionId: file.partitionId,
    trades: file.trades.length,
    confirmations: file.confirmations.length,
    breaks,
    matches,
  };
  await store.write(resultUriOf(partitionUri), JSON.stringify(result), "application/json");
  return result;
}

/** Reads the results of the given partitions back, in partition order. */
export async function readPartitionResults(partitionUris: readonly string[]): Promise<PartitionResult[]> {
  const results: PartitionResult[] = [];
  for (const uri of partitionUris) {
    results.push(JSON.parse(await storeOf(uri).readText(resultUriOf(uri))) as PartitionResult);
  }
  return results;
}
