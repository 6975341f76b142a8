/** Read-only trading tools over a trade day, their errors and the per-agent allowlist. */
export { AGENT_TOOLS, type AgentName, toolsFor } from "./allowlist.ts";
export { NotFoundError, ToolError, UnknownAgentError } from "./errors.ts";
export { type TradeDataStore, tradeDayStore } from "./store.ts";
export { createTradingTools, type ToolName, type TradingTools } from "./trading-tools.ts";
export type {
  BreakSearchResult,
  ConfirmationLookup,
  LimitCheck,
  PositionView,
  PriceView,
  TradeView,
} from "./types.ts";
