import { type Break, breakIdOf, type Match, type QuarantinedRow } from "../breaks.ts";
import type { Instrument, Trade, TradingDay } from "../model/index.ts";
import type { Tolerances } from "../tolerances.ts";
import { notionalOf, show } from "./breaks-of.ts";
import { compareTrade } from "./compare.ts";
import { unconfirmedBreaks } from "./duplicates.ts";
import { InstrumentIndex } from "./instruments.ts";
import { pairConfirmations } from "./pair.ts";
import { type PreparedConfirmation, prepareConfirmation } from "./prepare.ts";
import { normalizeRef } from "./references.ts";
import { latestPrices, type StaleInstrument, staleBreaks, staleInstruments } from "./stale.ts";

/** What matching found: the breaks (sorted by id) and every trade's paired confirmations. */
export interface MatchResult {
  readonly breaks: Break[];
  readonly matches: Match[];
}

/**
 * Matches a set of trades against the confirmations that may concern them — a whole day, or one
 * partition of it holding every trade and confirmation of its economic keys (see the
 * reconciliation workflow's partitioning). Every rule but the stale-price check is here:
 * pairing (`pair.ts`), per-trade comparison (`compare.ts`), unconfirmed trades and duplicates
 * (`duplicates.ts`), and confirmations left over (`UNKNOWN_CONFIRMATION`).
 *
 * @example
 * const { breaks, matches } = matchTrades(trades, prepared, new InstrumentIndex(instruments), DEFAULT_TOLERANCES);
 */
export function matchTrades(
  trades: readonly Trade[],
  confirmations: readonly PreparedConfirmation[],
  instruments: InstrumentIndex,
  tolerances: Tolerances,
  stale: readonly StaleInstrument[] = [],
): MatchResult {
  const instrumentOf = (trade: Trade): Instrument => {
    const instrument = instruments.get(trade.instrumentId);
    if (!instrument) throw new Error(`trade ${trade.tradeId}: unknown instrument ${trade.instrumentId}`);
    return instrument;
  };
  const { byTrade, unpaired } = pairConfirmations(trades, confirmations, instrumentOf, tolerances);
  const breaks: Break[] = [];
  const matches: Match[] = [];
  for (const trade of trades) {
    const paired = byTrade.get(trade.tradeId);
    if (!paired) continue;
    matches.push({
      tradeId: trade.tradeId,
      confirmations: paired.map((p) => ({
        confirmationId: p.confirmation.confirmationId,
        pairedBy: p.pairedBy,
      })),
    });
    breaks.push(...compareTrade(trade, paired, instrumentOf(trade), tolerances));
  }
  breaks.push(...unconfirmedBreaks(trades, new Set(byTrade.keys()), instrumentOf, tolerances));
  for (const confirmation of unpaired) breaks.push(unknownConfirmation(confirmation, instruments));
  breaks.push(...staleBreaks(stale, trades, (trade) => instruments.get(trade.instrumentId)));
  return { breaks: sortById(breaks), matches: matches.sort((a, b) => compareIds(a.tradeId, b.tradeId)) };
}

/** The whole-day result, plus trades that could not be matched at all (unknown instrument). */
export interface ReconcileResult extends MatchResult {
  readonly rejected: readonly QuarantinedRow[];
}

/**
 * Reconciles a whole day in one pass: the reference for the partitioned workflow, and what the
 * in-process bench measures it against.
 *
 * @example
 * const { breaks } = reconcileDay(day, DEFAULT_TOLERANCES);
 */
export function reconcileDay(day: TradingDay, tolerances: Tolerances): ReconcileResult {
  const instruments = new InstrumentIndex(day.instruments);
  const { matchable, rejected } = splitMatchable(day.trades, instruments);
  const ids = ourIdIndex(matchable);
  const prepared = day.confirmations.map((c) => prepareConfirmation(c, instruments, ids));
  const stale = staleInstruments(
    day.businessDate,
    day.instruments,
    priceLookup(day, instruments),
    tolerances,
  );
  const result = matchTrades(matchable, prepared, instruments, tolerances, stale);
  return { breaks: result.breaks, matches: result.matches, rejected };
}

/** Our trade ids by their normalised form, to resolve the references brokers quote. */
export function ourIdIndex(trades: Iterable<Pick<Trade, "tradeId">>): Map<string, string> {
  const index = new Map<string, string>();
  for (const trade of trades) index.set(normalizeRef(trade.tradeId), trade.tradeId);
  return index;
}

/**
 * Trades whose instrument we know (with their instrument id made our own id), and the others as
 * rejected rows: without the instrument there is no quote convention to compare in.
 */
export function splitMatchable(
  trades: readonly Trade[],
  instruments: InstrumentIndex,
): { matchable: Trade[]; rejected: QuarantinedRow[] } {
  const matchable: Trade[] = [];
  const rejected: QuarantinedRow[] = [];
  for (const trade of trades) {
    const instrument = instruments.get(trade.instrumentId);
    if (!instrument) {
      rejected.push({
        file: "trades",
        line: 0,
        field: "instrumentId",
        reason: `unknown instrument ${JSON.stringify(trade.instrumentId)}: not in the instruments file`,
        recordId: trade.tradeId,
      });
    } else {
      matchable.push(
        instrument.instrumentId === trade.instrumentId
          ? trade
          : { ...trade, instrumentId: instrument.instrumentId },
      );
    }
  }
  return { matchable, rejected };
}

function priceLookup(day: TradingDay, instruments: InstrumentIndex) {
  const latest = latestPrices(day.prices, (id) => instruments.resolve(id)?.instrument.instrumentId);
  return (instrument: Instrument) => latest.get(instrument.instrumentId);
}

function unknownConfirmation(confirmation: PreparedConfirmation, instruments: InstrumentIndex): Break {
  const instrument = confirmation.knownInstrument ? instruments.get(confirmation.instrumentId) : undefined;
  const size = instrument
    ? notionalOf(instrument, confirmation.quantity, confirmation.price)
    : {
        notional: Math.round(confirmation.quantity * confirmation.price * 100) / 100,
        currency: confirmation.currency,
      };
  const base = {
    category: "UNKNOWN_CONFIRMATION" as const,
    tradeIds: [],
    confirmationIds: [confirmation.confirmationId],
    instrumentId: confirmation.instrumentId,
  };
  const why = !confirmation.knownInstrument
    ? `instrument ${confirmation.instrumentId} is not one of ours`
    : "no trade of ours has its reference or its economics";
  return {
    breakId: breakIdOf(base),
    ...base,
    ...size,
    broker: confirmation.broker,
    detail: `${confirmation.broker} confirms ${confirmation.side} ${show(confirmation.quantity)} ${confirmation.instrumentId} @ ${show(confirmation.price)} for account ${confirmation.account} (broker ref ${confirmation.brokerRef}); ${why}; ask the broker or find the booking`,
  };
}

function sortById(breaks: Break[]): Break[] {
  return breaks.sort((a, b) => compareIds(a.breakId, b.breakId));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
