import type { PairedBy } from "../breaks.ts";
import type { Instrument, Trade } from "../model/index.ts";
import { quantityWithin, type Tolerances } from "../tolerances.ts";
import type { PreparedConfirmation } from "./prepare.ts";
import { currentEconomics, earlierVersions, isActive, type VersionEconomics } from "./versions.ts";

/** A trade's paired confirmations, each with how it was paired. */
export interface Paired {
  readonly confirmation: PreparedConfirmation;
  readonly pairedBy: PairedBy;
}

export interface Pairing {
  /** By trade id; a trade with no confirmation has no entry. */
  readonly byTrade: ReadonlyMap<string, readonly Paired[]>;
  /** Confirmations that pair with none of the trades. */
  readonly unpaired: readonly PreparedConfirmation[];
}

/** Most unreferenced fills of one economic key searched for a subset that fills one trade (2^n subsets). */
export const MAX_FILLS_SEARCHED = 14;

/**
 * Ties confirmations to trades, in three passes:
 * 1. **By reference**: a confirmation whose reference resolves to one of our trade ids pairs with it —
 *    unless it quotes another of our instruments (then the reference is taken as a slip and ignored).
 * 2. **By economics**, one confirmation to one trade: same broker, account, instrument, side and trade
 *    date, and a quantity within tolerance of the trade's current or an earlier version — or, for a
 *    trade already holding confirmations, of what they leave outstanding. Among several candidates:
 *    active before cancelled, unconfirmed before confirmed, current-version quantity before an
 *    earlier one, closest price, earliest booked, then trade id.
 * 3. **Partial fills by economics**: unreferenced confirmations left on one key whose quantities add up to
 *    a trade's quantity — or to what its referenced fills left outstanding — pair with it (active trades
 *    first, then those with no fills yet, then earliest booked).
 * Confirmations are taken in the order received, so the result does not depend on file order.
 *
 * @example
 * const { byTrade, unpaired } = pairConfirmations(trades, prepared, instrumentOf, DEFAULT_TOLERANCES);
 */
export function pairConfirmations(
  trades: readonly Trade[],
  confirmations: readonly PreparedConfirmation[],
  instrumentOf: (trade: Trade) => Instrument,
  tolerances: Tolerances,
): Pairing {
  const tradeById = new Map(trades.map((t) => [t.tradeId, t]));
  const byTrade = new Map<string, Paired[]>();
  const add = (tradeId: string, confirmation: PreparedConfirmation, pairedBy: PairedBy) => {
    const list = byTrade.get(tradeId);
    if (list) list.push({ confirmation, pairedBy });
    else byTrade.set(tradeId, [{ confirmation, pairedBy }]);
  };

  const unreferenced: PreparedConfirmation[] = [];
  const received = new Map(confirmations.map((c) => [c, Date.parse(c.receivedAt)]));
  const byReceipt = (a: PreparedConfirmation, b: PreparedConfirmation) =>
    (received.get(a) as number) - (received.get(b) as number) ||
    (a.confirmationId < b.confirmationId ? -1 : 1);
  for (const confirmation of [...confirmations].sort(byReceipt)) {
    const referenced = confirmation.ref === undefined ? undefined : tradeById.get(confirmation.ref);
    // A reference to a trade in another of our instruments is the broker's slip, not a pairing.
    if (
      referenced &&
      (!confirmation.knownInstrument || confirmation.instrumentId === referenced.instrumentId)
    ) {
      add(referenced.tradeId, confirmation, "reference");
    } else unreferenced.push(confirmation);
  }

  const candidatesByKey = new Map<string, { trade: Trade; versions: VersionEconomics[] }[]>();
  for (const trade of trades) {
    const versions = [currentEconomics(trade), ...earlierVersions(trade)];
    const keys = new Set(
      versions.map((v) => economicKey(trade.broker, trade.account, trade.instrumentId, v.side, v.tradeDate)),
    );
    for (const key of keys) {
      const list = candidatesByKey.get(key);
      if (list) list.push({ trade, versions });
      else candidatesByKey.set(key, [{ trade, versions }]);
    }
  }

  const leftByKey = new Map<string, PreparedConfirmation[]>();
  for (const confirmation of unreferenced) {
    const key = economicKeyOf(confirmation);
    const best = bestCandidate(
      confirmation,
      candidatesByKey.get(key) ?? [],
      byTrade,
      instrumentOf,
      tolerances,
    );
    if (best) {
      add(best.tradeId, confirmation, "economics");
      continue;
    }
    const left = leftByKey.get(key);
    if (left) left.push(confirmation);
    else leftByKey.set(key, [confirmation]);
  }

  const unpaired: PreparedConfirmation[] = [];
  for (const [key, left] of leftByKey) {
    const remaining = [...left];
    const open = (candidatesByKey.get(key) ?? [])
      .map((c) => c.trade)
      .sort(
        (a, b) =>
          Number(isActive(b)) - Number(isActive(a)) ||
          Number(byTrade.has(a.tradeId)) - Number(byTrade.has(b.tradeId)) ||
          bookedOrder(a, b),
      );
    for (const trade of open) {
      if (remaining.length === 0) break;
      // A trade with fills already (by reference) may be completed by one more; a bare trade needs two or more.
      const held = byTrade.get(trade.tradeId) ?? [];
      const outstanding = trade.quantity - held.reduce((sum, p) => sum + p.confirmation.quantity, 0);
      if (outstanding <= 0) continue;
      const fills = fillsFor(
        trade,
        outstanding,
        held.length > 0 ? 1 : 2,
        remaining,
        instrumentOf(trade),
        tolerances,
      );
      if (!fills) continue;
      for (const fill of fills) {
        add(trade.tradeId, fill, "economics");
        remaining.splice(remaining.indexOf(fill), 1);
      }
    }
    unpaired.push(...remaining);
  }
  return { byTrade, unpaired: unpaired.sort(byReceipt) };
}

