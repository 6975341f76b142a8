import { definePolicy, readConversation } from "#models";
import type { ConfirmationLookup, TradeView } from "#tools";
import { AUTO_FIX_MAX_USD, formatUsd } from "../routing.ts";
import { answer, called, errorsOf, resultOf } from "./read.ts";

/**
 * `triage.compliance`, offline: reads the booking and the broker's confirmation, then
 * - BLOCKS any change while the settlement instructions disagree (a changed SSI is the classic
 *   payment-fraud pattern: it is verified by call-back, never amended by a machine);
 * - asks for four eyes for a cancellation, or at or over the auto-fix threshold;
 * - else clears the break for the auto-fix mandate.
 */
export const compliancePolicy = definePolicy("triage.compliance", (messages) => {
  const { subject, calls } = readConversation(messages);
  const s = subject as { kind: string; primaryTradeId: string; tradeIds: string[]; impactUsd: number };
  if (!called(calls, "get_trade")) {
    return {
      toolCalls: [
        { name: "get_trade", args: { tradeId: s.primaryTradeId } },
        { name: "get_confirmation", args: { tradeId: s.tradeIds[0] ?? s.primaryTradeId } },
      ],
    };
  }
  const trade = resultOf<TradeView>(calls, "get_trade");
  if (!trade)
    return answer({
      status: "blocked",
      reasons: [`cannot verify the booking: ${errorsOf(calls).join("; ")}`],
    });
  const confirmation = resultOf<ConfirmationLookup>(calls, "get_confirmation")?.confirmation;
  if (confirmation && confirmation.ssi !== trade.ssi) {
    return answer({
      status: "blocked",
      reasons: [
        `settlement instructions differ (ours ${trade.ssi}, broker's ${confirmation.ssi}): call-back verification first`,
      ],
    });
  }
  const fourEyes = [
    ...(s.kind === "duplicate_booking" ? ["cancelling a booking needs a second person"] : []),
    ...(s.impactUsd >= AUTO_FIX_MAX_USD
      ? [
          `${formatUsd(s.impactUsd)} at stake is at or over the auto-fix threshold of ${formatUsd(AUTO_FIX_MAX_USD)}`,
        ]
      : []),
  ];
  return fourEyes.length > 0
    ? answer({ status: "approval_required", reasons: fourEyes })
    : answer({ status: "clear", reasons: ["within the auto-fix mandate"] });
});
