import { civilOf, formatDay, isWeekend, parseDay } from "./days.ts";
import { CalendarCoverageError, CalendarInputError } from "./errors.ts";
import { CALENDAR_IDS, CALENDARS, type CalendarId } from "./holidays.ts";
import { closuresOf, publicHoliday } from "./rules.ts";

/** A joint calendar is a list: a day is a business day only when it is one in every member. */
export type CalendarSpec = CalendarId | readonly CalendarId[];

/**
 * Closed weekdays per (calendar, year), built once: a run over a million trades then costs one
 * `Set` lookup per calendar per day stepped.
 */
const closedDays = new Map<CalendarId, Map<number, ReadonlySet<number>>>();

/** The closed weekdays of a covered year; `undefined` when the year is outside the calendar. */
function closedIn(calendar: CalendarId, year: number): ReadonlySet<number> | undefined {
  let years = closedDays.get(calendar);
  if (!years) {
    years = new Map();
    closedDays.set(calendar, years);
  }
  const known = years.get(year);
  if (known) return known;
  const definition = CALENDARS[calendar];
  if (year < definition.covers.from || year > definition.covers.to) return undefined;
  const built = new Set(closuresOf(definition, year).map((holiday) => holiday.day));
  years.set(year, built);
  return built;
}

function isOpen(calendars: readonly CalendarId[], day: number): boolean {
  const year = civilOf(day).year;
  let open = !isWeekend(day);
  // Every member is consulted, even after one is closed, so that coverage is always checked.
  for (const calendar of calendars) {
    const closed = closedIn(calendar, year);
    if (!closed) throw new CalendarCoverageError(calendar, formatDay(day), CALENDARS[calendar].covers);
    if (closed.has(day)) open = false;
  }
  return open;
}

function membersOf(calendar: CalendarSpec): readonly CalendarId[] {
  const members: readonly CalendarId[] = typeof calendar === "string" ? [calendar] : calendar;
  if (members.length === 0) throw new CalendarInputError("a joint calendar needs at least one member");
  for (const member of members) checkId(member);
  return members;
}

// Types keep out unknown ids in TypeScript; data read from files and plain JS callers are checked.
function checkId(calendar: CalendarId): void {
  if (!CALENDAR_IDS.includes(calendar)) throw new CalendarInputError(`unknown calendar ${String(calendar)}`);
}

function dayOfInput(date: string): number {
  const day = typeof date === "string" ? parseDay(date) : undefined;
  if (day === undefined) throw new CalendarInputError(`not a YYYY-MM-DD date: ${String(date)}`);
  return day;
}

/**
 * Whether `date` is a business day of the calendar (of every member of a joint one).
 *
 * @example
 * isBusinessDay("US", "2026-11-26");            // false: Thanksgiving
 * isBusinessDay(["TARGET", "US"], "2026-11-26"); // false: EURUSD does not settle
 * isBusinessDay("XNYS", "2026-10-12");          // true: the NYSE trades on Columbus Day
 */
export function isBusinessDay(calendar: CalendarSpec, date: string): boolean {
  return isOpen(membersOf(calendar), dayOfInput(date));
}

/**
 * The weekday closures of one calendar in one year, in date order. A holiday falling on a weekend
 * appears on the weekday it is observed on (`"Boxing Day (substitute day)"`), or not at all when
 * the calendar does not move it, since it closes nothing.
 *
 * @example
 * holidaysOf("UK", 2026).at(-1); // { date: "2026-12-28", name: "Boxing Day (substitute day)" }
 */
export function holidaysOf(calendar: CalendarId, year: number): readonly { date: string; name: string }[] {
  checkId(calendar);
  if (!Number.isInteger(year)) throw new CalendarInputError(`not a year: ${year}`);
  const definition = CALENDARS[calendar];
  if (year < definition.covers.from || year > definition.covers.to) {
    throw new CalendarCoverageError(calendar, String(year), definition.covers);
  }
  return closuresOf(definition, year).map(publicHoliday);
}

/**
 * The date `days` business days after `date` (before it, when negative). The start need not be a
 * business day: from a Saturday, +1 is the next business day and -1 the previous one. Zero
 * returns `date` unchanged.
 *
 * @example
 * addBusinessDays("US", "2026-11-25", 1);   // "2026-11-27": Thanksgiving is skipped
 * addBusinessDays("UK", "2026-12-24", 2);   // "2026-12-29": Christmas and the substitute Boxing Day
 * addBusinessDays("XNYS", "2027-01-04", -1); // "2026-12-31"
 */
export function addBusinessDays(calendar: CalendarSpec, date: string, days: number): string {
  const members = membersOf(calendar);
  let day = dayOfInput(date);
  if (!Number.isSafeInteger(days)) throw new CalendarInputError(`not a whole number of days: ${days}`);
  const step = Math.sign(days);
  for (let left = Math.abs(days); left > 0; ) {
    day += step;
    if (isOpen(members, day)) left -= 1;
  }
  return formatDay(day);
}

/**
 * The number of business days `d` with `from < d <= to`: how many business days `to` lies after
 * `from`. Negative (minus the count of `to < d <= from`) when `to` is before `from`; 0 when equal.
 *
 * @example
 * businessDaysBetween("US", "2026-11-25", "2026-11-27"); // 1: Thanksgiving does not count
 * businessDaysBetween("JP", "2026-12-30", "2027-01-04"); // 1: 31 Dec – 3 Jan are closed
 */
export function businessDaysBetween(calendar: CalendarSpec, from: string, to: string): number {
  const members = membersOf(calendar);
  const [start, end] = [dayOfInput(from), dayOfInput(to)];
  const [low, high, sign] = start <= end ? [start, end, 1] : [end, start, -1];
  let count = 0;
  for (let day = low + 1; day <= high; day += 1) if (isOpen(members, day)) count += 1;
  return count === 0 ? 0 : sign * count;
}

/**
 * The latest business day on or before `date`: the date a price or position "as of" it is from.
 *
 * @example
 * latestBusinessDay("XNYS", "2026-04-05"); // "2026-04-02": Easter Sunday, after Good Friday
 */
export function latestBusinessDay(calendar: CalendarSpec, date: string): string {
  const members = membersOf(calendar);
  let day = dayOfInput(date);
  while (!isOpen(members, day)) day -= 1;
  return formatDay(day);
}
