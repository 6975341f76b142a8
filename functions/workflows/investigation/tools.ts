import { createTradingDayTools, grantTools, type TradingDayStore, type TradingDayToolName } from "#tools";
import type { Specialist } from "./types.ts";

/**
 * The trading-day tools each specialist may call, its own: each reads only what its root causes
 * turn on — pricing the market close, settlement the settlement convention, booking the
 * confirmations by id and the trades like one; all read the trade, its confirmations and the
 * instrument.
 */
export const SPECIALIST_TOOLS = {
  pricing: ["get_trade", "get_confirmations", "get_instrument", "get_market_price"],
  settlement: ["get_trade", "get_confirmations", "get_instrument", "get_settlement_convention"],
  booking: ["get_trade", "get_confirmations", "get_confirmation", "get_instrument", "find_similar_trades"],
} as const satisfies Record<Specialist, readonly TradingDayToolName[]>;

/**
 * One specialist's tools over a trading day's store, and only those.
 *
 * @example
 * const { get_market_price } = specialistTools("pricing", tradingDayStore(day));
 */
export function specialistTools<S extends Specialist>(specialist: S, store: TradingDayStore) {
  return grantTools(createTradingDayTools(store), SPECIALIST_TOOLS[specialist]);
}
