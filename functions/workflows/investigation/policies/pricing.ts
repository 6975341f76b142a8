import { definePolicy, readConversation, type SeenToolCall } from "#models";
import type { InstrumentRecord, MarketPriceRecord, TradeConfirmations, TradeRecord } from "#tools";
import { comparePrice, DEFAULT_TOLERANCES, NEAR_CLOSE } from "#trading";
import { ask, conclude, escalate, gather, ids, listed, percent, show, text } from "./facts.ts";

type Subject = Readonly<Record<string, unknown>>;

/**
 * The pricing specialist's offline rules. It decides from the tools' facts, never from the
 * break's detail line:
 * - `PRICE_MISMATCH`: our booked price and the broker's confirmed price (VWAP of its fills)
 *   against the latest close. Ours off the close while theirs is near it: `our_price_error`;
 *   theirs off while ours is near: `broker_price_error`. Both near (the close cannot tell an
 *   intraday price from a mistyped one), both off (the market moved, or the close is no
 *   reference), or a stale close: escalate — never guess.
 * - `STALE_PRICE`: the latest close's age in business days of the instrument's calendar. Stale:
 *   `stale_market_data` (re-request the vendor's close) — escalated instead when the market was
 *   open on the business date and the vendor is the only source of the instrument's prices.
 *
 * @example
 * offlinePolicies.register("investigation.pricing", pricingPolicy);
 */
export const pricingPolicy = definePolicy("investigation.pricing", (messages) => {
  const { subject, calls } = readConversation(messages);
  switch (subject.category) {
    case "PRICE_MISMATCH":
      return priceMismatch(subject, calls);
    case "STALE_PRICE":
      return stalePrice(subject, calls);
    default:
      return escalate(`a ${String(subject.category)} break is not the pricing specialist's`);
  }
});

function priceMismatch(subject: Subject, calls: readonly SeenToolCall[]) {
  const [tradeId] = ids(subject, "tradeIds");
  const instrumentId = text(subject, "instrumentId");
  if (!tradeId || !instrumentId) return escalate("the break names no trade or instrument");
  const got = gather(calls, {
    trade: ask<TradeRecord>("get_trade", { tradeId }),
    confirmations: ask<TradeConfirmations>("get_confirmations", { tradeId }),
    instrument: ask<InstrumentRecord>("get_instrument", { instrumentId }),
    market: ask<MarketPriceRecord>("get_market_price", { instrumentId }),
  });
  if ("decision" in got) return got.decision;
  const { trade, confirmations, instrument, market } = got.facts;
  const { confirmed } = confirmations;
  if (!confirmed) return escalate(`no confirmation is paired with ${tradeId} any more: nothing to compare`);
  const ours = trade.price;
  const theirs = confirmed.price;
  const apart = comparePrice(instrument, ours, theirs, DEFAULT_TOLERANCES);
  const fills = confirmed.fills > 1 ? ` (VWAP of ${confirmed.fills} fills)` : "";
  const priceLine = `ours ${show(ours)} vs confirmed ${show(theirs)}${fills}: ${show(apart.difference)} ${apart.unit} apart (tolerance ${show(apart.tolerance)} ${apart.unit})`;
  if (apart.withinTolerance)
    return escalate("booking and confirmation agree now: nothing to explain", [priceLine]);
  const close = market.price;
  const marketLine = `close ${show(close)} (${market.source}, ${market.priceDate}, ${market.ageBusinessDays} business days before ${market.businessDate})`;
  if (market.stale) {
    return escalate(
      `the latest close is stale (dated ${market.priceDate}, expected ${market.expectedCloseDate}): no reference to judge by`,
      [priceLine, marketLine],
      {
        nextAction: `Get the ${market.expectedCloseDate} close of ${instrument.instrumentId}, then compare ${tradeId}'s price with the broker's`,
      },
    );
  }
  const band = NEAR_CLOSE[instrument.type];
  const oursOff = Math.abs(ours - close) / close;
  const theirsOff = Math.abs(theirs - close) / close;
  const offLine = `ours ${percent(oursOff)} from the close, confirmed ${percent(theirsOff)} (near = within ${percent(band)} for ${instrument.type})`;
  const evidence = [priceLine, marketLine, offLine];
  const confirmationIds = listed(confirmations.confirmations.map((c) => c.confirmationId));
  const oursNear = oursOff <= band;
  const theirsNear = theirsOff <= band;
  if (oursNear === theirsNear) {
    return escalate(
      oursNear
        ? "both prices are near the close: it cannot tell an intraday price from a mistyped one"
        : "both prices are off the close (the market moved, or the close is no reference): it cannot tell which is right",
      evidence,
      {
        nextAction: `Check ${tradeId}'s execution price with ${trade.desk} and ${trade.broker} (ours ${show(ours)}, theirs ${show(theirs)}, close ${show(close)})`,
      },
    );
  }
  // The farther the wrong price is beyond the band, against the right one inside it, the surer.
  const [near, off] = oursNear ? [oursOff, theirsOff] : [theirsOff, oursOff];
  const confidence = Math.min(0.95, 0.6 + 0.35 * (1 - near / off));
  return oursNear
    ? conclude(
        "broker_price_error",
        confidence,
        evidence,
        `Ask ${trade.broker} to correct ${confirmationIds} from ${show(theirs)} to our ${show(ours)} (close ${show(close)})`,
      )
    : conclude(
        "our_price_error",
        confidence,
        evidence,
        `Amend ${tradeId}'s price from ${show(ours)} to the confirmed ${show(theirs)} (close ${show(close)})`,
      );
}

function stalePrice(subject: Subject, calls: readonly SeenToolCall[]) {
  const instrumentId = text(subject, "instrumentId");
  if (!instrumentId) return escalate("the break names no instrument");
  const got = gather(calls, { market: ask<MarketPriceRecord>("get_market_price", { instrumentId }) });
  if ("decision" in got) return got.decision;
  const { market } = got.facts;
  const calendar = [market.calendar].flat().join("+");
  const evidence = [
    `latest ${market.source} close ${show(market.price)} dated ${market.priceDate}: ${market.ageBusinessDays} business days of the ${calendar} calendar before ${market.businessDate} (at most ${market.maxAgeBusinessDays})`,
    `expected the ${market.expectedCloseDate} close; the market was ${market.marketOpenOnBusinessDate ? "open" : "closed"} on ${market.businessDate}`,
    `sources of ${market.instrumentId} in the day: ${market.sources.join(", ")}`,
  ];
  if (!market.stale) return escalate("the latest close is fresh now: nothing to explain", evidence);
  const trades = ids(subject, "tradeIds").length;
  const valued = trades > 0 ? ` and revalue the ${trades} trade${trades === 1 ? "" : "s"} on it` : "";
  if (market.marketOpenOnBusinessDate && market.sources.length <= 1) {
    return escalate(
      `the market was open on ${market.businessDate} and ${market.source} is the only source: no second price tells a late feed from a halted instrument`,
      evidence,
      {
        rootCause: "stale_market_data",
        nextAction: `Source the ${market.expectedCloseDate} close of ${market.instrumentId} from a second vendor or the desk's mark, check for a trading halt, then re-request ${market.source}'s`,
      },
    );
  }
  return conclude(
    "stale_market_data",
    0.85,
    evidence,
    `Re-request ${market.source}'s ${market.expectedCloseDate} close for ${market.instrumentId}${valued}`,
  );
}
