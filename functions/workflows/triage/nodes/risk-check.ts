import { agentTools } from "../context.ts";
import { decideRoute } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { RiskAssessment } from "../types.ts";

/**
 * Weighs each classified break against the desk's position and limits (`get_position`,
 * `check_limit`) and applies the routing rule, so the conditional edge only reads decisions.
 */
export async function riskCheck(state: TriageStateValue): Promise<TriageUpdate> {
  const { tools, calls } = agentTools("risk", state.dataset);
  const assessed: RiskAssessment[] = [];
  for (const c of state.classified) {
    const position = await tools.get_position.invoke({ desk: c.desk, instrumentId: c.instrumentId });
    const limit = await tools.check_limit.invoke({ desk: c.desk, additionalNotionalUsd: c.impactUsd });
    const { route, reason } = decideRoute(c, limit);
    assessed.push({
      breakId: c.breakId,
      impactUsd: c.impactUsd,
      positionQuantity: position.quantity,
      limitUsd: limit.limitUsd,
      headroomUsd: limit.headroomUsd,
      wouldBreach: limit.wouldBreach,
      exceedsSingleTradeLimit: limit.exceedsSingleTradeLimit,
      route,
      reason,
    });
  }
  const toFix = assessed.filter((a) => a.route === "auto_fix").length;
  const breaches = assessed.filter((a) => a.wouldBreach).length;
  return {
    assessed,
    steps: [
      {
        node: "risk_check",
        did: `checked ${assessed.length} breaks against positions and desk limits (${breaches} would breach); routed ${toFix} to auto-fix, ${assessed.length - toFix} to escalation`,
        toolCalls: calls(),
      },
    ],
  };
}
