import { TradingDataError } from "../errors.ts";

/**
 * A date outside the years a calendar's holidays are known for. Holidays are decreed (Japan's
 * equinoxes, one-off bank holidays, days of mourning), so a calendar past its last known year
 * would silently treat a holiday as a business day: refusing is the honest answer.
 */
export class CalendarCoverageError extends TradingDataError {
  readonly calendar: string;
  readonly date: string;
  constructor(calendar: string, date: string, covered: { readonly from: number; readonly to: number }) {
    super(
      "Trading.CalendarCoverage",
      `the ${calendar} calendar covers ${covered.from}–${covered.to}; ${date} is outside it`,
    );
    this.calendar = calendar;
    this.date = date;
  }
}

/** A malformed argument: a date that is not `YYYY-MM-DD`, an unknown calendar, a fractional count. */
export class CalendarInputError extends TradingDataError {
  constructor(message: string) {
    super("Trading.CalendarInput", message);
  }
}
