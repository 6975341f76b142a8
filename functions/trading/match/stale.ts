import type { Break } from "../breaks.ts";
import { breakIdOf } from "../breaks.ts";
import {
  businessDaysBetween,
  CalendarCoverageError,
  type CalendarSpec,
  calendarOf,
  latestBusinessDay,
} from "../calendars/index.ts";
import type { Instrument, MarketPrice, Trade } from "../model/index.ts";
import type { Tolerances } from "../tolerances.ts";
import { notionalOf } from "./breaks-of.ts";
import { isActive } from "./versions.ts";

/**
 * An instrument whose latest price is stale: the finding before any trade is attached. The
 * orchestrator finds these once (prices are few); each worker attaches its own active trades,
 * and the partial breaks merge by instrument ({@link mergeStaleBreaks}).
 */
export interface StaleInstrument {
  readonly instrumentId: string;
  readonly priceDate: string;
  /** The close the price should have been: the latest business day on or before the business date. */
  readonly expectedDate: string;
  /** Business days after the price's date up to the business date; -1 when older than the calendars' years. */
  readonly ageBusinessDays: number;
  readonly calendar: string;
  readonly source: string;
  readonly businessDate: string;
}

/**
 * The instruments whose latest price (by `asOf`) is dated more than `priceMaxAgeBusinessDays`
 * business days of the instrument's own calendar before the business date. A price is dated by
 * its `asOf` as written (the source's local date), so a Tokyo close stamped `+09:00` counts on its
 * own day; a close dated before a day the market was closed is still the latest close — business
 * days, not calendar days, are counted. An instrument with no price is not stale (nothing is).
 *
 * @example
 * staleInstruments("2026-11-24", instruments, (i) => latest.get(i.instrumentId), DEFAULT_TOLERANCES);
 */
export function staleInstruments(
  businessDate: string,
  instruments: Iterable<Instrument>,
  latestPriceOf: (instrument: Instrument) => MarketPrice | undefined,
  tolerances: Tolerances,
): StaleInstrument[] {
  const stale: StaleInstrument[] = [];
  for (const instrument of instruments) {
    const price = latestPriceOf(instrument);
    if (!price) continue;
    const calendar = calendarOf(instrument);
    const priceDate = price.asOf.slice(0, 10);
    const age = ageInBusinessDays(calendar, priceDate, businessDate);
    if (age !== -1 && age <= tolerances.priceMaxAgeBusinessDays) continue;
    stale.push({
      instrumentId: instrument.instrumentId,
      priceDate,
      expectedDate: latestBusinessDay(calendar, businessDate),
      ageBusinessDays: age,
      calendar: [calendar].flat().join("+"),
      source: price.source,
      businessDate,
    });
  }
  return stale;
}

/**
 * One `STALE_PRICE` per stale instrument that has active trades among `trades`, listing them
 * (sorted). Over a partition this is a partial break; {@link mergeStaleBreaks} joins them.
 */
export function staleBreaks(
  stale: readonly StaleInstrument[],
  trades: Iterable<Trade>,
  instrumentOf: (trade: Trade) => Instrument | undefined,
): Break[] {
  const byInstrument = new Map(stale.map((s) => [s.instrumentId, s]));
  const found = new Map<string, { instrument: Instrument; tradeIds: string[]; notional: number }>();
  for (const trade of trades) {
    if (!isActive(trade)) continue;
    const instrument = instrumentOf(trade);
    if (!instrument || !byInstrument.has(instrument.instrumentId)) continue;
    const entry = found.get(instrument.instrumentId) ?? { instrument, tradeIds: [], notional: 0 };
    entry.tradeIds.push(trade.tradeId);
    entry.notional += notionalOf(instrument, trade.quantity, trade.price).notional;
    found.set(instrument.instrumentId, entry);
  }
  return [...found.values()].map(({ instrument, tradeIds, notional }) =>
    staleBreak(
      byInstrument.get(instrument.instrumentId) as StaleInstrument,
      tradeIds,
      notional,
      notionalOf(instrument, 0, 0).currency,
    ),
  );
}

/** Joins partial `STALE_PRICE` breaks of one instrument (from several partitions) into one. */
export function mergeStaleBreaks(breaks: readonly Break[], stale: readonly StaleInstrument[]): Break[] {
  const byInstrument = new Map(stale.map((s) => [s.instrumentId, s]));
  const merged = new Map<string, { tradeIds: string[]; notional: number; currency: string }>();
  for (const b of breaks) {
    const entry = merged.get(b.instrumentId) ?? { tradeIds: [], notional: 0, currency: b.currency };
    entry.tradeIds.push(...b.tradeIds);
    entry.notional += b.notional;
    merged.set(b.instrumentId, entry);
  }
  return [...merged].flatMap(([instrumentId, { tradeIds, notional, currency }]) => {
    const finding = byInstrument.get(instrumentId);
    return finding ? [staleBreak(finding, tradeIds, notional, currency)] : [];
  });
}

function staleBreak(
  finding: StaleInstrument,
  tradeIds: readonly string[],
  notional: number,
  currency: string,
): Break {
  const base = {
    category: "STALE_PRICE" as const,
    tradeIds: [...tradeIds].sort(),
    confirmationIds: [],
    instrumentId: finding.instrumentId,
    field: "price.asOf" as const,
  };
  const age =
    finding.ageBusinessDays === -1
      ? "years"
      : `${finding.ageBusinessDays} business day${finding.ageBusinessDays === 1 ? "" : "s"}`;
  return {
    breakId: breakIdOf(base),
    ...base,
    ours: finding.priceDate,
    theirs: finding.expectedDate,
    notional: Math.round(notional * 100) / 100,
    currency,
    detail: `latest ${finding.source} price is dated ${finding.priceDate}, ${age} before ${finding.businessDate} on the ${finding.calendar} calendar (expected the ${finding.expectedDate} close); ${tradeIds.length} active trade${tradeIds.length === 1 ? "" : "s"} valued on it; re-request the price`,
  };
}

/** The latest price per instrument id (by `asOf` instant), prices quoted by any id resolved to ours. */
export function latestPrices(
  prices: Iterable<MarketPrice>,
  resolve: (id: string) => string | undefined,
): Map<string, MarketPrice> {
  const latest = new Map<string, MarketPrice>();
  for (const price of prices) keepLatest(latest, price, resolve);
  return latest;
}

/** Adds one price to a latest-by-instrument map (for readers that stream prices). */
export function keepLatest(
  latest: Map<string, MarketPrice>,
  price: MarketPrice,
  resolve: (id: string) => string | undefined,
): void {
  const id = resolve(price.instrumentId);
  if (!id) return;
  const held = latest.get(id);
  if (!held || Date.parse(price.asOf) > Date.parse(held.asOf)) latest.set(id, price);
}

/** Business days after the price's date up to the business date; -1 when before the calendars' years (older than any limit). */
function ageInBusinessDays(calendar: CalendarSpec, priceDate: string, businessDate: string): number {
  try {
    return businessDaysBetween(calendar, priceDate, businessDate);
  } catch (err) {
    if (err instanceof CalendarCoverageError && priceDate < businessDate) return -1;
    throw err;
  }
}
