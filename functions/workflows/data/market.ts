import { notionalUsd, roundTo } from "./money.ts";
import type { Random } from "./random.ts";
import type { ReferenceData } from "./reference.ts";
import type { DraftTrade } from "./trades.ts";
import type { DeskLimit, MarketPrice, Position } from "./types.ts";

/** Clean end-of-day prices are at most this old at valuation time; stale ones at least 72 hours. */
export const FRESH_PRICE_MAX_AGE_HOURS = 3;
const STALE_PRICE_MIN_AGE_HOURS = 72;
const STALE_PRICE_MAX_AGE_HOURS = 240;
const HOUR_MS = 3_600_000;

/**
 * End-of-day prices for every instrument. The illiquid bonds carrying a `stale_price` break
 * last printed days ago; everything else printed in the hours before valuation.
 */
export function priceTheDay(
  valuationTime: string,
  reference: ReferenceData,
  drafts: readonly DraftTrade[],
  rng: Random,
): MarketPrice[] {
  const staleInstruments = new Set(
    drafts.filter((d) => d.kind === "stale_price").map((d) => d.trade.instrumentId),
  );
  const valuationMs = Date.parse(valuationTime);
  return reference.instruments.map((instrument) => {
    const ageHours = staleInstruments.has(instrument.instrumentId)
      ? rng.between(STALE_PRICE_MIN_AGE_HOURS, STALE_PRICE_MAX_AGE_HOURS)
      : rng.between(0.05, FRESH_PRICE_MAX_AGE_HOURS);
    return {
      instrumentId: instrument.instrumentId,
      price: roundTo(reference.closes.get(instrument.instrumentId) as number, instrument.priceDecimals),
      currency: instrument.currency,
      asOf: new Date(Math.round((valuationMs - ageHours * HOUR_MS) / 1000) * 1000).toISOString(),
      source: "VENDOR-EOD",
    };
  });
}

/**
 * Each desk's end-of-day holding in every instrument it traded: a start-of-day inventory plus
 * the day's bookings as booked (duplicates included: that is what the books say).
 */
export function positionTheDesks(
  reference: ReferenceData,
  drafts: readonly DraftTrade[],
  rng: Random,
): Position[] {
  const holdings = new Map<string, { desk: string; draft: DraftTrade; quantity: number }>();
  for (const draft of drafts) {
    const { desk, instrumentId, side, quantity } = draft.trade;
    const key = `${desk}|${instrumentId}`;
    let holding = holdings.get(key);
    if (!holding) {
      const lots = draft.instrument.assetClass === "equity" ? 100 : 25_000;
      holding = { desk, draft, quantity: rng.int(-200, 600) * lots };
      holdings.set(key, holding);
    }
    holding.quantity += side === "BUY" ? quantity : -quantity;
  }
  return [...holdings.values()].map(({ desk, draft, quantity }) => ({
    desk,
    instrumentId: draft.trade.instrumentId,
    quantity,
    notionalUsd: Math.round(
      notionalUsd(draft.instrument, quantity, reference.closes.get(draft.trade.instrumentId) as number),
    ),
  }));
}

/**
 * Desk limits sized from the desks' own gross positions. Headroom differs by desk on purpose:
 * Macro runs within half a percent of its limit, so the risk check has real decisions to make.
 */
const HEADROOM: Readonly<Record<string, { gross: number; singleTradeUsd: number }>> = {
  "Cash Equities": { gross: 1.35, singleTradeUsd: 15_000_000 },
  "Delta One": { gross: 1.6, singleTradeUsd: 20_000_000 },
  Rates: { gross: 1.25, singleTradeUsd: 25_000_000 },
  Credit: { gross: 1.4, singleTradeUsd: 20_000_000 },
  "FX Spot": { gross: 1.5, singleTradeUsd: 30_000_000 },
  Macro: { gross: 1.005, singleTradeUsd: 10_000_000 },
};

export function limitTheDesks(reference: ReferenceData, positions: readonly Position[]): DeskLimit[] {
  return reference.desks.map(({ desk }) => {
    const gross = positions
      .filter((p) => p.desk === desk)
      .reduce((sum, p) => sum + Math.abs(p.notionalUsd), 0);
    const headroom = HEADROOM[desk] ?? { gross: 1.25, singleTradeUsd: 20_000_000 };
    return {
      desk,
      grossNotionalLimitUsd: Math.ceil((gross * headroom.gross) / 1_000_000) * 1_000_000,
      singleTradeLimitUsd: headroom.singleTradeUsd,
    };
  });
}
