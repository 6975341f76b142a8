import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { type DataRef, defaultOutUri, generatedDayRef, joinUri, splitDay } from "#trading";
import type { ReconciliationStateValue, ReconciliationUpdate } from "../state.ts";

/**
 * The orchestrator: reads the day once (a generated day is written in the canonical format
 * first and read back like any desk's files), quarantines what cannot be read, finds stale
 * prices, and writes one object per partition for the workers. State gets references and counts.
 */
export async function partition(
  state: ReconciliationStateValue,
  config?: LangGraphRunnableConfig,
): Promise<ReconciliationUpdate> {
  const runId = String(config?.configurable?.thread_id ?? "local");
  const data: DataRef =
    "data" in state.source ? state.source.data : await generatedDayRef(state.source.dataset);
  const out = state.out ?? defaultOutUri(data.uri, runId);
  const split = await splitDay(data, joinUri(out, "work", "/"), out, state.partitionSize, state.tolerances);
  return {
    plan: {
      data,
      businessDate: split.businessDate,
      out,
      trades: split.trades,
      confirmations: split.confirmations,
      instruments: split.instruments,
      prices: split.prices,
      quarantined: split.quarantined,
      stale: split.stale,
      partitions: split.partitions,
    },
  };
}
