import { DEFAULT_TOLERANCES } from "#data";
import { definePolicy } from "#models";
import type { PriceView } from "#tools";
import {
  bps,
  conclude,
  detailNumber,
  escalate,
  failedLookup,
  lookedUp,
  round2,
  stillToAsk,
  tradeFacts,
} from "./facts.ts";

/**
 * The pricing specialist's offline rules, for price breaks and stale prices. It looks up the
 * booking and the broker's confirmation, then the vendor's market price, and decides from the
 * three prices and the market price's age:
 * - market price older than the stale limit, booking and confirmation agreeing: `stale_market_data`;
 * - market fresh, booking and confirmation apart: whichever is farther from the market is wrong
 *   (`our_price_error` or `broker_price_error`), confident as the two distances differ;
 * - a stale market with disagreeing prices leaves no reference: escalate.
 *
 * @example
 * offlinePolicies.register("investigation.pricing", pricingPolicy);
 */
export const pricingPolicy = definePolicy("investigation.pricing", (messages) => {
  const facts = tradeFacts(messages);
  if ("decision" in facts) return facts.decision;
  const { subject, calls, trade, lookup } = facts;
  const { instrumentId } = trade;
  const askPrice = stillToAsk(calls, [{ name: "get_market_price", args: { instrumentId } }]);
  if (askPrice) return askPrice;
  const market = lookedUp<PriceView>(calls, "get_market_price", "instrumentId", instrumentId);
  if (market.state !== "ok") return failedLookup(market) ?? escalate("market price unanswered");

  const booked = trade.price;
  const confirmed = lookup.confirmation?.price;
  const m = market.value;
  const toleranceBps = detailNumber(subject, "toleranceBps") ?? DEFAULT_TOLERANCES.priceBps;
  const staleAfterHours = detailNumber(subject, "staleAfterHours") ?? DEFAULT_TOLERANCES.staleAfterHours;
  const marketLine = `market ${m.price} (${m.source}) as of ${m.asOf}, ${m.ageHours} h before valuation (stale after ${staleAfterHours} h)`;
  const stale = m.ageHours > staleAfterHours;
  if (confirmed === undefined) {
    return stale
      ? conclude("stale_market_data", 0.7, [marketLine, "no broker confirmation to compare the booking with"])
      : escalate("no broker confirmation to compare the booked price with", [marketLine]);
  }
  const apart = bps(booked, confirmed);
  const priceLine = `booked ${booked} vs confirmed ${confirmed}: ${round2(apart)} bps apart (tolerance ${toleranceBps} bps)`;
  if (stale) {
    return apart <= toleranceBps
      ? conclude("stale_market_data", 0.9, [marketLine, priceLine])
      : escalate("booking and confirmation disagree and the market price is stale: no reference", [
          marketLine,
          priceLine,
        ]);
  }
  if (apart <= toleranceBps) {
    return escalate("booking and confirmation agree and the market price is fresh: nothing to explain", [
      marketLine,
      priceLine,
    ]);
  }
  const bookedOff = bps(booked, m.price);
  const confirmedOff = bps(confirmed, m.price);
  // Whoever is farther from the market mistyped; equal distances say nothing (confidence 0.5).
  const nearer = Math.min(bookedOff, confirmedOff) / Math.max(bookedOff, confirmedOff, 1e-9);
  const offLine = `booked ${round2(bookedOff)} bps from market, confirmed ${round2(confirmedOff)} bps`;
  return conclude(
    bookedOff > confirmedOff ? "our_price_error" : "broker_price_error",
    Math.min(0.95, 1 - nearer / 2),
    [priceLine, marketLine, offLine],
  );
});
