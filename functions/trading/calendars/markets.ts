import type { Instrument } from "../model/index.ts";
import type { CalendarSpec } from "./calendar.ts";
import type { CalendarId } from "./holidays.ts";

/** The settlement calendar of each modelled currency; any other currency is weekends only. */
const CURRENCY_CALENDARS: ReadonlyMap<string, CalendarId> = new Map([
  ["USD", "US"],
  ["GBP", "UK"],
  ["EUR", "TARGET"],
  ["JPY", "JP"],
  ["CHF", "CH"],
  ["CAD", "CA"],
]);

/** The trading calendar of each modelled venue (ISO 10383 MIC of the primary listing). */
const MIC_CALENDARS: ReadonlyMap<string, CalendarId> = new Map<string, CalendarId>([
  // US venues all keep the NYSE's holidays.
  ...(["XNYS", "XNAS", "ARCX", "BATS", "XASE", "IEXG"] as const).map((mic) => [mic, "XNYS"] as const),
  ["XLON", "UK"],
  // Euro-area venues, on the TARGET days; local extra closures (24 and 31 Dec on some) are not modelled.
  ...(["XETR", "XFRA", "XPAR", "XAMS", "XBRU", "XMIL", "XMAD", "XLIS", "XDUB", "XHEL"] as const).map(
    (mic) => [mic, "TARGET"] as const,
  ),
  ["XTKS", "JP"],
  ["XOSE", "JP"],
  ["XSWX", "CH"],
  ["XVTX", "CH"],
  ["XTSE", "CA"],
  ["XTSX", "CA"],
]);

/**
 * The calendar a currency settles on; `WEEKENDS` for one not modelled.
 *
 * @example
 * calendarOfCurrency("EUR"); // "TARGET"
 * calendarOfCurrency("SGD"); // "WEEKENDS"
 */
export function calendarOfCurrency(currency: string): CalendarId {
  return CURRENCY_CALENDARS.get(currency.trim().toUpperCase()) ?? "WEEKENDS";
}

/**
 * The calendar a venue trades on; `WEEKENDS` for one not modelled.
 *
 * @example
 * calendarOfMic("XNAS"); // "XNYS"
 * calendarOfMic("XETR"); // "TARGET"
 */
export function calendarOfMic(mic: string): CalendarId {
  return MIC_CALENDARS.get(mic.trim().toUpperCase()) ?? "WEEKENDS";
}

/**
 * The calendar an instrument's business days are counted on (its prices' staleness, its trading
 * days): an equity its listing venue's, a US dollar bond SIFMA's (`US_BONDS`), any other bond
 * its currency's, and an FX pair both currencies' jointly.
 *
 * @example
 * calendarOf({ type: "FX_SPOT", baseCurrency: "EUR", quoteCurrency: "USD", ... }); // ["TARGET", "US"]
 * calendarOf({ type: "EQUITY", mic: "XLON", ... });                                // "UK"
 */
export function calendarOf(instrument: Instrument): CalendarSpec {
  switch (instrument.type) {
    case "EQUITY":
      // Without a listing venue, the currency's calendar is the best guess at the market's.
      return instrument.mic ? calendarOfMic(instrument.mic) : calendarOfCurrency(instrument.currency);
    case "GOVT_BOND":
    case "CORP_BOND": {
      const currency = calendarOfCurrency(instrument.currency);
      return currency === "US" ? "US_BONDS" : currency;
    }
    case "FX_SPOT":
      return [
        ...new Set([
          calendarOfCurrency(instrument.baseCurrency),
          calendarOfCurrency(instrument.quoteCurrency),
        ]),
      ];
  }
}
