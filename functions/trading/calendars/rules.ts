import { formatDay, isWeekend, parseDay, SATURDAY, SUNDAY, weekdayOf } from "./days.ts";

/** One closed day: its day number and what it is called. */
export interface Holiday {
  readonly day: number;
  readonly name: string;
}

/**
 * What a calendar does with a holiday that falls on a weekend:
 * - `none`: nothing (the weekend already closes it: TARGET, SIX);
 * - `monday`: Sunday moves to Monday, Saturday is not moved (the Federal Reserve);
 * - `nearest`: Saturday moves to the Friday before, Sunday to the Monday after (NYSE);
 * - `next-free`: the next weekday that is not already a holiday (UK and Canadian substitute days,
 *   which is how Christmas on a Saturday and Boxing Day on a Sunday become Monday and Tuesday);
 * - `sunday-next-free`: Sunday moves to the next day that is not itself a holiday, Saturday is
 *   not moved (Japan's substitute holiday, 振替休日).
 */
export type WeekendRule = "none" | "monday" | "nearest" | "next-free" | "sunday-next-free";

export interface HolidayRule {
  readonly name: string;
  /** The holiday's own date in `year`, before any weekend move. */
  readonly on: (year: number) => number;
  /** The first year the calendar keeps it (Juneteenth: 2022 on the NYSE). */
  readonly since?: number;
  /** Overrides the calendar's weekend rule for this one holiday. */
  readonly weekend?: WeekendRule;
}

/** A government's or an exchange's one-off changes for a year: rules moved, days added. */
export interface Decree {
  /** Rule name → the `YYYY-MM-DD` it was moved to that year. */
  readonly moved?: Readonly<Record<string, string>>;
  readonly added?: readonly { readonly date: string; readonly name: string }[];
}

export interface CalendarDefinition {
  /** Whose calendar it is, for people. */
  readonly description: string;
  /** The years whose holidays are known (inclusive). */
  readonly covers: { readonly from: number; readonly to: number };
  readonly weekend: WeekendRule;
  readonly rules: readonly HolidayRule[];
  readonly decrees?: Readonly<Record<number, Decree>>;
  /** Closed days that follow from the year's holidays rather than from a rule of their own. */
  readonly derived?: (year: number, holidays: readonly Holiday[]) => readonly Holiday[];
}

/**
 * The weekday closures of one year, sorted: the holidays, moved or substituted off weekends as
 * the calendar does, with any that stay on a weekend dropped (they close nothing). Two holidays
 * on one day become one entry with both names. No weekend move crosses a year end here (the one
 * that could, New Year's Day on a Saturday, is not moved by any calendar), so each year stands alone.
 */
export function closuresOf(definition: CalendarDefinition, year: number): Holiday[] {
  const decree = definition.decrees?.[year];
  const own: (Holiday & { weekend: WeekendRule })[] = [];
  for (const rule of definition.rules) {
    if (rule.since !== undefined && year < rule.since) continue;
    const moved = decree?.moved?.[rule.name];
    const day = moved === undefined ? rule.on(year) : dayOfDecree(moved);
    own.push({ day, name: rule.name, weekend: rule.weekend ?? definition.weekend });
  }
  const extra = [
    ...(decree?.added ?? []).map((added) => ({ day: dayOfDecree(added.date), name: added.name })),
    ...(definition.derived?.(year, own) ?? []),
  ];
  return merge([...observe(own), ...extra].filter((holiday) => !isWeekend(holiday.day)));
}

function observe(holidays: readonly (Holiday & { weekend: WeekendRule })[]): Holiday[] {
  const holidayDays = new Set(holidays.map((holiday) => holiday.day));
  const taken = new Set(holidays.filter((holiday) => !isWeekend(holiday.day)).map((holiday) => holiday.day));
  const observed: Holiday[] = [];
  // Date order, so that Christmas takes the first free weekday before Boxing Day looks for one.
  for (const holiday of [...holidays].sort((a, b) => a.day - b.day)) {
    const day = observedDay(holiday.day, holiday.weekend, taken, holidayDays);
    if (day === undefined) continue;
    taken.add(day);
    observed.push({
      day,
      name: day === holiday.day ? holiday.name : `${holiday.name}${MOVED[holiday.weekend]}`,
    });
  }
  return observed;
}

/** How a moved holiday is labelled: US usage says "observed", UK and Japanese "substitute". */
const MOVED: Readonly<Record<WeekendRule, string>> = {
  none: "",
  monday: " (observed)",
  nearest: " (observed)",
  "next-free": " (substitute day)",
  "sunday-next-free": " (substitute day)",
};

function observedDay(
  day: number,
  rule: WeekendRule,
  taken: ReadonlySet<number>,
  holidays: ReadonlySet<number>,
): number | undefined {
  const weekday = weekdayOf(day);
  if (weekday !== SATURDAY && weekday !== SUNDAY) return day;
  switch (rule) {
    case "none":
      return undefined;
    case "monday":
      return weekday === SUNDAY ? day + 1 : undefined;
    case "nearest":
      return weekday === SUNDAY ? day + 1 : day - 1;
    case "next-free": {
      let next = day + 1;
      while (isWeekend(next) || taken.has(next)) next += 1;
      return next;
    }
    case "sunday-next-free": {
      if (weekday !== SUNDAY) return undefined;
      let next = day + 1;
      while (holidays.has(next)) next += 1;
      return next;
    }
  }
}

function merge(holidays: readonly Holiday[]): Holiday[] {
  const byDay = new Map<number, string[]>();
  for (const { day, name } of holidays) byDay.set(day, [...(byDay.get(day) ?? []), name]);
  return [...byDay]
    .sort(([a], [b]) => a - b)
    .map(([day, names]) => ({ day, name: [...new Set(names)].join(" / ") }));
}

function dayOfDecree(date: string): number {
  const day = parseDay(date);
  // Decrees are data written here; a typo must fail loudly, not shift a holiday.
  if (day === undefined) throw new Error(`bad decree date ${date}`);
  return day;
}

/** `YYYY-MM-DD` of a holiday, for the public list. */
export function publicHoliday(holiday: Holiday): { date: string; name: string } {
  return { date: formatDay(holiday.day), name: holiday.name };
}
