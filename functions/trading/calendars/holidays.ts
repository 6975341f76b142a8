import { dayOf, easterSunday, MONDAY, nthWeekday, THURSDAY, weekdayBefore } from "./days.ts";
import { JAPAN } from "./japan.ts";
import type { CalendarDefinition, HolidayRule } from "./rules.ts";

/**
 * The holiday calendars, as rules (Easter, nth weekday, weekend moves) with a table only where a
 * government or an exchange decrees a one-off. Each lists the days it is CLOSED on weekdays;
 * Saturday and Sunday are never business days.
 */
export type CalendarId = "US" | "XNYS" | "US_BONDS" | "UK" | "TARGET" | "JP" | "CH" | "CA" | "WEEKENDS";

export const CALENDAR_IDS: readonly CalendarId[] = [
  "US",
  "XNYS",
  "US_BONDS",
  "UK",
  "TARGET",
  "JP",
  "CH",
  "CA",
  "WEEKENDS",
];

/** The years every holiday calendar is known for; decrees after 2030 are not yet made. */
const COVERED = { from: 2020, to: 2030 } as const;

const fixed = (month: number, date: number) => (year: number) => dayOf(year, month, date);
const mondays = (month: number, n: number) => (year: number) => nthWeekday(year, month, MONDAY, n);
const easter = (offset: number) => (year: number) => easterSunday(year) + offset;

const NEW_YEAR: HolidayRule = { name: "New Year's Day", on: fixed(1, 1) };
const GOOD_FRIDAY: HolidayRule = { name: "Good Friday", on: easter(-2) };
const EASTER_MONDAY: HolidayRule = { name: "Easter Monday", on: easter(1) };
const CHRISTMAS: HolidayRule = { name: "Christmas Day", on: fixed(12, 25) };
const BOXING_DAY: HolidayRule = { name: "Boxing Day", on: fixed(12, 26) };
const LABOUR_DAY_1_MAY: HolidayRule = { name: "Labour Day", on: fixed(5, 1) };

/** The US federal holidays on their own dates. */
const FEDERAL = {
  newYear: NEW_YEAR,
  mlk: { name: "Martin Luther King Jr. Day", on: mondays(1, 3) },
  presidents: { name: "Presidents' Day", on: mondays(2, 3) },
  memorial: { name: "Memorial Day", on: mondays(5, -1) },
  // Law since 17 Jun 2021; the Fed's first (Saturday, so unobserved) one was 2021, the markets' 2022.
  juneteenth: { name: "Juneteenth", on: fixed(6, 19), since: 2021 },
  independence: { name: "Independence Day", on: fixed(7, 4) },
  labor: { name: "Labor Day", on: mondays(9, 1) },
  columbus: { name: "Columbus Day", on: mondays(10, 2) },
  veterans: { name: "Veterans Day", on: fixed(11, 11) },
  thanksgiving: { name: "Thanksgiving Day", on: (year: number) => nthWeekday(year, 11, THURSDAY, 4) },
  christmas: CHRISTMAS,
} satisfies Record<string, HolidayRule>;

/** The Federal Reserve Banks' holidays: USD settlement (Fedwire). */
const US: CalendarDefinition = {
  description: "US: Federal Reserve holidays (USD settlement)",
  covers: COVERED,
  // The Fed observes a Sunday holiday on Monday, but is open the Friday before a Saturday one.
  weekend: "monday",
  rules: Object.values(FEDERAL),
};

/** The New York Stock Exchange: no Columbus or Veterans Day, but Good Friday. */
const XNYS: CalendarDefinition = {
  description: "XNYS: New York Stock Exchange trading days",
  covers: COVERED,
  weekend: "nearest",
  rules: [
    // Not moved back to 31 Dec: the NYSE keeps the last trading day of the year open.
    { ...FEDERAL.newYear, weekend: "monday" },
    FEDERAL.mlk,
    FEDERAL.presidents,
    GOOD_FRIDAY,
    FEDERAL.memorial,
    { ...FEDERAL.juneteenth, since: 2022 },
    FEDERAL.independence,
    FEDERAL.labor,
    FEDERAL.thanksgiving,
    FEDERAL.christmas,
  ],
  decrees: {
    2025: { added: [{ date: "2025-01-09", name: "National Day of Mourning for President Carter" }] },
  },
};

/**
 * SIFMA's recommended full closes for US dollar fixed income (Treasuries, agencies, corporates):
 * the Fed's holidays plus Good Friday. Judgements, from SIFMA's practice:
 * - Good Friday is kept every year. When the jobs report falls on it (2021, 2023, 2026) SIFMA
 *   recommends only an early close for trading, but still that it not be a settlement day, and
 *   this calendar is used to settle.
 * - A Saturday holiday closes the Friday before, as on the NYSE (3 Jul 2020, 24 Dec 2021), with two
 *   exceptions SIFMA has made every time: New Year's Day (31 Dec trades: year end) and Veterans
 *   Day (10 Nov 2023 was a normal day). Juneteenth on a Saturday (2027) has no precedent: it is
 *   treated like Independence Day, closing Friday 18 Jun 2027 with the NYSE.
 * - Juneteenth from 2022, when SIFMA first recommended it.
 * - Unscheduled days of mourning have been early closes, not full ones (9 Jan 2025): none here.
 */
