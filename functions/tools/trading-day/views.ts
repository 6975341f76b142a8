import type {
  Break,
  BreakCategory,
  CalendarSpec,
  ConfirmedEconomics,
  Counterparty,
  Instrument,
  PairedBy,
  PreparedConfirmation,
  Side,
  TradeStatus,
  VersionEconomics,
} from "#trading";

/**
 * What the trading-day tools return: plain JSON, stated in OUR terms (our instrument ids, our
 * side, an inverse FX quote turned round), with the numbers a person or a policy needs to judge.
 */

/** One version of a trade's economics, complete (a field an earlier version omits is unchanged). */
export interface TradeVersionView extends VersionEconomics {
  /** Earlier versions: when they were valid. */
  readonly validFrom?: string;
  readonly validTo?: string;
}

/** What `get_trade` returns: the booking as it stands, its notional, and every earlier version. */
export interface TradeRecord {
  readonly tradeId: string;
  readonly version: number;
  readonly status: TradeStatus;
  readonly desk: string;
  readonly book: string;
  readonly account: string;
  readonly broker: string;
  readonly counterparty: Counterparty;
  readonly ssiId: string;
  /** Our instrument id (the trade's own id resolved, when it quoted an alias). */
  readonly instrumentId: string;
  readonly instrumentType: Instrument["type"] | null;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  readonly currency: string;
  readonly tradeDate: string;
  readonly settleDate: string;
  readonly counterAmount?: number;
  readonly bookedAt: string;
  readonly updatedAt?: string;
  /** Absolute notional (shares × price; face × price / 100; the FX base amount); null for an unknown instrument. */
  readonly notional: number | null;
  readonly notionalCurrency: string | null;
  /** Earlier versions, newest first, each complete. */
  readonly earlierVersions: readonly TradeVersionView[];
}

/** One confirmation in our terms (as the matcher prepared it), with what the broker actually sent where it differs. */
export interface ConfirmationView extends Omit<PreparedConfirmation, "ref" | "lei"> {
  /** Our trade id as the broker quoted it (raw). */
  readonly tradeRef?: string;
  readonly channel: string;
  readonly quotedInstrumentId: string;
  readonly counterparty?: { readonly name?: string; readonly lei?: string };
}

/** A confirmation paired with a trade, and how the matcher paired it. */
export interface PairedConfirmationView extends ConfirmationView {
  readonly pairedBy: PairedBy;
}

/** What `get_confirmations` returns: every confirmation paired with the trade, and their aggregate. */
export interface TradeConfirmations {
  readonly tradeId: string;
  readonly confirmations: readonly PairedConfirmationView[];
  /** Quantity summed, price the quantity-weighted average (VWAP); null when none is paired. */
  readonly confirmed: ConfirmedEconomics | null;
}

/** What `get_confirmation` returns: one confirmation and the trade it is paired with, if any. */
export interface ConfirmationRecord extends ConfirmationView {
  readonly pairedWith: { readonly tradeId: string; readonly pairedBy: PairedBy } | null;
}

/** What `get_instrument` returns. */
export type InstrumentRecord = Instrument & {
  /** The id it was asked for, and whether that id was the inverse FX pair. */
  readonly quotedAs: string;
  readonly inverted: boolean;
  /** The business-day calendar(s) its prices are dated on. */
  readonly calendar: CalendarSpec;
};

/** What `get_market_price` returns: the latest close, its date and its age on the instrument's calendar. */
export interface MarketPriceRecord {
  readonly instrumentId: string;
  readonly price: number;
  readonly currency: string;
  readonly asOf: string;
  readonly source: string;
  /** The price's date as its source wrote it (the local date of `asOf`). */
  readonly priceDate: string;
  readonly businessDate: string;
  readonly calendar: CalendarSpec;
  /** Business days of the calendar after `priceDate`, up to the business date. */
  readonly ageBusinessDays: number;
  readonly maxAgeBusinessDays: number;
  readonly stale: boolean;
  /** The close a fresh price would be dated: the latest business day on or before the business date. */
  readonly expectedCloseDate: string;
  /** Whether the instrument's market was open on the business date itself. */
  readonly marketOpenOnBusinessDate: boolean;
  /** Every source that priced the instrument in the day, latest price first. */
  readonly sources: readonly string[];
}

/** What `get_settlement_convention` returns: the contractual settle date of a trade, and why. */
export interface SettlementConventionRecord {
  readonly tradeId: string;
  readonly instrumentId: string;
  readonly tradeDate: string;
  /** `"US equities T+1 (since 2024-05-28)"`. */
  readonly rule: string;
  readonly lagDays: number;
  readonly calendar: CalendarSpec;
  readonly conventionalSettleDate: string;
  /** Our booked settle date, beside it. */
  readonly bookedSettleDate: string;
}

