import { getDeskExposureTool, getPositionTool, getUsdRateTool } from "./exposure.ts";
import {
  getConfirmationsTool,
  getConfirmationTool,
  getInstrumentTool,
  getMarketPriceTool,
  getSettlementConventionTool,
  getTradeTool,
} from "./lookups.ts";
import { searchBreaksTool } from "./search.ts";
import { findSimilarTradesTool } from "./similar.ts";
import type { TradingDayStore } from "./store.ts";

/**
 * The read-only tools over a canonical trading day (`#trading`'s model). Cheap to build: build
 * them per node invocation over the store of the day the node opened.
 *
 * @example
 * const tools = createTradingDayTools(tradingDayStore(day));
 * const { confirmations, confirmed } = await tools.get_confirmations.invoke({ tradeId: "T000001" });
 */
export function createTradingDayTools(store: TradingDayStore) {
  return {
    get_trade: getTradeTool(store),
    get_confirmations: getConfirmationsTool(store),
    get_confirmation: getConfirmationTool(store),
    get_instrument: getInstrumentTool(store),
    get_market_price: getMarketPriceTool(store),
    get_settlement_convention: getSettlementConventionTool(store),
    find_similar_trades: findSimilarTradesTool(store),
    search_breaks: searchBreaksTool(store),
    get_usd_rate: getUsdRateTool(store),
    get_position: getPositionTool(store),
    get_desk_exposure: getDeskExposureTool(store),
  };
}

export type TradingDayTools = ReturnType<typeof createTradingDayTools>;
export type TradingDayToolName = keyof TradingDayTools;

export { LARGEST_POSITIONS } from "./exposure.ts";
export { MAX_SIMILAR } from "./similar.ts";
export {
  type HeldConfirmation,
  type PairedConfirmation,
  type TradingDayStore,
  tradingDayStore,
} from "./store.ts";
export type * from "./views.ts";
export { SIMILARITY_FIELDS } from "./views.ts";