const US_BONDS: CalendarDefinition = {
  description: "US_BONDS: SIFMA full closes (US dollar fixed income)",
  covers: COVERED,
  weekend: "nearest",
  rules: [
    { ...FEDERAL.newYear, weekend: "monday" },
    FEDERAL.mlk,
    FEDERAL.presidents,
    GOOD_FRIDAY,
    FEDERAL.memorial,
    { ...FEDERAL.juneteenth, since: 2022 },
    FEDERAL.independence,
    FEDERAL.labor,
    FEDERAL.columbus,
    { ...FEDERAL.veterans, weekend: "monday" },
    FEDERAL.thanksgiving,
    FEDERAL.christmas,
  ],
};

/** England & Wales bank holidays: GBP settlement and the London Stock Exchange. */
const UK: CalendarDefinition = {
  description: "UK: England & Wales bank holidays (GBP, LSE)",
  covers: COVERED,
  weekend: "next-free",
  rules: [
    NEW_YEAR,
    GOOD_FRIDAY,
    EASTER_MONDAY,
    { name: "Early May bank holiday", on: mondays(5, 1) },
    { name: "Spring bank holiday", on: mondays(5, -1) },
    { name: "Summer bank holiday", on: mondays(8, -1) },
    CHRISTMAS,
    BOXING_DAY,
  ],
  // One-off days proclaimed by the Crown.
  decrees: {
    2020: { moved: { "Early May bank holiday": "2020-05-08" } }, // VE Day 75th anniversary
    2022: {
      moved: { "Spring bank holiday": "2022-06-02" },
      added: [
        { date: "2022-06-03", name: "Platinum Jubilee bank holiday" },
        { date: "2022-09-19", name: "State Funeral of Queen Elizabeth II" },
      ],
    },
    2023: { added: [{ date: "2023-05-08", name: "Coronation of King Charles III" }] },
  },
};

/** TARGET2 (T2) closing days: EUR settlement. None is ever moved off a weekend. */
const TARGET: CalendarDefinition = {
  description: "TARGET: T2 closing days (EUR settlement)",
  covers: COVERED,
  weekend: "none",
  rules: [
    NEW_YEAR,
    GOOD_FRIDAY,
    EASTER_MONDAY,
    LABOUR_DAY_1_MAY,
    CHRISTMAS,
    { ...BOXING_DAY, name: "St Stephen's Day" },
  ],
};

/**
 * The SIX Swiss Exchange's non-trading days, used for CHF as well. This is the exchange's
 * calendar, not a payments one: it also closes on 1 May (Labour Day), 24 and 31 December. No
 * holiday is moved off a weekend.
 */
const CH: CalendarDefinition = {
  description: "CH: SIX Swiss Exchange non-trading days (CHF)",
  covers: COVERED,
  weekend: "none",
  rules: [
    NEW_YEAR,
    { name: "Berchtold's Day", on: fixed(1, 2) },
    GOOD_FRIDAY,
    EASTER_MONDAY,
    LABOUR_DAY_1_MAY,
    { name: "Ascension Day", on: easter(39) },
    { name: "Whit Monday", on: easter(50) },
    { name: "Swiss National Day", on: fixed(8, 1) },
    { name: "Christmas Eve", on: fixed(12, 24) },
    CHRISTMAS,
    { ...BOXING_DAY, name: "St Stephen's Day" },
    { name: "New Year's Eve", on: fixed(12, 31) },
  ],
};

/**
 * The Toronto Stock Exchange's holidays (CAD). Not here: the National Day for Truth and
 * Reconciliation (30 Sep) and Remembrance Day (11 Nov), on which the TSX is open, nor the 2022
 * state funeral day (federal only; the TSX traded).
 */
const CA: CalendarDefinition = {
  description: "CA: Toronto Stock Exchange holidays (CAD)",
  covers: COVERED,
  weekend: "next-free",
  rules: [
    NEW_YEAR,
    { name: "Family Day", on: mondays(2, 3) },
    GOOD_FRIDAY,
    { name: "Victoria Day", on: (year) => weekdayBefore(dayOf(year, 5, 25), MONDAY) },
    { name: "Canada Day", on: fixed(7, 1) },
    { name: "Civic Holiday", on: mondays(8, 1) },
    { name: "Labour Day", on: mondays(9, 1) },
    { name: "Thanksgiving Day", on: mondays(10, 2) },
    CHRISTMAS,
    BOXING_DAY,
  ],
};

/** No holidays: the calendar of a currency or market not modelled here. */
const WEEKENDS: CalendarDefinition = {
  description: "WEEKENDS: Saturday and Sunday only",
  covers: { from: 1, to: 9999 },
  weekend: "none",
  rules: [],
};

export const CALENDARS: Readonly<Record<CalendarId, CalendarDefinition>> = {
  US,
  XNYS,
  US_BONDS,
  UK,
  TARGET,
  JP: JAPAN,
  CH,
  CA,
  WEEKENDS,
};
