import { agentTools } from "../context.ts";
import { NotMechanicalError } from "../errors.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { ClassifiedBreak, FixProposal } from "../types.ts";

type FixerTools = ReturnType<typeof agentTools<"fixer">>["tools"];

/**
 * Proposes an amendment for every break routed to auto-fix, reading the current values back
 * through the tools so the proposal states exactly what would change. Nothing is applied.
 */
export async function autoFix(state: TriageStateValue): Promise<TriageUpdate> {
  const { tools, calls } = agentTools("fixer", state.dataset);
  const routed = new Set(state.assessed.filter((a) => a.route === "auto_fix").map((a) => a.breakId));
  const fixes: FixProposal[] = [];
  for (const c of state.classified) {
    if (routed.has(c.breakId)) fixes.push(await propose(c, tools));
  }
  return {
    fixes,
    steps: [
      {
        node: "auto_fix",
        did: `proposed ${fixes.length} amendments (${countBy(fixes.map((f) => f.action))}); none applied`,
        toolCalls: calls(),
      },
    ],
  };
}

async function propose(c: ClassifiedBreak, tools: FixerTools): Promise<FixProposal> {
  const trade = await tools.get_trade.invoke({ tradeId: c.primaryTradeId });
  const base = { breakId: c.breakId, kind: c.kind, tradeId: trade.tradeId, status: "proposed" as const };
  switch (c.kind) {
    case "price_outside_tolerance": {
      const { confirmation } = await tools.get_confirmation.invoke({ tradeId: trade.tradeId });
      const to = confirmation?.price ?? trade.price;
      return {
        ...base,
        action: "amend_price",
        changes: [{ field: "price", from: trade.price, to }],
        rationale: "booked price is off-market; the broker's confirmed price agrees with the market",
      };
    }
    case "settle_date_mismatch": {
      const { confirmation } = await tools.get_confirmation.invoke({ tradeId: trade.tradeId });
      const to = confirmation?.settleDate ?? trade.settleDate;
      return {
        ...base,
        action: "amend_settle_date",
        changes: [{ field: "settleDate", from: trade.settleDate, to }],
        rationale: "booked settle date breaks the settlement convention; the broker's date follows it",
      };
    }
    case "duplicate_booking":
      return {
        ...base,
        action: "cancel_booking",
        changes: [{ field: "status", from: "booked", to: "cancelled" }],
        rationale: `repeat booking of ${c.tradeIds[0]}, which the broker confirmed`,
      };
    case "stale_price": {
      const price = await tools.get_market_price.invoke({ instrumentId: trade.instrumentId });
      return {
        ...base,
        action: "refresh_price",
        changes: [
          { field: `price[${price.instrumentId}].asOf`, from: price.asOf, to: "next vendor snapshot" },
        ],
        rationale: `vendor price is ${price.ageHours} hours old; re-request and re-mark`,
      };
    }
    default:
      throw new NotMechanicalError(c.breakId, c.kind);
  }
}

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(", ") || "none";
}
