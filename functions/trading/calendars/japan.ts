import { dayOf, MONDAY, nthWeekday } from "./days.ts";
import type { CalendarDefinition, Holiday } from "./rules.ts";

/**
 * Japan: the national holidays (国民の祝日) with their substitute and citizens' holidays, plus the
 * year-end closure (31 Dec – 3 Jan) that both the Tokyo Stock Exchange and the banks (BOJ-NET, so
 * JPY settlement) keep. Covered 2020–2030: the equinox days are announced by the government each
 * February for the following year, so the later years carry the astronomically computed dates,
 * which the announcements have always confirmed.
 */

/** Day of March (vernal) and of September (autumnal) of the equinox holidays. */
const EQUINOXES: Readonly<Record<number, readonly [vernal: number, autumnal: number]>> = {
  2020: [20, 22],
  2021: [20, 23],
  2022: [21, 23],
  2023: [21, 23],
  2024: [20, 22],
  2025: [20, 23],
  2026: [20, 23],
  2027: [21, 23],
  2028: [20, 22],
  2029: [20, 23],
  2030: [20, 23],
};

function equinox(year: number, which: 0 | 1): number {
  const dates = EQUINOXES[year];
  // Coverage is checked before any year is built; reaching here without a row is a bug.
  if (!dates) throw new Error(`no equinox dates for ${year}`);
  return which === 0 ? dayOf(year, 3, dates[0]) : dayOf(year, 9, dates[1]);
}

const fixed = (month: number, date: number) => (year: number) => dayOf(year, month, date);

/** A day between two national holidays is itself a holiday (国民の休日): 22 Sep 2026. */
function citizensHolidays(holidays: readonly Holiday[]): Holiday[] {
  const national = new Set(holidays.map((holiday) => holiday.day));
  return [...national]
    .filter((day) => !national.has(day + 1) && national.has(day + 2))
    .map((day) => ({ day: day + 1, name: "Citizens' holiday" }));
}

export const JAPAN: CalendarDefinition = {
  description: "Japan: national holidays and the year-end closure (TSE, JPY settlement)",
  covers: { from: 2020, to: 2030 },
  weekend: "sunday-next-free",
  rules: [
    { name: "New Year's Day", on: fixed(1, 1) },
    { name: "Coming of Age Day", on: (year) => nthWeekday(year, 1, MONDAY, 2) },
    { name: "National Foundation Day", on: fixed(2, 11) },
    // 23 Feb since the 2019 accession (2019 itself had no Emperor's Birthday).
    { name: "Emperor's Birthday", on: fixed(2, 23) },
    { name: "Vernal Equinox Day", on: (year) => equinox(year, 0) },
    { name: "Showa Day", on: fixed(4, 29) },
    { name: "Constitution Memorial Day", on: fixed(5, 3) },
    { name: "Greenery Day", on: fixed(5, 4) },
    { name: "Children's Day", on: fixed(5, 5) },
    { name: "Marine Day", on: (year) => nthWeekday(year, 7, MONDAY, 3) },
    { name: "Mountain Day", on: fixed(8, 11) },
    { name: "Respect for the Aged Day", on: (year) => nthWeekday(year, 9, MONDAY, 3) },
    { name: "Autumnal Equinox Day", on: (year) => equinox(year, 1) },
    { name: "Sports Day", on: (year) => nthWeekday(year, 10, MONDAY, 2) },
    { name: "Culture Day", on: fixed(11, 3) },
    { name: "Labour Thanksgiving Day", on: fixed(11, 23) },
  ],
  // Three holidays were moved by law to the Tokyo Olympic Games in 2020 and again in 2021.
  decrees: {
    2020: { moved: { "Marine Day": "2020-07-23", "Sports Day": "2020-07-24", "Mountain Day": "2020-08-10" } },
    2021: { moved: { "Marine Day": "2021-07-22", "Sports Day": "2021-07-23", "Mountain Day": "2021-08-08" } },
  },
  derived: (year, holidays) => [
    ...citizensHolidays(holidays),
    { day: dayOf(year, 1, 2), name: "Bank holiday (New Year)" },
    { day: dayOf(year, 1, 3), name: "Bank holiday (New Year)" },
    { day: dayOf(year, 12, 31), name: "Bank holiday (year end)" },
  ],
};
