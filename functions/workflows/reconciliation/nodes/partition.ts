import { loadTradeDay } from "#data";
import { keyCount, planPartitions } from "../partition.ts";
import type { ReconciliationStateValue, ReconciliationUpdate } from "../state.ts";

/**
 * The orchestrator: splits the day into partitions by the requested key and size. It writes
 * only the partition references; `fanOut` turns them into one `Send` per worker.
 */
export async function partition(state: ReconciliationStateValue): Promise<ReconciliationUpdate> {
  const day = loadTradeDay(state.dataset);
  return {
    plan: {
      partitionBy: state.partitionBy,
      partitionSize: state.partitionSize,
      trades: day.trades.length,
      keys: keyCount(day, state.partitionBy),
      partitions: planPartitions(day, state.partitionBy, state.partitionSize),
    },
  };
}
