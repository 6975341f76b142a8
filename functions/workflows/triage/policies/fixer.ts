import type { BreakKind } from "#data";
import { definePolicy, readConversation } from "#models";
import type { AmendmentProposal, ConfirmationLookup, PriceView, TradeView } from "#tools";
import { answer, called, errorsOf, resultOf } from "./read.ts";

/** The fixer's two tasks: propose (and ask to apply), or apply an approved proposal. */
export type FixerTask =
  | {
      readonly mode: "propose";
      readonly breakId: string;
      readonly kind: BreakKind;
      readonly primaryTradeId: string;
      readonly tradeIds: readonly string[];
    }
  | { readonly mode: "apply"; readonly proposalId: string; readonly tradeId: string; readonly tool: string };

/** The effect tool that carries out a proposal's action. */
export const applyToolFor = (action: AmendmentProposal["action"]) =>
  action === "cancel_booking" ? "cancel_rebook" : "apply_amendment";

/**
 * `triage.fixer`, offline. Propose: look up the booking (and what the fix needs: the broker's
 * confirmation or the market price), record the amendment with `propose_amendment`, then ask to
 * apply it — the agent refuses without approval and hands back the approval key. Apply: call
 * the effect tool on the approved proposal, nothing else.
 */
export const fixerPolicy = definePolicy("triage.fixer", (messages) => {
  const { subject, calls } = readConversation(messages);
  const task = subject as unknown as FixerTask;
  if (task.mode === "apply") {
    const tool = task.tool;
    if (!called(calls, tool))
      return { toolCalls: [{ name: tool, args: { proposalId: task.proposalId, tradeId: task.tradeId } }] };
    const effect = resultOf<{ effectId: string }>(calls, tool);
    return answer(effect ? { effectId: effect.effectId } : { error: errorsOf(calls).join("; ") });
  }
  if (!called(calls, "get_trade")) {
    return {
      toolCalls: [
        { name: "get_trade", args: { tradeId: task.primaryTradeId } },
        { name: "get_confirmation", args: { tradeId: task.primaryTradeId } },
      ],
    };
  }
  const trade = resultOf<TradeView>(calls, "get_trade");
  if (!trade) return answer({ error: errorsOf(calls).join("; ") });
  if (task.kind === "stale_price" && !called(calls, "get_market_price")) {
    return { toolCalls: [{ name: "get_market_price", args: { instrumentId: trade.instrumentId } }] };
  }
  if (!called(calls, "propose_amendment")) {
    const fix = amendmentFor(task, trade, {
      confirmation: resultOf<ConfirmationLookup>(calls, "get_confirmation")?.confirmation ?? null,
      price: resultOf<PriceView>(calls, "get_market_price"),
    });
    if ("error" in fix) return answer(fix);
    return {
      toolCalls: [
        { name: "propose_amendment", args: { breakId: task.breakId, tradeId: trade.tradeId, ...fix } },
      ],
    };
  }
  const proposal = resultOf<AmendmentProposal>(calls, "propose_amendment");
  if (!proposal) return answer({ error: errorsOf(calls).join("; ") });
  const tool = applyToolFor(proposal.action);
  if (!called(calls, tool)) {
    return {
      toolCalls: [{ name: tool, args: { proposalId: proposal.proposalId, tradeId: proposal.tradeId } }],
    };
  }
  return answer({ proposalId: proposal.proposalId });
});

type Task = Extract<FixerTask, { mode: "propose" }>;
type Fix = Pick<AmendmentProposal, "action" | "changes" | "rationale"> | { error: string };

function amendmentFor(
  task: Task,
  trade: TradeView,
  { confirmation, price }: { confirmation: ConfirmationLookup["confirmation"]; price: PriceView | undefined },
): Fix {
  switch (task.kind) {
    case "price_outside_tolerance":
      if (!confirmation) return { error: "no confirmation to take the price from" };
      return {
        action: "amend_price",
        changes: [{ field: "price", from: trade.price, to: confirmation.price }],
        rationale: "booked price is off-market; the broker's confirmed price agrees with the market",
      };
    case "settle_date_mismatch":
      if (!confirmation) return { error: "no confirmation to take the settle date from" };
      return {
        action: "amend_settle_date",
        changes: [{ field: "settleDate", from: trade.settleDate, to: confirmation.settleDate }],
        rationale: "booked settle date breaks the settlement convention; the broker's date follows it",
      };
    case "duplicate_booking":
      return {
        action: "cancel_booking",
        changes: [{ field: "status", from: "booked", to: "cancelled" }],
        rationale: `repeat booking of ${task.tradeIds[0]}, which the broker confirmed`,
      };
    case "stale_price":
      if (!price) return { error: "no market price to re-mark" };
      return {
        action: "refresh_price",
        changes: [
          { field: `price[${price.instrumentId}].asOf`, from: price.asOf, to: "next vendor snapshot" },
        ],
        rationale: `vendor price is ${price.ageHours} hours old; re-request and re-mark`,
      };
    default:
      return { error: `${task.kind} has no mechanical amendment` };
  }
}
