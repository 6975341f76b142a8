import { loadTradeDay } from "#data";
import { PartitionMismatchError } from "../errors.ts";
import { matchPartition } from "../match.ts";
import { tradesOf } from "../partition.ts";
import type { BreakRecord, MatchTask, PartitionOutcome } from "../types.ts";

/**
 * The worker, run once per partition (its own Lambda on Step Functions). It receives only the
 * `Send` argument — spec, tolerances and partition reference — regenerates the day from the
 * spec (memoised), and matches its partition's trades.
 */
export async function match(
  task: MatchTask,
): Promise<{ breaks: BreakRecord[]; matched: PartitionOutcome[] }> {
  const day = loadTradeDay(task.dataset);
  const trades = tradesOf(day, task.partitionBy, task.partition);
  if (trades.length !== task.partition.trades) {
    throw new PartitionMismatchError(task.partition.id, task.partition.trades, trades.length);
  }
  const { breaks, confirmations } = matchPartition(day, trades, task.tolerances);
  return {
    breaks,
    matched: [
      { partitionId: task.partition.id, trades: trades.length, confirmations, breaks: breaks.length },
    ],
  };
}
