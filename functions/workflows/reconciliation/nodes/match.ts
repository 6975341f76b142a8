import { matchPartitionAt } from "#trading";
import { PartitionMismatchError } from "../errors.ts";
import type { MatchTask, PartitionOutcome } from "../types.ts";

/**
 * The worker, run once per partition (its own Lambda on Step Functions). It receives only the
 * `Send` argument — the partition's reference and the tolerances — reads its own partition
 * object, matches it, and writes its breaks and matches beside it.
 */
export async function match(task: MatchTask): Promise<{ matched: PartitionOutcome[] }> {
  const result = await matchPartitionAt(task.partition.uri, task.tolerances);
  if (result.trades !== task.partition.trades || result.confirmations !== task.partition.confirmations) {
    throw new PartitionMismatchError(
      task.partition.id,
      `${task.partition.trades} trades and ${task.partition.confirmations} confirmations`,
      `${result.trades} and ${result.confirmations}`,
    );
  }
  return {
    matched: [
      {
        partitionId: task.partition.id,
        trades: result.trades,
        confirmations: result.confirmations,
        breaks: result.breaks.length,
        paired: result.matches.length,
      },
    ],
  };
}
