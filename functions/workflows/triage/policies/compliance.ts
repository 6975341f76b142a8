import { definePolicy, type PolicyToolCall, readConversation } from "#models";
import type { AmendmentAction, ConfirmationRecord, TradeConfirmations, TradeRecord } from "#tools";
import { type BreakCategory, isValidLei } from "#trading";
import { AUTO_FIX_MAX_USD, formatUsd } from "../routing.ts";
import { gather } from "./facts.ts";
import { answer } from "./read.ts";

/** What the compliance node hands the compliance agent: the break and the fix the classifier proved, if any. */
export interface ComplianceTask {
  readonly breakId: string;
  readonly category: BreakCategory;
  readonly primaryTradeId: string | null;
  readonly confirmationIds: readonly string[];
  readonly impactUsd: number;
  readonly fixAction: AmendmentAction | null;
}

/** Categories a person signs off whatever is done about them: they misstate what we traded. */
const SIGN_OFF: ReadonlySet<BreakCategory> = new Set(["DUPLICATE_BOOKING", "CANCELLED_BUT_CONFIRMED"]);

/**
 * `triage.compliance`, offline: reads the booking and its confirmations (for a break without a
 * booking, the confirmation), then
 * - BLOCKS any change when the counterparty's LEI fails its ISO 17442 check digits (KYC static
 *   data first), or a confirmation names another LEI or settlement instruction than ours (a
 *   changed SSI is the classic payment-fraud pattern: verified by call-back, never by a machine);
 * - asks for four eyes for a cancellation, a quantity change (it moves the desk's position), a
 *   duplicate booking or a cancelled trade still confirmed, or a notional at or over
 *   {@link AUTO_FIX_MAX_USD};
 * - else clears the break for the auto-fix mandate.
 */
export const compliancePolicy = definePolicy("triage.compliance", (messages) => {
  const { subject, calls } = readConversation(messages);
  const task = subject as unknown as ComplianceTask;
  const [confirmationId] = task.confirmationIds;
  const wanted: Record<string, PolicyToolCall> = task.primaryTradeId
    ? {
        trade: { name: "get_trade", args: { tradeId: task.primaryTradeId } },
        confirmations: { name: "get_confirmations", args: { tradeId: task.primaryTradeId } },
      }
    : confirmationId
      ? { confirmation: { name: "get_confirmation", args: { confirmationId } } }
      : {};
  const got = gather(calls, wanted);
  if ("ask" in got) return { toolCalls: got.ask };
  const { trade, confirmations, confirmation } = got.answers;
  const blocks: string[] = [];
  if (task.primaryTradeId) {
    if (!trade?.ok) return blocked(`cannot verify the booking: ${trade?.error}`);
    const booked = trade.value as TradeRecord;
    const lei = booked.counterparty.lei;
    if (!isValidLei(lei)) {
      blocks.push(
        `counterparty LEI ${lei} of ${booked.tradeId} fails its check digits: KYC static data first`,
      );
    }
    const paired = confirmations?.ok ? (confirmations.value as TradeConfirmations).confirmations : [];
    for (const c of paired) {
      if (c.counterparty && c.counterparty.lei !== lei) {
        blocks.push(
          `${c.confirmationId} names counterparty LEI ${c.counterparty.lei}, ours is ${lei}: call-back first`,
        );
      }
      if (c.ssiId && code(c.ssiId) !== code(booked.ssiId)) {
        blocks.push(
          `settlement instructions differ (ours ${booked.ssiId}, ${c.confirmationId}'s ${c.ssiId}): call-back verification first`,
        );
      }
    }
  } else if (confirmation?.ok) {
    const c = confirmation.value as ConfirmationRecord;
    const lei = c.counterparty?.lei;
    if (lei !== undefined && !isValidLei(lei)) {
      blocks.push(`${c.confirmationId} names counterparty LEI ${lei}, which fails its check digits`);
    }
  }
  if (blocks.length > 0) return answer({ status: "blocked", reasons: blocks });
  const fourEyes = [
    ...(SIGN_OFF.has(task.category)
      ? [`a ${task.category.replaceAll("_", " ").toLowerCase()} needs a second person's sign-off`]
      : []),
    ...(task.fixAction === "cancel_booking" ? ["cancelling a booking needs a second person"] : []),
    ...(task.fixAction === "amend_quantity"
      ? ["a quantity change moves the desk's position: a second person"]
      : []),
    ...(task.impactUsd >= AUTO_FIX_MAX_USD
      ? [
          `${formatUsd(task.impactUsd)} notional is at or over the four-eyes threshold of ${formatUsd(AUTO_FIX_MAX_USD)}`,
        ]
      : []),
  ];
  if (fourEyes.length > 0) return answer({ status: "approval_required", reasons: fourEyes });
  return answer({
    status: "clear",
    reasons: [task.primaryTradeId ? "within the auto-fix mandate" : "no booking of ours changes"],
  });
});

function blocked(reason: string) {
  return answer({ status: "blocked", reasons: [reason] });
}

function code(value: string): string {
  return value.replace(/\s+/g, "").toUpperCase();
}
