import type { BreakKind } from "#data";
import { agentTools } from "../context.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { Escalation } from "../types.ts";

/** The team that owns each kind of break when a person is needed. */
export const ESCALATION_QUEUES: Readonly<Record<BreakKind, string>> = {
  price_outside_tolerance: "Middle Office Confirmations",
  quantity_mismatch: "Middle Office Confirmations",
  missing_confirmation: "Middle Office Confirmations",
  settle_date_mismatch: "Settlements",
  duplicate_booking: "Trade Support",
  counterparty_ssi_mismatch: "Payments Control",
  stale_price: "Market Data",
};

/**
 * Hands every break routed to escalation to its owning team, with the routing reason and the
 * booking context (`get_trade`) a person needs to pick it up. Limit problems go to the desk head.
 */
export async function escalate(state: TriageStateValue): Promise<TriageUpdate> {
  const { tools, calls } = agentTools("escalator", state.dataset);
  const routed = new Map(state.assessed.filter((a) => a.route === "escalate").map((a) => [a.breakId, a]));
  const escalations: Escalation[] = [];
  for (const c of state.classified) {
    const assessment = routed.get(c.breakId);
    if (!assessment) continue;
    const trade = await tools.get_trade.invoke({ tradeId: c.primaryTradeId });
    const limitProblem = c.fixable && c.severity !== "high";
    escalations.push({
      breakId: c.breakId,
      kind: c.kind,
      severity: c.severity,
      tradeIds: c.tradeIds,
      desk: c.desk,
      counterparty: c.counterparty,
      queue: limitProblem ? `Desk Head, ${c.desk}` : ESCALATION_QUEUES[c.kind],
      reason: assessment.reason,
      impactUsd: c.impactUsd,
      account: trade.account,
      bookedAt: trade.bookedAt,
    });
  }
  const high = escalations.filter((e) => e.severity === "high").length;
  return {
    escalations,
    steps: [
      {
        node: "escalate",
        did: `escalated ${escalations.length} breaks (${high} high severity) to ${new Set(escalations.map((e) => e.queue)).size} queues`,
        toolCalls: calls(),
      },
    ],
  };
}
