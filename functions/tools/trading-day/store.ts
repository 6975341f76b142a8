import {
  type Break,
  type Confirmation,
  DEFAULT_TOLERANCES,
  type Instrument,
  InstrumentIndex,
  latestPrices,
  type MarketPrice,
  ourIdIndex,
  type PairedBy,
  type PreparedConfirmation,
  prepareConfirmation,
  type ResolvedInstrument,
  reconcileDay,
  splitMatchable,
  type Tolerances,
  type Trade,
  type TradingDay,
} from "#trading";

/** A confirmation as received and as restated in our terms (reference resolved, inverse FX turned round). */
export interface HeldConfirmation {
  readonly confirmation: Confirmation;
  readonly prepared: PreparedConfirmation;
}

/** A confirmation the matcher paired with a trade, and how. */
export interface PairedConfirmation extends HeldConfirmation {
  readonly pairedBy: PairedBy;
}

/**
 * Read-only access to one canonical trading day for the tools, with the matcher's pairing of
 * confirmations to trades: the tools answer "which confirmations are this trade's" exactly as
 * reconciliation decided it (by reference or by economics, inverse FX normalised), never by a
 * rule of their own.
 */
export interface TradingDayStore {
  readonly businessDate: string;
  readonly tolerances: Tolerances;
  /** A trade by id, its instrument id made our own where the instruments file knows it. */
  trade(tradeId: string): Trade | undefined;
  /** Every trade the day holds, in file order. */
  trades(): readonly Trade[];
  /** An instrument by any id a trade or broker may quote for it (see `InstrumentIndex.resolve`). */
  instrument(quotedId: string): ResolvedInstrument | undefined;
  /** Every instrument the day holds, in file order. */
  instruments(): readonly Instrument[];
  confirmation(confirmationId: string): HeldConfirmation | undefined;
  /** The confirmations paired with a trade (empty when none is). */
  confirmationsOf(tradeId: string): readonly PairedConfirmation[];
  /** The trade a confirmation is paired with, if any. */
  pairingOf(confirmationId: string): { readonly tradeId: string; readonly pairedBy: PairedBy } | undefined;
  /** Confirmations the matcher paired with no trade. */
  unpairedConfirmations(): readonly HeldConfirmation[];
  /** Every price of an instrument (our id), oldest first. */
  pricesOf(instrumentId: string): readonly MarketPrice[];
  /** The latest price of an instrument (our id), by `asOf`. */
  latestPrice(instrumentId: string): MarketPrice | undefined;
  /** The breaks `reconcileDay` finds over the whole day with the store's tolerances. */
  breaks(): readonly Break[];
}

interface Indexed {
  readonly trades: ReadonlyMap<string, Trade>;
  readonly confirmations: ReadonlyMap<string, HeldConfirmation>;
  readonly byTrade: ReadonlyMap<string, PairedConfirmation[]>;
  readonly pairing: ReadonlyMap<string, { tradeId: string; pairedBy: PairedBy }>;
  readonly unpaired: readonly HeldConfirmation[];
  readonly prices: ReadonlyMap<string, MarketPrice[]>;
  readonly latest: ReadonlyMap<string, MarketPrice>;
  readonly breaks: readonly Break[];
}

const stores = new WeakMap<TradingDay, { tolerances: Tolerances; store: TradingDayStore }>();

/**
 * The store over a canonical day. Indexing (and the one `reconcileDay` the pairing comes from)
 * happens on the first lookup, once per day and tolerances: the nodes of one run that share a
 * process and the memoised day share one store.
 *
 * @example
 * const { day } = await openDay({ uri: "docs/examples/data" });
 * const store = tradingDayStore(day);
 * store.confirmationsOf("T000001").map((c) => c.pairedBy); // ["reference"]
 */
export function tradingDayStore(
  day: TradingDay,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
): TradingDayStore {
  const held = stores.get(day);
  if (held && held.tolerances === tolerances) return held.store;
  const instruments = new InstrumentIndex(day.instruments);
  let indexed: Indexed | undefined;
  const index = (): Indexed => {
    indexed ??= indexDay(day, instruments, tolerances);
    return indexed;
  };
  const store: TradingDayStore = {
    businessDate: day.businessDate,
    tolerances,
    trade: (tradeId) => index().trades.get(tradeId),
    trades: () => [...index().trades.values()],
    instrument: (quotedId) => instruments.resolve(quotedId),
    instruments: () => day.instruments,
    confirmation: (confirmationId) => index().confirmations.get(confirmationId),
    confirmationsOf: (tradeId) => index().byTrade.get(tradeId) ?? [],
    pairingOf: (confirmationId) => index().pairing.get(confirmationId),
    unpairedConfirmations: () => index().unpaired,
    pricesOf: (instrumentId) => index().prices.get(instrumentId) ?? [],
    latestPrice: (instrumentId) => index().latest.get(instrumentId),
    breaks: () => index().breaks,
  };
  stores.set(day, { tolerances, store });
  return store;
}

function indexDay(day: TradingDay, instruments: InstrumentIndex, tolerances: Tolerances): Indexed {
  const { matchable } = splitMatchable(day.trades, instruments);
  const matchableById = new Map(matchable.map((t) => [t.tradeId, t]));
  // Trades with an unknown instrument stay visible as booked; the matcher cannot compare them.
  const trades = new Map(day.trades.map((t) => [t.tradeId, matchableById.get(t.tradeId) ?? t]));
  const ids = ourIdIndex(matchable);
  const confirmations = new Map(
    day.confirmations.map((c) => [
      c.confirmationId,
      { confirmation: c, prepared: prepareConfirmation(c, instruments, ids) },
    ]),
  );
  const { breaks, matches } = reconcileDay(day, tolerances);
  const byTrade = new Map<string, PairedConfirmation[]>();
  const pairing = new Map<string, { tradeId: string; pairedBy: PairedBy }>();
  for (const match of matches) {
    const paired: PairedConfirmation[] = [];
    for (const { confirmationId, pairedBy } of match.confirmations) {
      const found = confirmations.get(confirmationId);
      if (!found) continue;
      paired.push({ ...found, pairedBy });
      pairing.set(confirmationId, { tradeId: match.tradeId, pairedBy });
    }
    byTrade.set(match.tradeId, paired);
  }
  const unpaired = [...confirmations.values()].filter((c) => !pairing.has(c.confirmation.confirmationId));
  const resolve = (id: string) => instruments.resolve(id)?.instrument.instrumentId;
  const prices = new Map<string, MarketPrice[]>();
  for (const price of day.prices) {
    const id = resolve(price.instrumentId);
    if (!id) continue;
    const list = prices.get(id);
    if (list) list.push(price);
    else prices.set(id, [price]);
  }
  for (const list of prices.values()) list.sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
  return {
    trades,
    confirmations,
    byTrade,
    pairing,
    unpaired,
    prices,
    latest: latestPrices(day.prices, resolve),
    breaks,
  };
}

/** The instrument of a trade, when the instruments file knows it. */
export function instrumentOfTrade(store: TradingDayStore, trade: Trade): Instrument | undefined {
  return store.instrument(trade.instrumentId)?.instrument;
}
