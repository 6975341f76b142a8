/**
 * Business-day calendars and settlement conventions: which days each market and currency is
 * open, the arithmetic over them (joint calendars for currency pairs), and the T+n cycle of each
 * instrument on a trade date. Dates are `YYYY-MM-DD` strings throughout.
 */
export {
  addBusinessDays,
  businessDaysBetween,
  type CalendarSpec,
  holidaysOf,
  isBusinessDay,
  latestBusinessDay,
} from "./calendar.ts";
export { CalendarCoverageError, CalendarInputError } from "./errors.ts";
export { CALENDAR_IDS, type CalendarId } from "./holidays.ts";
export { calendarOf, calendarOfCurrency, calendarOfMic } from "./markets.ts";
export {
  conventionalSettleDate,
  SETTLEMENT_CONVENTIONS,
  type SettlementConvention,
  type SettlementConventionRow,
  type SettlementMatch,
  settlementConvention,
} from "./settlement.ts";
