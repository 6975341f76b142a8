import type {
  BreakScanInput,
  Confirmation,
  DeskLimit,
  Instrument,
  MarketPrice,
  Position,
  Trade,
  TradeDay,
} from "#data";

/**
 * Read-only access to a generated `#data` day (triage's), which the tools of
 * `createTradingTools` answer from. Tests can hand the tools any implementation; production
 * builds one over a generated day with {@link tradeDayStore}. A canonical `#trading` day has its
 * own store, `tradingDayStore` (`./trading-day/`).
 */
export interface TradeDataStore {
  /** Valuation time: price ages are measured against it. */
  readonly asOf: string;
  trade(tradeId: string): Trade | undefined;
  /** The broker confirmation quoting this trade id, if one arrived. */
  confirmationFor(tradeId: string): Confirmation | undefined;
  instrument(instrumentId: string): Instrument | undefined;
  price(instrumentId: string): MarketPrice | undefined;
  hasDesk(desk: string): boolean;
  hasCounterparty(counterpartyId: string): boolean;
  position(desk: string, instrumentId: string): Position | undefined;
  limit(desk: string): DeskLimit | undefined;
  /** Sum of the desk's absolute position notionals: what its gross limit is measured against. */
  deskGrossUsd(desk: string): number;
  /** The data a break scan reads (the whole day; filter the breaks, not the data). */
  scanInput(): BreakScanInput;
}

/**
 * Indexes a generated day for constant-time lookups. Lookups return copies, so a caller
 * writing into a result cannot corrupt the shared, memoised day.
 *
 * @example
 * const store = tradeDayStore(loadTradeDay({ seed: 42, trades: 2000, date: "2026-11-24" }));
 * store.trade("T20261124-000001")?.desk; // "Cash Equities"
 */
export function tradeDayStore(day: TradeDay): TradeDataStore {
  const trades = new Map(day.trades.map((t) => [t.tradeId, t]));
  const confirmations = new Map(day.confirmations.map((c) => [c.tradeRef, c]));
  const instruments = new Map(day.instruments.map((i) => [i.instrumentId, i]));
  const prices = new Map(day.prices.map((p) => [p.instrumentId, p]));
  const positions = new Map(day.positions.map((p) => [`${p.desk}|${p.instrumentId}`, p]));
  const limits = new Map(day.limits.map((l) => [l.desk, l]));
  const counterparties = new Set(day.counterparties.map((c) => c.counterpartyId));
  const grossByDesk = new Map<string, number>();
  for (const p of day.positions)
    grossByDesk.set(p.desk, (grossByDesk.get(p.desk) ?? 0) + Math.abs(p.notionalUsd));
  const copy = <T extends object>(value: T | undefined): T | undefined => (value ? { ...value } : undefined);

  return {
    asOf: day.asOf,
    trade: (tradeId) => copy(trades.get(tradeId)),
    confirmationFor: (tradeId) => copy(confirmations.get(tradeId)),
    instrument: (instrumentId) => copy(instruments.get(instrumentId)),
    price: (instrumentId) => copy(prices.get(instrumentId)),
    hasDesk: (desk) => limits.has(desk),
    hasCounterparty: (counterpartyId) => counterparties.has(counterpartyId),
    position: (desk, instrumentId) => copy(positions.get(`${desk}|${instrumentId}`)),
    limit: (desk) => copy(limits.get(desk)),
    deskGrossUsd: (desk) => grossByDesk.get(desk) ?? 0,
    scanInput: () => day,
  };
}
