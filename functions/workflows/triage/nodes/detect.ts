import { agentTools } from "../context.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";

/**
 * Picks the ONE exception this run triages: the one in the request; else the break the
 * detector finds on the requested trade; else the day's first break, in the detector's own
 * (deterministic) order. No break at all sends the run straight to the report.
 */
export async function detect(state: TriageStateValue): Promise<TriageUpdate> {
  const given = state.request?.exception;
  if (given) {
    return {
      exception: given,
      steps: [{ node: "detect", did: `took ${given.breakId} from the request`, toolCalls: 0 }],
    };
  }
  const { tools, calls } = agentTools("detector", state.dataset);
  const tradeId = state.request?.tradeId;
  const result = await tools.search_breaks.invoke({
    tolerances: state.tolerances,
    ...(tradeId ? { tradeIds: [tradeId] } : {}),
  });
  const [first] = result.breaks;
  const where = tradeId ? `trade ${tradeId}` : `${result.tradesScanned} trades`;
  return {
    tradesScanned: result.tradesScanned,
    exception: first ?? null,
    steps: [
      {
        node: "detect",
        did: first
          ? `scanned ${where}, found ${result.count} break${result.count === 1 ? "" : "s"}; triaging ${first.breakId}`
          : `scanned ${where}: no break to triage`,
        toolCalls: calls(),
      },
    ],
  };
}
