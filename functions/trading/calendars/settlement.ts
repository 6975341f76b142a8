import { type Instrument, type InstrumentType, isUsTreasury } from "../model/index.ts";
import { addBusinessDays, type CalendarSpec } from "./calendar.ts";
import { parseDay } from "./days.ts";
import { CalendarInputError } from "./errors.ts";
import type { CalendarId } from "./holidays.ts";
import { calendarOf, calendarOfCurrency, calendarOfMic } from "./markets.ts";

/** Which instruments a convention is for: every field stated must match. */
export interface SettlementMatch {
  readonly type: InstrumentType;
  /** EQUITY: the calendar of its listing venue ({@link calendarOfMic}). */
  readonly venueCalendar?: CalendarId;
  /** Bonds: the currency's calendar ({@link calendarOfCurrency}). */
  readonly currencyCalendar?: CalendarId;
  /** GOVT_BOND: a US Treasury (`isUsTreasury`). */
  readonly usTreasury?: boolean;
  /** Bonds: the issuer's country, when the instrument states one (unstated, it is the currency's home). */
  readonly country?: string;
  /** FX_SPOT: the pairs, base then quote, as six letters. */
  readonly pairs?: readonly string[];
}

/** One row of the settlement-cycle table: a market's lag from one trade date on. */
export interface SettlementConventionRow {
  /** The market's name, for people and for grouping its rows. */
  readonly market: string;
  readonly match: SettlementMatch;
  /** The first trade date the lag applies to; `null` for a cycle older than the calendars' coverage. */
  readonly effectiveFrom: string | null;
  /** Business days from trade date to settlement date (T+n). */
  readonly lagDays: number;
  /** The calendar the lag is counted on, when it is not the instrument's own ({@link calendarOf}). */
  readonly calendar?: CalendarSpec;
}

const equity = (venueCalendar?: CalendarId): SettlementMatch => ({ type: "EQUITY", venueCalendar });
const US_EQUITY = equity("XNYS");
const TREASURY: SettlementMatch = { type: "GOVT_BOND", usTreasury: true };
// A GBP government bond is a gilt unless it names another issuer country.
const GILT: SettlementMatch = { type: "GOVT_BOND", currencyCalendar: "UK", country: "GB" };
const USD_CORPORATE: SettlementMatch = { type: "CORP_BOND", currencyCalendar: "US" };
const USD_CAD: SettlementMatch = { type: "FX_SPOT", pairs: ["USDCAD", "CADUSD"] };
// US equities settle through DTC, which needs the banks: on Columbus and Veterans Day the NYSE
// trades but nothing settles, so their cycle is counted on the NYSE and Fed calendars jointly.
const NYSE_AND_FED: CalendarSpec = ["XNYS", "US"];

/**
 * The settlement cycles, as data: an instrument's market is the first whose `match` fits, and its
 * lag on a trade date is that market's row with the latest `effectiveFrom` on or before it.
 * Changing a cycle is adding a row, not a branch.
 */
export const SETTLEMENT_CONVENTIONS: readonly SettlementConventionRow[] = [
  { market: "US equities", match: US_EQUITY, effectiveFrom: null, lagDays: 2, calendar: NYSE_AND_FED },
  {
    market: "US equities",
    match: US_EQUITY,
    effectiveFrom: "2024-05-28",
    lagDays: 1,
    calendar: NYSE_AND_FED,
  },
  // Canada moved a day before the US: 27 May 2024 was the US Memorial Day.
  { market: "Canadian equities", match: equity("CA"), effectiveFrom: null, lagDays: 2 },
  { market: "Canadian equities", match: equity("CA"), effectiveFrom: "2024-05-27", lagDays: 1 },
  // The UK, the EU and Switzerland move to T+1 on the same trade date.
  { market: "UK equities", match: equity("UK"), effectiveFrom: null, lagDays: 2 },
  { market: "UK equities", match: equity("UK"), effectiveFrom: "2027-10-11", lagDays: 1 },
  { market: "EU equities", match: equity("TARGET"), effectiveFrom: null, lagDays: 2 },
  { market: "EU equities", match: equity("TARGET"), effectiveFrom: "2027-10-11", lagDays: 1 },
  { market: "Swiss equities", match: equity("CH"), effectiveFrom: null, lagDays: 2 },
  { market: "Swiss equities", match: equity("CH"), effectiveFrom: "2027-10-11", lagDays: 1 },
  { market: "Japanese equities", match: equity("JP"), effectiveFrom: null, lagDays: 2 },
  { market: "Other equities", match: equity(), effectiveFrom: null, lagDays: 2 },
  { market: "US Treasuries", match: TREASURY, effectiveFrom: null, lagDays: 1 },
  { market: "UK gilts", match: GILT, effectiveFrom: null, lagDays: 1 },
  { market: "Government bonds", match: { type: "GOVT_BOND" }, effectiveFrom: null, lagDays: 2 },
  { market: "USD corporate bonds", match: USD_CORPORATE, effectiveFrom: null, lagDays: 2 },
  { market: "USD corporate bonds", match: USD_CORPORATE, effectiveFrom: "2024-05-28", lagDays: 1 },
  { market: "Corporate bonds", match: { type: "CORP_BOND" }, effectiveFrom: null, lagDays: 2 },
  { market: "USD/CAD spot", match: USD_CAD, effectiveFrom: null, lagDays: 1 },
  // Spot: the days before the spot date count on the non-USD currencies' calendars; the spot date
  // itself must be a business day in both currencies and in USD (see fxSpotDate).
  { market: "FX spot", match: { type: "FX_SPOT" }, effectiveFrom: null, lagDays: 2 },
];

