import { checkLimitTool } from "./limits.ts";
import { getConfirmationTool, getMarketPriceTool, getPositionTool, getTradeTool } from "./lookups.ts";
import { searchBreaksTool } from "./search.ts";
import type { TradeDataStore } from "./store.ts";

/**
 * Builds the read-only trading tools over a generated `#data` day's store (triage's; the
 * canonical day's tools are `createTradingDayTools`). Cheap: build them per node invocation
 * from the day the node loaded; nothing is cached between calls.
 *
 * @example
 * const tools = createTradingTools(tradeDayStore(loadTradeDay({})));
 * const trade = await tools.get_trade.invoke({ tradeId: "T20261124-000001" });
 */
export function createTradingTools(store: TradeDataStore) {
  return {
    get_trade: getTradeTool(store),
    get_confirmation: getConfirmationTool(store),
    get_market_price: getMarketPriceTool(store),
    get_position: getPositionTool(store),
    check_limit: checkLimitTool(store),
    search_breaks: searchBreaksTool(store),
  };
}

export type TradingTools = ReturnType<typeof createTradingTools>;
export type ToolName = keyof TradingTools;
