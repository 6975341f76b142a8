import type { Break } from "../breaks.ts";
import type { CalendarId } from "../calendars/index.ts";
import { calendarOf } from "../calendars/index.ts";
import type { Instrument, TradingDay } from "../model/index.ts";
import { isUsTreasury } from "../model/index.ts";
import {
  CALENDAR_ZONES,
  CLS_CURRENCIES,
  CUTOFFS,
  type CutoffMatch,
  type CutoffRow,
  DEFAULT_SECURITIES_CUTOFF,
  type SettlementType,
} from "./table.ts";
import { wallClockOf, zonedInstant } from "./zoned.ts";

/** When an exception must be fixed by to settle on time, and which cut-off says so. */
export interface Deadline {
  /** The cut-off row (`CUTOFFS`), or `DEFAULT_<calendar>` for a market without one. */
  readonly cutoffId: string;
  readonly cutoff: string;
  /** The instant, ISO 8601 UTC. */
  readonly at: string;
  /** The same instant as the market states it: `2026-11-25 21:00 America/New_York`. */
  readonly local: string;
  /** The trade (or confirmation) whose settlement sets it: the earliest of the exception's. */
  readonly tradeId?: string;
  readonly confirmationId?: string;
  readonly settleDate: string;
}

/** What a deadline is computed from: the instrument and the dates as booked (or confirmed). */
export interface SettlingItem {
  readonly instrument: Instrument;
  readonly tradeDate: string;
  readonly settleDate: string;
}

/** How an instrument settles: FX in two CLS currencies through CLS, other FX gross, securities DVP. */
export function settlementTypeOf(instrument: Instrument): SettlementType {
  if (instrument.type !== "FX_SPOT") return "DVP";
  const both = [instrument.baseCurrency, instrument.quoteCurrency].every((c) =>
    CLS_CURRENCIES.has(c.toUpperCase()),
  );
  return both ? "CLS" : "FX_GROSS";
}

function matches(match: CutoffMatch, instrument: Instrument, type: SettlementType): boolean {
  if (match.settlementType !== type) return false;
  if (match.type !== undefined && match.type !== instrument.type) return false;
  if (match.usTreasury !== undefined && match.usTreasury !== isUsTreasury(instrument)) return false;
  if (match.calendar !== undefined) {
    const calendars = [calendarOf(instrument)].flat();
    if (!calendars.includes(match.calendar)) return false;
  }
  return true;
}

/**
 * The cut-off a trade in `instrument` answers to: the first row of {@link CUTOFFS} that fits, or
 * for a securities market without a row, {@link DEFAULT_SECURITIES_CUTOFF} in its calendar's zone.
 *
 * @example
 * cutoffOf(appleShares).id; // "US_DTC_AFFIRMATION"
 */
export function cutoffOf(instrument: Instrument): CutoffRow {
  const type = settlementTypeOf(instrument);
  const row = CUTOFFS.find((r) => matches(r.match, instrument, type));
  if (row) return row;
  const calendar = [calendarOf(instrument)].flat()[0] as CalendarId;
  return {
    id: `DEFAULT_${calendar}`,
    name: `${calendar} settlement (no cut-off of its own: ${DEFAULT_SECURITIES_CUTOFF.time} local)`,
    match: { settlementType: type, calendar },
    anchor: DEFAULT_SECURITIES_CUTOFF.anchor,
    time: DEFAULT_SECURITIES_CUTOFF.time,
    zone: CALENDAR_ZONES[calendar],
  };
}

/**
 * The deadline of one settling trade: its cut-off on its trade or settlement date.
 *
 * @example
 * deadlineOf({ instrument: appleShares, tradeDate: "2026-11-24", settleDate: "2026-11-25" }).at;
 * // "2026-11-25T02:00:00.000Z" — 21:00 New York on trade date
 */
export function deadlineOf(item: SettlingItem): Deadline {
  const row = cutoffOf(item.instrument);
  const date = row.anchor === "trade-date" ? item.tradeDate : item.settleDate;
  const at = zonedInstant(date, row.time, row.zone);
  const wall = wallClockOf(at, row.zone);
  return {
    cutoffId: row.id,
    cutoff: row.name,
    at: at.toISOString(),
    local: `${wall.date} ${wall.time} ${row.zone}`,
    settleDate: item.settleDate,
  };
}