const ROWS_BY_MARKET = Map.groupBy(SETTLEMENT_CONVENTIONS, (row) => row.market);

/** How an instrument traded on a date settles. */
export interface SettlementConvention {
  /** Business days from trade date to settlement date (T+n). */
  readonly lagDays: number;
  /** The calendar the lag is counted on. */
  readonly calendar: CalendarSpec;
  /** For people: `"US equities T+1 (since 2024-05-28)"`. */
  readonly rule: string;
}

function matches(match: SettlementMatch, instrument: Instrument): boolean {
  if (match.type !== instrument.type) return false;
  switch (instrument.type) {
    case "EQUITY":
      return match.venueCalendar === undefined || match.venueCalendar === calendarOf(instrument);
    case "GOVT_BOND":
    case "CORP_BOND":
      return (
        (match.currencyCalendar === undefined ||
          match.currencyCalendar === calendarOfCurrency(instrument.currency)) &&
        (match.usTreasury === undefined || match.usTreasury === isUsTreasury(instrument)) &&
        (match.country === undefined ||
          instrument.country === undefined ||
          match.country === instrument.country)
      );
    case "FX_SPOT":
      return (
        match.pairs === undefined ||
        match.pairs.includes(`${instrument.baseCurrency}${instrument.quoteCurrency}`.toUpperCase())
      );
  }
}

/**
 * The settlement cycle of an instrument traded on `tradeDate`, from {@link SETTLEMENT_CONVENTIONS}.
 *
 * @example
 * settlementConvention(appleOnXnas, "2026-11-24");
 * // { lagDays: 1, calendar: ["XNYS", "US"], rule: "US equities T+1 (since 2024-05-28)" }
 * settlementConvention(vodafoneOnXlon, "2027-10-08");
 * // { lagDays: 2, calendar: "UK", rule: "UK equities T+2 (before 2027-10-11)" }
 */
export function settlementConvention(instrument: Instrument, tradeDate: string): SettlementConvention {
  if (parseDay(tradeDate) === undefined) throw new CalendarInputError(`not a YYYY-MM-DD date: ${tradeDate}`);
  const first = SETTLEMENT_CONVENTIONS.find((row) => matches(row.match, instrument));
  // The table ends with a catch-all per instrument type, so some row always matches.
  if (!first) throw new CalendarInputError(`no settlement convention for a ${instrument.type}`);
  const rows = ROWS_BY_MARKET.get(first.market) ?? [first];
  const inForce = rows.filter((row) => row.effectiveFrom === null || row.effectiveFrom <= tradeDate).at(-1);
  if (!inForce) throw new CalendarInputError(`no ${first.market} convention in force on ${tradeDate}`);
  const next = rows.find((row) => row.effectiveFrom !== null && row.effectiveFrom > tradeDate);
  const since = inForce.effectiveFrom ? ` (since ${inForce.effectiveFrom})` : "";
  const until = next ? ` (before ${next.effectiveFrom})` : "";
  return {
    lagDays: inForce.lagDays,
    calendar: inForce.calendar ?? calendarOf(instrument),
    rule: `${inForce.market} T+${inForce.lagDays}${since}${until}`,
  };
}

/**
 * The contractual settlement date: `lagDays` business days of the convention's calendar after the
 * trade date.
 *
 * @example
 * conventionalSettleDate(eurUsdSpot, "2026-11-25"); // "2026-11-27": the 26th (US Thanksgiving) counts on TARGET
 * conventionalSettleDate(usdCadSpot, "2026-11-25"); // "2026-11-27": T+1
 */
export function conventionalSettleDate(instrument: Instrument, tradeDate: string): string {
  const convention = settlementConvention(instrument, tradeDate);
  if (instrument.type === "FX_SPOT") return fxSpotDate(instrument, tradeDate, convention.lagDays);
  return addBusinessDays(convention.calendar, tradeDate, convention.lagDays);
}

/**
 * The FX market's spot rule: the days up to the day before spot are counted on the calendars of
 * the pair's non-USD currencies (a USD holiday there does not delay spot), and the spot date must
 * be a business day in both currencies and in USD, rolling forward until it is. So EUR/USD traded
 * the day before US Thanksgiving settles the day after it, and a cross such as EUR/JPY never
 * settles on a USD holiday.
 *
 * @example
 * fxSpotDate(eurUsd, "2026-11-25", 2); // "2026-11-27": the 26th counts (TARGET is open)
 */
export function fxSpotDate(
  instrument: Extract<Instrument, { type: "FX_SPOT" }>,
  tradeDate: string,
  lagDays: number,
): string {
  const others = [instrument.baseCurrency, instrument.quoteCurrency].filter((c) => c !== "USD");
  const counting: CalendarId[] = others.length > 0 ? [...new Set(others.map(calendarOfCurrency))] : ["US"];
  const spotDay: CalendarId[] = [...new Set<CalendarId>([...counting, "US"])];
  let date = tradeDate;
  for (let day = 1; day < lagDays; day++) date = addBusinessDays(counting, date, 1);
  return addBusinessDays(spotDay, date, 1);
}
