import type { Break } from "../breaks.ts";
import { breakIdOf } from "../breaks.ts";
import {
  businessDaysBetween,
  CalendarCoverageError,
  type CalendarSpec,
  calendarOf,
  latestBusinessDay,
} from "../calendars/index.ts";
import type { Instrument, MarketPrice } from "../model/index.ts";
import type { Tolerances } from "../tolerances.ts";
import { notionalOf } from "./breaks-of.ts";

/** An instrument's active trades, as the stale-price check needs them. */
export interface ActiveTrades {
  readonly tradeIds: readonly string[];
  /** Sum of their notionals (see `notionalOf`). */
  readonly notional: number;
}

/**
 * One `STALE_PRICE` per instrument with active trades whose latest price is dated more than
 * `priceMaxAgeBusinessDays` business days of the instrument's own calendar before the business
 * date. A price is dated by its `asOf` as written (the source's local date), so a Tokyo close
 * stamped `+09:00` counts on its own day. A price dated on a day the market was closed before
 * the business date is still the latest close: business days, not calendar days, are counted.
 * An instrument with no price at all is not flagged here (there is nothing to be stale).
 *
 * @example
 * staleBreaks("2026-11-24", instruments, prices, activeByInstrument, DEFAULT_TOLERANCES);
 */
export function staleBreaks(
  businessDate: string,
  instruments: readonly Instrument[],
  latestPriceOf: (instrument: Instrument) => MarketPrice | undefined,
  activeByInstrument: ReadonlyMap<string, ActiveTrades>,
  tolerances: Tolerances,
): Break[] {
  const breaks: Break[] = [];
  for (const instrument of instruments) {
    const active = activeByInstrument.get(instrument.instrumentId);
    const price = latestPriceOf(instrument);
    if (!active || active.tradeIds.length === 0 || !price) continue;
    const calendar = calendarOf(instrument);
    const priceDate = price.asOf.slice(0, 10);
    const age = ageInBusinessDays(calendar, priceDate, businessDate);
    if (age <= tolerances.priceMaxAgeBusinessDays) continue;
    const expected = latestBusinessDay(calendar, businessDate);
    const base = {
      category: "STALE_PRICE" as const,
      tradeIds: [...active.tradeIds].sort(),
      confirmationIds: [],
      instrumentId: instrument.instrumentId,
      field: "price.asOf" as const,
    };
    breaks.push({
      breakId: breakIdOf(base),
      ...base,
      ours: priceDate,
      theirs: expected,
      notional: Math.round(active.notional * 100) / 100,
      currency: notionalOf(instrument, 0, 0).currency,
      detail: `latest ${price.source} price is dated ${priceDate}, ${age === Number.MAX_SAFE_INTEGER ? "years" : `${age} business day${age === 1 ? "" : "s"}`} before ${businessDate} on the ${[calendar].flat().join("+")} calendar (expected the ${expected} close); ${active.tradeIds.length} active trade${active.tradeIds.length === 1 ? "" : "s"} valued on it`,
    });
  }
  return breaks;
}

/** The latest price per instrument id (by `asOf` instant), for {@link staleBreaks}. */
export function latestPrices(prices: Iterable<MarketPrice>, resolve: (id: string) => string | undefined): Map<string, MarketPrice> {
  const latest = new Map<string, MarketPrice>();
  for (const price of prices) {
    const id = resolve(price.instrumentId);
    if (!id) continue;
    const held = latest.get(id);
    if (!held || Date.parse(price.asOf) > Date.parse(held.asOf)) latest.set(id, price);
  }
  return latest;
}

/** Business days after the price's date up to the business date; a date before the calendars' years is older than any limit. */
function ageInBusinessDays(calendar: CalendarSpec, priceDate: string, businessDate: string): number {
  try {
    return businessDaysBetween(calendar, priceDate, businessDate);
  } catch (err) {
    if (err instanceof CalendarCoverageError && priceDate < businessDate) return Number.MAX_SAFE_INTEGER;
    throw err;
  }
}
