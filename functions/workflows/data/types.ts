/**
 * The shapes of a synthetic trade day. Everything here is plain JSON (strings, numbers,
 * arrays, records): a day can be written to disk, put in LangGraph state or sent between
 * Lambdas without conversion.
 */

export type AssetClass = "equity" | "bond" | "fx";
export type Side = "BUY" | "SELL";
export type Currency = "USD" | "EUR" | "GBP" | "JPY" | "CHF";

/** The break kinds the generator injects and the detector finds. */
export const BREAK_KINDS = [
  "price_outside_tolerance",
  "quantity_mismatch",
  "missing_confirmation",
  "settle_date_mismatch",
  "duplicate_booking",
  "counterparty_ssi_mismatch",
  "stale_price",
] as const;
export type BreakKind = (typeof BREAK_KINDS)[number];

/** The small spec a day is regenerated from; state carries this, never the trades. */
export interface DatasetSpec {
  readonly seed: number;
  readonly trades: number;
  /** Trade date, `YYYY-MM-DD`, a business day. */
  readonly date: string;
  /** Share of trades carrying an injected break (default 0.02). */
  readonly breakRate?: number;
}

export interface Instrument {
  /** ISIN-shaped identifier with a valid check digit. */
  readonly instrumentId: string;
  readonly symbol: string;
  readonly assetClass: AssetClass;
  readonly currency: Currency;
  /** Multiplier from quantity × price to cash: 0.01 for bonds quoted per 100 of face, else 1. */
  readonly priceFactor: number;
  /** Decimal places prices are quoted to. */
  readonly priceDecimals: number;
  /** Smallest tradable quantity step. */
  readonly lotSize: number;
}

export interface Counterparty {
  readonly counterpartyId: string;
  readonly name: string;
  readonly lei: string;
  /** Standing settlement instructions by currency, as `"<custodian BIC> <account>"`. */
  readonly ssis: Readonly<Record<Currency, string>>;
}

export interface Desk {
  readonly desk: string;
  readonly assetClasses: readonly AssetClass[];
  readonly accounts: readonly string[];
}

/** A trade as booked internally. */
export interface Trade {
  readonly tradeId: string;
  readonly bookedAt: string;
  readonly account: string;
  readonly desk: string;
  readonly instrumentId: string;
  readonly assetClass: AssetClass;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  readonly currency: Currency;
  readonly tradeDate: string;
  readonly settleDate: string;
  readonly counterparty: string;
  /** Our standing settlement instruction for this counterparty and currency. */
  readonly ssi: string;
}

/** A broker's confirmation of a trade, in the broker's own terms. */
export interface Confirmation {
  readonly confirmationId: string;
  /** Our trade id, quoted back by the broker. */
  readonly tradeRef: string;
  readonly counterparty: string;
  readonly instrumentId: string;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  readonly currency: Currency;
  readonly tradeDate: string;
  readonly settleDate: string;
  /** The settlement instruction the broker will use. */
  readonly ssi: string;
  readonly receivedAt: string;
}

/** An end-of-day price from the market data vendor. */
export interface MarketPrice {
  readonly instrumentId: string;
  readonly price: number;
  readonly currency: Currency;
  readonly asOf: string;
  readonly source: string;
}

/** A desk's end-of-day holding in one instrument, trades of the day included. */
export interface Position {
  readonly desk: string;
  readonly instrumentId: string;
  readonly quantity: number;
  readonly notionalUsd: number;
}

export interface DeskLimit {
  readonly desk: string;
  /** Ceiling on the desk's gross (absolute) position notional. */
  readonly grossNotionalLimitUsd: number;
  /** Largest single exposure the desk may take without sign-off. */
  readonly singleTradeLimitUsd: number;
}

/** One generated trading day: the data only, never the ground truth. */
export interface TradeDay {
  readonly spec: Required<DatasetSpec>;
  /** Valuation time: prices are judged stale against this instant. */
  readonly asOf: string;
  readonly instruments: readonly Instrument[];
  readonly counterparties: readonly Counterparty[];
  readonly desks: readonly Desk[];
  readonly trades: readonly Trade[];
  readonly confirmations: readonly Confirmation[];
  readonly prices: readonly MarketPrice[];
  readonly positions: readonly Position[];
  readonly limits: readonly DeskLimit[];
}

export type BreakDetails = Readonly<Record<string, string | number | readonly string[]>>;

/** A break the generator put into the data on purpose (ground truth, for tests only). */
export interface InjectedBreak {
  readonly kind: BreakKind;
  readonly tradeIds: readonly string[];
  readonly details: BreakDetails;
}

/** What {@link generateTradeDay} returns: the data, and beside it what was injected. */
export interface GeneratedTradeDay {
  readonly day: TradeDay;
  readonly groundTruth: readonly InjectedBreak[];
}
