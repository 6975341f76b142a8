import { definePolicy, readConversation } from "#models";
import type { ConfirmationLookup, TradeView } from "#tools";
import { conclude, escalate, failedLookup, lookedUp, stillToAsk, tradeIdsOf } from "./facts.ts";

/** What makes two bookings the same trade: every economic term, not the id or booking time. */
const ECONOMICS = [
  "account",
  "instrumentId",
  "side",
  "quantity",
  "price",
  "counterparty",
  "tradeDate",
] as const;

/**
 * The booking specialist's offline rules, for duplicate bookings and quantity breaks. It looks
 * up every booking the break names and the broker's confirmation of each, then:
 * - several bookings with identical economics, not all confirmed: `duplicate_booking` (the
 *   unconfirmed ones are the repeats); economics that differ, or all confirmed: escalate;
 * - one booking whose quantity differs from the confirmation: `quantity_error`.
 *
 * @example
 * offlinePolicies.register("investigation.booking", bookingPolicy);
 */
export const bookingPolicy = definePolicy("investigation.booking", (messages) => {
  const { subject, calls } = readConversation(messages);
  const tradeIds = tradeIdsOf(subject);
  if (tradeIds.length === 0) return escalate("the break names no trade");
  const ask = stillToAsk(
    calls,
    tradeIds.flatMap((tradeId) => [
      { name: "get_trade", args: { tradeId } },
      { name: "get_confirmation", args: { tradeId } },
    ]),
  );
  if (ask) return ask;
  const trades = tradeIds.map((id) => lookedUp<TradeView>(calls, "get_trade", "tradeId", id));
  const lookups = tradeIds.map((id) =>
    lookedUp<ConfirmationLookup>(calls, "get_confirmation", "tradeId", id),
  );
  const failed = failedLookup(...trades, ...lookups);
  if (failed) return failed;
  const booked = trades.flatMap((t) => (t.state === "ok" ? [t.value] : []));
  const confirmed = lookups.flatMap((l) =>
    l.state === "ok" && l.value.confirmation ? [l.value.tradeId] : [],
  );
  const [first, ...others] = booked;
  if (!first || booked.length !== tradeIds.length) return escalate("lookups unanswered");

  if (others.length > 0) {
    const differing = ECONOMICS.filter((field) => others.some((t) => t[field] !== first[field]));
    const ids = booked.map((t) => t.tradeId).join(", ");
    if (differing.length > 0)
      return escalate(`bookings ${ids} differ in ${differing.join(", ")}: separate trades`);
    if (confirmed.length === booked.length) return escalate(`the broker confirmed every booking of ${ids}`);
    const repeats = booked.filter((t) => !confirmed.includes(t.tradeId)).map((t) => t.tradeId);
    const minutes = Math.abs(Date.parse(booked.at(-1)?.bookedAt ?? "") - Date.parse(first.bookedAt)) / 60_000;
    return conclude("duplicate_booking", confirmed.length === 1 ? 0.95 : 0.75, [
      `${ids}: same ${ECONOMICS.join(", ")}; booked ${minutes.toFixed(1)} min apart`,
      `broker confirmed ${confirmed.join(", ") || "none"}; repeat booking ${repeats.join(", ")}`,
    ]);
  }
  const confirmation = lookups[0]?.state === "ok" ? lookups[0].value.confirmation : null;
  if (!confirmation) return escalate(`no confirmation of ${first.tradeId} to compare the booking with`);
  if (confirmation.quantity === first.quantity) {
    return escalate("booked and confirmed quantities agree: nothing to explain");
  }
  const difference = confirmation.quantity - first.quantity;
  return conclude("quantity_error", 0.85, [
    `booked ${first.side} ${first.quantity} ${first.instrumentSymbol} vs confirmed ${confirmation.quantity} (${difference > 0 ? "+" : ""}${difference}) on ${confirmation.confirmationId}`,
  ]);
});
