import type { AssetClass, Confirmation, DetectedBreak, MarketPrice, Position, Trade } from "#data";

/** What `get_trade` returns: the booking and its cash value in US dollars. */
export interface TradeView extends Trade {
  readonly notionalUsd: number;
  readonly instrumentSymbol: string;
}

/** What `get_confirmation` returns; `confirmation` is null when the broker has not confirmed. */
export interface ConfirmationLookup {
  readonly tradeId: string;
  readonly confirmation: Confirmation | null;
}

/** What `get_market_price` returns: the vendor price, its age and how to value it. */
export interface PriceView extends MarketPrice {
  readonly ageHours: number;
  readonly symbol: string;
  readonly assetClass: AssetClass;
  readonly priceFactor: number;
}

/** What `get_position` returns (a flat position when the desk holds none of the instrument). */
export type PositionView = Position;

/** What `check_limit` returns: the desk's gross limit use with and without an extra exposure. */
export interface LimitCheck {
  readonly desk: string;
  readonly limitUsd: number;
  readonly usedUsd: number;
  readonly headroomUsd: number;
  /** Use after adding the exposure, as a fraction of the limit. */
  readonly utilizationAfter: number;
  readonly additionalNotionalUsd: number;
  readonly wouldBreach: boolean;
  readonly singleTradeLimitUsd: number;
  readonly exceedsSingleTradeLimit: boolean;
}

/** What `search_breaks` returns. */
export interface BreakSearchResult {
  readonly asOf: string;
  /** Trades inside the filter. */
  readonly tradesScanned: number;
  readonly count: number;
  readonly breaks: readonly DetectedBreak[];
}
