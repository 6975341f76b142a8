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
 * Hands the break to a queue of people with the reason and the booking context (`get_trade`)
 * they need to pick it up: the decision's queue when it names one (Compliance, a desk head),
 * else the team that owns the kind.
 */
export async function escalate(state: TriageStateValue): Promise<TriageUpdate> {
  const c = state.classification;
  if (!c) return {};
  const { tools, calls } = agentTools("escalator", state.dataset);
  const trade = await tools.get_trade.invoke({ tradeId: c.primaryTradeId });
  const escalation: Escalation = {
    breakId: c.breakId,
    kind: c.kind,
    severity: c.severity,
    tradeIds: c.tradeIds,
    desk: c.desk,
    counterparty: c.counterparty,
    queue: state.decision?.queue ?? ESCALATION_QUEUES[c.kind],
    reason: state.decision?.reason ?? "no routing decision",
    impactUsd: c.impactUsd,
    account: trade.account,
    bookedAt: trade.bookedAt,
  };
  return {
    escalation,
    steps: [{ node: "escalate", did: `to ${escalation.queue}: ${escalation.reason}`, toolCalls: calls() }],
  };
}