/** The key economics pairing compares on: broker, account, instrument, side, trade date. */
export function economicKey(
  broker: string,
  account: string,
  instrumentId: string,
  side: string,
  tradeDate: string,
) {
  return (
    [broker, account, instrumentId].map((s) => s.replace(/\s+/g, "").toUpperCase()).join("|") +
    `|${side}|${tradeDate}`
  );
}

export function economicKeyOf(c: PreparedConfirmation): string {
  return economicKey(c.broker, c.account, c.instrumentId, c.side, c.tradeDate);
}

function bestCandidate(
  confirmation: PreparedConfirmation,
  candidates: readonly { trade: Trade; versions: VersionEconomics[] }[],
  byTrade: ReadonlyMap<string, readonly Paired[]>,
  instrumentOf: (trade: Trade) => Instrument,
  tolerances: Tolerances,
): Trade | undefined {
  let best: { trade: Trade; rank: number[] } | undefined;
  for (const { trade, versions } of candidates) {
    const instrument = instrumentOf(trade);
    const held = byTrade.get(trade.tradeId) ?? [];
    // A trade with confirmations already takes another only for what is still outstanding: a
    // second full confirmation of a confirmed trade is not a fill of it.
    const outstanding = trade.quantity - held.reduce((sum, p) => sum + p.confirmation.quantity, 0);
    const fitting = versions.filter(
      (v) =>
        v.side === confirmation.side &&
        v.tradeDate === confirmation.tradeDate &&
        quantityWithin(
          instrument,
          held.length > 0 ? outstanding : v.quantity,
          confirmation.quantity,
          tolerances,
          confirmation.quantityUncertainty,
        ),
    );
    if (fitting.length === 0) continue;
    const closest = Math.min(...fitting.map((v) => Math.abs(confirmation.price - v.price) / v.price));
    const rank = [
      isActive(trade) ? 0 : 1,
      byTrade.has(trade.tradeId) ? 1 : 0,
      fitting.some((v) => v.current) ? 0 : 1,
      closest,
    ];
    if (!best || compareRank(rank, best.rank, trade, best.trade) < 0) best = { trade, rank };
  }
  return best?.trade;
}

function compareRank(a: number[], b: number[], ta: Trade, tb: Trade): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return bookedOrder(ta, tb);
}

/** Earliest booked first (instants, so offsets compare right), then trade id. */
export function bookedOrder(a: Trade, b: Trade): number {
  return (
    Date.parse(a.bookedAt) - Date.parse(b.bookedAt) ||
    (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0)
  );
}

/**
 * The smallest set of at least `minimum` fills (then the earliest received) whose quantities
 * add up to `target` — the trade's quantity, or what its referenced fills left outstanding.
 */
function fillsFor(
  trade: Trade,
  target: number,
  minimum: number,
  fills: readonly PreparedConfirmation[],
  instrument: Instrument,
  tolerances: Tolerances,
): PreparedConfirmation[] | undefined {
  const pool = fills
    .filter((f) => f.side === trade.side && f.tradeDate === trade.tradeDate)
    .slice(0, MAX_FILLS_SEARCHED);
  let best: PreparedConfirmation[] | undefined;
  for (let mask = 1; mask < 1 << pool.length; mask++) {
    const chosen = pool.filter((_, i) => mask & (1 << i));
    if (chosen.length < minimum || (best && chosen.length >= best.length)) continue;
    const total = chosen.reduce((sum, f) => sum + f.quantity, 0);
    const uncertainty = chosen.reduce((sum, f) => sum + (f.quantityUncertainty ?? 0), 0);
    if (quantityWithin(instrument, target, total, tolerances, uncertainty)) best = chosen;
  }
  return best;
}
