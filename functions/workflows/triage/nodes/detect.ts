import { agentTools } from "../context.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";

/** Scans the day for breaks with `search_breaks`, using the run's tolerances. */
export async function detect(state: TriageStateValue): Promise<TriageUpdate> {
  const { tools, calls } = agentTools("detector", state.dataset);
  const result = await tools.search_breaks.invoke({ tolerances: state.tolerances });
  return {
    tradesScanned: result.tradesScanned,
    exceptions: [...result.breaks],
    steps: [
      {
        node: "detect",
        did: `scanned ${result.tradesScanned} trades, found ${result.count} breaks`,
        toolCalls: calls(),
      },
    ],
  };
}