/**
 * The deadline of a break: the earliest of its trades' (as booked), or, for a break about
 * confirmations alone, of its confirmations' (as confirmed), on the break's instrument. Undefined
 * when the day holds none of them — such a break has no known deadline and is ordered last.
 *
 * @example
 * deadlineOfBreak(b, day)?.local; // "2026-11-24 21:00 America/New_York"
 */
export function deadlineOfBreak(
  b: Break,
  day: TradingDay,
  index: DayIndex = indexDay(day),
): Deadline | undefined {
  const candidates: Deadline[] = [];
  for (const tradeId of b.tradeIds) {
    const trade = index.trades.get(tradeId);
    const instrument = trade && index.instruments.get(trade.instrumentId);
    if (trade && instrument) candidates.push({ ...deadlineOf({ instrument, ...trade }), tradeId });
  }
  if (candidates.length === 0) {
    const instrument = index.instruments.get(b.instrumentId);
    for (const confirmationId of b.confirmationIds) {
      const c = index.confirmations.get(confirmationId);
      if (c && instrument) candidates.push({ ...deadlineOf({ instrument, ...c }), confirmationId });
    }
  }
  return candidates.reduce<Deadline | undefined>(
    (first, d) => (!first || d.at < first.at ? d : first),
    undefined,
  );
}

/** A day's records by id, built once for many breaks. */
export interface DayIndex {
  readonly trades: ReadonlyMap<string, TradingDay["trades"][number]>;
  readonly confirmations: ReadonlyMap<string, TradingDay["confirmations"][number]>;
  readonly instruments: ReadonlyMap<string, Instrument>;
}

export function indexDay(day: TradingDay): DayIndex {
  return {
    trades: new Map(day.trades.map((t) => [t.tradeId, t])),
    confirmations: new Map(day.confirmations.map((c) => [c.confirmationId, c])),
    instruments: new Map(day.instruments.map((i) => [i.instrumentId, i])),
  };
}

/** Buckets of time to cut-off, as the dashboards show them (smallest first). */
export const CUTOFF_BUCKETS = ["past", "under_1h", "1h_to_4h", "4h_to_24h", "over_24h", "unknown"] as const;
export type CutoffBucket = (typeof CUTOFF_BUCKETS)[number];

const HOUR = 3_600_000;

/**
 * How long is left before a deadline, and its bucket.
 *
 * @example
 * timeToCutoff(deadline, new Date("2026-11-24T23:30:00Z")); // { minutes: 150, bucket: "1h_to_4h" }
 */
export function timeToCutoff(
  deadline: Pick<Deadline, "at"> | undefined,
  now: Date,
): { minutes: number | null; bucket: CutoffBucket } {
  if (!deadline) return { minutes: null, bucket: "unknown" };
  const ms = Date.parse(deadline.at) - now.getTime();
  const bucket: CutoffBucket =
    ms <= 0
      ? "past"
      : ms < HOUR
        ? "under_1h"
        : ms < 4 * HOUR
          ? "1h_to_4h"
          : ms < 24 * HOUR
            ? "4h_to_24h"
            : "over_24h";
  return { minutes: Math.floor(ms / 60_000), bucket };
}

/**
 * Orders work by urgency: the earliest deadline first, a break without one last; `then` breaks ties.
 *
 * @example
 * breaks.sort(byDeadline((b) => deadlines[b.breakId], (a, b) => b.notional - a.notional));
 */
export function byDeadline<T>(
  deadlineOfItem: (item: T) => Pick<Deadline, "at"> | undefined,
  then: (a: T, b: T) => number = () => 0,
): (a: T, b: T) => number {
  return (a, b) => {
    const x = deadlineOfItem(a)?.at;
    const y = deadlineOfItem(b)?.at;
    if (x !== y) {
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return x < y ? -1 : 1;
    }
    return then(a, b);
  };
}
