import type { AmendmentToolName, AmendmentTools } from "./amendments.ts";
import { UnknownAgentError } from "./errors.ts";
import type { TradingDayToolName, TradingDayTools } from "./trading-day/index.ts";
import type { ToolName, TradingTools } from "./trading-tools.ts";

/**
 * Which tools each agent may call over the generated `#data` day (triage's agents): least
 * privilege, so a confused model cannot reach data its job does not need. Agents are named by
 * role, not by graph node, so workflows share them. Agents over a canonical `#trading` day have
 * their own allowlist, {@link TRADING_DAY_AGENT_TOOLS}.
 */
export const AGENT_TOOLS = {
  detector: ["search_breaks"],
  classifier: ["get_trade", "get_confirmation", "get_market_price"],
  risk: ["get_trade", "get_position", "check_limit"],
  fixer: ["get_trade", "get_confirmation", "get_market_price"],
  escalator: ["get_trade", "get_confirmation"],
  compliance: ["get_trade", "get_confirmation"],
  reporter: [],
} as const satisfies Record<string, readonly ToolName[]>;

export type AgentName = keyof typeof AGENT_TOOLS;

/**
 * The tools one agent is allowed, and only those.
 *
 * @example
 * const { check_limit } = toolsFor("risk", createTradingTools(store));
 */
export function toolsFor<A extends AgentName>(
  agent: A,
  tools: TradingTools,
): Pick<TradingTools, (typeof AGENT_TOOLS)[A][number]> {
  const allowed: readonly ToolName[] | undefined = AGENT_TOOLS[agent];
  if (!allowed) throw new UnknownAgentError(agent, Object.keys(AGENT_TOOLS));
  return Object.fromEntries(allowed.map((name) => [name, tools[name]])) as Pick<
    TradingTools,
    (typeof AGENT_TOOLS)[A][number]
  >;
}

/**
 * Which trading-day tools (over a canonical `#trading` day) each agent may call. The
 * investigation specialists each read only what their root causes turn on: pricing the market
 * close, settlement the settlement convention, booking the confirmations by id and the trades
 * like one (all read trades, their confirmations and instruments); none gets another's lookups,
 * and only the detector scans the day's breaks.
 */
export const TRADING_DAY_AGENT_TOOLS = {
  pricing: ["get_trade", "get_confirmations", "get_instrument", "get_market_price"],
  settlement: ["get_trade", "get_confirmations", "get_instrument", "get_settlement_convention"],
  booking: ["get_trade", "get_confirmations", "get_confirmation", "get_instrument", "find_similar_trades"],
  detector: ["search_breaks"],
} as const satisfies Record<string, readonly TradingDayToolName[]>;

export type TradingDayAgentName = keyof typeof TRADING_DAY_AGENT_TOOLS;

/**
 * The trading-day tools one agent is allowed, and only those.
 *
 * @example
 * const { get_market_price } = tradingDayToolsFor("pricing", createTradingDayTools(store));
 */
export function tradingDayToolsFor<A extends TradingDayAgentName>(
  agent: A,
  tools: TradingDayTools,
): Pick<TradingDayTools, (typeof TRADING_DAY_AGENT_TOOLS)[A][number]> {
  const allowed: readonly TradingDayToolName[] | undefined = TRADING_DAY_AGENT_TOOLS[agent];
  if (!allowed) throw new UnknownAgentError(agent, Object.keys(TRADING_DAY_AGENT_TOOLS));
  return Object.fromEntries(allowed.map((name) => [name, tools[name]])) as Pick<
    TradingDayTools,
    (typeof TRADING_DAY_AGENT_TOOLS)[A][number]
  >;
}

/**
 * The amendment tools each agent may call. Only the fixer proposes and applies; its effect
 * tools still run only with an approval (the agents' side-effect contract).
 */
export const EFFECT_TOOLS = {
  fixer: ["propose_amendment", "apply_amendment", "cancel_rebook"],
} as const satisfies Partial<Record<AgentName, readonly AmendmentToolName[]>>;

/**
 * The amendment tools one agent is allowed (none for agents without an entry).
 *
 * @example
 * const { apply_amendment } = effectToolsFor("fixer", createAmendmentTools(ledger));
 */
export function effectToolsFor<A extends keyof typeof EFFECT_TOOLS>(
  agent: A,
  tools: AmendmentTools,
): Pick<AmendmentTools, (typeof EFFECT_TOOLS)[A][number]> {
  const allowed: readonly AmendmentToolName[] = EFFECT_TOOLS[agent] ?? [];
  return Object.fromEntries(allowed.map((name) => [name, tools[name]])) as Pick<
    AmendmentTools,
    (typeof EFFECT_TOOLS)[A][number]
  >;
}