/** The economic key fields `find_similar_trades` compares. */
export const SIMILARITY_FIELDS = ["account", "instrumentId", "side", "quantity", "tradeDate"] as const;
export type SimilarityField = (typeof SIMILARITY_FIELDS)[number];

/** A trade like the subject: same broker, and at most one of {@link SIMILARITY_FIELDS} different. */
export interface SimilarTrade {
  readonly tradeId: string;
  readonly status: TradeStatus;
  readonly desk: string;
  readonly account: string;
  readonly broker: string;
  readonly instrumentId: string;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  readonly tradeDate: string;
  readonly counterpartyLei: string;
  readonly bookedAt: string;
  /** Whether any confirmation is paired with it. */
  readonly confirmed: boolean;
  /** The key fields that differ from the subject: empty for a twin. */
  readonly differs: readonly SimilarityField[];
}

/** A confirmation no trade is paired with, like the subject trade. */
export interface SimilarConfirmation {
  readonly confirmationId: string;
  readonly broker: string;
  readonly account: string;
  readonly instrumentId: string;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  readonly tradeDate: string;
  readonly differs: readonly SimilarityField[];
}

/** What `find_similar_trades` returns. */
export interface SimilarTrades {
  /** What was compared: the trade's or the confirmation's key, in our terms. */
  readonly subject: {
    readonly kind: "trade" | "confirmation";
    readonly id: string;
    readonly broker: string;
    readonly account: string;
    readonly instrumentId: string;
    readonly side: Side;
    readonly quantity: number;
    readonly tradeDate: string;
  };
  /** Other trades with the same broker and every key field equal. */
  readonly twins: readonly SimilarTrade[];
  /** Other trades with the same broker and exactly one key field different. */
  readonly near: readonly SimilarTrade[];
  /** For a trade: unpaired confirmations from its broker with at most one key field different. */
  readonly unpairedConfirmations: readonly SimilarConfirmation[];
}

/** What `search_breaks` returns. */
export interface TradingDayBreakSearch {
  readonly businessDate: string;
  /** Breaks inside the filter; `breaks` holds at most `limit` of them, by break id. */
  readonly count: number;
  readonly breaks: readonly Break[];
  readonly categories: Readonly<Partial<Record<BreakCategory, number>>>;
}

/** What `get_usd_rate` returns: US dollars per unit of a currency, from the day's FX closes. */
export interface UsdRateRecord {
  readonly currency: string;
  /** Null when no FX close of the day prices the currency against the dollar. */
  readonly usdPerUnit: number | null;
  /** The FX pair whose close gave the rate (null for USD itself, or no rate). */
  readonly pair: string | null;
  readonly priceDate: string | null;
}

/** What `get_position` returns: a desk's net position in one instrument, valued. */
export interface PositionRecord {
  readonly desk: string;
  /** Our instrument id. */
  readonly instrumentId: string;
  readonly instrumentType: Instrument["type"];
  /** Bought minus sold over the desk's active trades (shares, face, or the FX base amount). */
  readonly netQuantity: number;
  readonly bought: number;
  readonly sold: number;
  /** Active trades in the position. */
  readonly trades: number;
  /** The price the position is valued at: the latest close, else the average booked price. */
  readonly valuation: {
    readonly price: number;
    readonly source: "close" | "booked";
    readonly priceDate: string | null;
  };
  /** Signed value in `valueCurrency` (shares × price; face × price / 100; the FX base amount). */
  readonly marketValue: number;
  readonly valueCurrency: string;
  readonly usdPerUnit: number | null;
  /** Signed value in US dollars (at face value when `usdPerUnit` is null). */
  readonly marketValueUsd: number;
}

/** One position in a desk's exposure. */
export interface PositionSummary {
  readonly instrumentId: string;
  readonly netQuantity: number;
  readonly marketValueUsd: number;
}

/** What `get_desk_exposure` returns: a desk's exposure over all its positions, in US dollars. */
export interface DeskExposureRecord {
  readonly desk: string;
  readonly businessDate: string;
  /** Positions that are not flat. */
  readonly positions: number;
  /** Sum of the absolute position values: what a gross limit is measured against. */
  readonly grossUsd: number;
  readonly netUsd: number;
  /** The largest positions by absolute value. */
  readonly largest: readonly PositionSummary[];
  /** Positions valued at the booked price for want of a close. */
  readonly valuedAtBookedPrice: readonly string[];
  /** Currencies taken at face value for want of a dollar rate. */
  readonly currenciesWithoutUsdRate: readonly string[];
}
