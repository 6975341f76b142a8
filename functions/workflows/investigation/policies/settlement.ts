import { SETTLEMENT_LAG, settlementDate } from "#data";
import { definePolicy } from "#models";
import { conclude, escalate, tradeFacts } from "./facts.ts";

/**
 * The settlement specialist's offline rules, for settle-date, SSI and missing-confirmation
 * breaks. It looks up the booking and the broker's confirmation, then:
 * - no confirmation: `missing_confirmation`;
 * - settle dates differ: the side that kept the market convention (T+1 equities, T+2 bonds and
 *   FX, business days) is right, the other made the error; neither on convention: escalate;
 * - standing settlement instructions differ: `ssi_mismatch` (no tool shows the SSI on file, so
 *   which one is current is for a person to confirm — hence the lower confidence).
 *
 * @example
 * offlinePolicies.register("investigation.settlement", settlementPolicy);
 */
export const settlementPolicy = definePolicy("investigation.settlement", (messages) => {
  const facts = tradeFacts(messages);
  if ("decision" in facts) return facts.decision;
  const { subject, trade: t, lookup } = facts;
  const confirmation = lookup.confirmation;

  if (!confirmation) {
    return conclude("missing_confirmation", 0.9, [
      `no confirmation from ${t.counterparty} quotes ${t.tradeId} (booked ${t.bookedAt}, ${t.side} ${t.quantity} ${t.instrumentSymbol})`,
    ]);
  }
  if (subject.kind === "missing_confirmation") {
    return escalate("a confirmation has arrived since the break was found", [confirmation.confirmationId]);
  }
  if (confirmation.settleDate !== t.settleDate) {
    const convention = settlementDate(t.tradeDate, t.assetClass);
    const dates = `booked settle ${t.settleDate} vs confirmed ${confirmation.settleDate}; ${t.assetClass} convention T+${SETTLEMENT_LAG[t.assetClass]} from ${t.tradeDate} is ${convention}`;
    if (t.settleDate === convention) return conclude("settlement_date_error_broker", 0.9, [dates]);
    if (confirmation.settleDate === convention) return conclude("settlement_date_error_ours", 0.9, [dates]);
    return escalate("neither settle date follows the market convention", [dates]);
  }
  if (confirmation.ssi !== t.ssi) {
    return conclude("ssi_mismatch", 0.8, [
      `our SSI for ${t.counterparty} in ${t.currency} is "${t.ssi}"; the broker's confirmation ${confirmation.confirmationId} instructs "${confirmation.ssi}"`,
    ]);
  }
  return escalate("booking and confirmation agree on settle date and SSI: nothing to explain");
});
