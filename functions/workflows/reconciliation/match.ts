import {
  type BreakDetails,
  type Confirmation,
  type DetectedBreak,
  detectBreaks,
  type Instrument,
  notionalUsd,
  type Tolerances,
  type Trade,
  type TradeDay,
} from "#data";
import type { BreakRecord } from "./types.ts";

/**
 * Matches one partition's bookings against their broker confirmations and the price feed with
 * the shared detector (`detectBreaks`), scoped to the partition. That is correct because a
 * partition holds both bookings of any duplicate (see `partition.ts`), and it is given exactly
 * the confirmations that quote its trades, so nothing outside it can change its breaks.
 *
 * @example
 * const { breaks } = matchPartition(day, tradesOf(day, "desk", ref), DEFAULT_TOLERANCES);
 */
export function matchPartition(
  day: TradeDay,
  trades: readonly Trade[],
  tolerances: Tolerances,
): { breaks: BreakRecord[]; confirmations: number } {
  const confirmationsFor = confirmationIndex(day);
  const confirmations = trades.flatMap((trade) => confirmationsFor.get(trade.tradeId) ?? []);
  const detected = detectBreaks({ asOf: day.asOf, trades, confirmations, prices: day.prices }, tolerances);
  const tradeById = new Map(trades.map((t) => [t.tradeId, t]));
  const instruments = instrumentIndex(day);
  return {
    breaks: detected.map((found) => compact(found, tradeById, instruments)),
    confirmations: confirmations.length,
  };
}

/** The checkpoint's form of a detected break: the detector's details folded into one line. */
function compact(
  found: DetectedBreak,
  tradeById: ReadonlyMap<string, Trade>,
  instruments: ReadonlyMap<string, Instrument>,
): BreakRecord {
  const trade = tradeById.get(found.tradeIds[0] ?? "");
  const instrument = trade && instruments.get(trade.instrumentId);
  return {
    breakId: found.breakId,
    kind: found.kind,
    tradeIds: found.tradeIds,
    desk: found.desk,
    counterparty: found.counterparty,
    notionalUsd: trade && instrument ? Math.round(notionalUsd(instrument, trade.quantity, trade.price)) : 0,
    detail: detailLine(found.details),
  };
}

/** `bookedPrice=101.5 confirmedPrice=99.7 ...`, arrays joined with `+`. */
export function detailLine(details: BreakDetails): string {
  return Object.entries(details)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join("+") : value}`)
    .join(" ");
}

// Indexes over a day, built once per day and process: every worker of a run shares them.
const confirmationMemo = new WeakMap<TradeDay, Map<string, Confirmation[]>>();
const instrumentMemo = new WeakMap<TradeDay, Map<string, Instrument>>();

function confirmationIndex(day: TradeDay): Map<string, Confirmation[]> {
  let index = confirmationMemo.get(day);
  if (!index) {
    index = new Map();
    for (const confirmation of day.confirmations) {
      const list = index.get(confirmation.tradeRef);
      if (list) list.push(confirmation);
      else index.set(confirmation.tradeRef, [confirmation]);
    }
    confirmationMemo.set(day, index);
  }
  return index;
}

function instrumentIndex(day: TradeDay): Map<string, Instrument> {
  let index = instrumentMemo.get(day);
  if (!index) {
    index = new Map(day.instruments.map((i) => [i.instrumentId, i]));
    instrumentMemo.set(day, index);
  }
  return index;
}
