import type { AmendmentToolName, AmendmentTools } from "./amendments.ts";
import { UnknownAgentError } from "./errors.ts";
import type { TradingDayToolName, TradingDayTools } from "./trading-day/index.ts";

/**
 * Which trading-day tools (over a canonical `#trading` day) each agent may call: least
 * privilege, so a confused model cannot reach data its job does not need. Agents are named by
 * role, not by graph node, so workflows could share them.
 *
 * - The investigation's specialists each read only what their root causes turn on: pricing the
 *   market close, settlement the settlement convention, booking the confirmations by id and the
 *   trades like one (all read trades, their confirmations and instruments).
 * - Triage's classifier reads every fact a category turns on (the trade, its confirmations, the
 *   close, the convention, the trades like one) and the dollar rate of the break's currency;
 *   risk reads positions and exposure only; compliance the trade and its confirmations; the
 *   fixer what a fix is proven by; the escalator what a person needs to pick the break up.
 * - Only the detector scans the day's breaks.
 */
export const TRADING_DAY_AGENT_TOOLS = {
  pricing: ["get_trade", "get_confirmations", "get_instrument", "get_market_price"],
  settlement: ["get_trade", "get_confirmations", "get_instrument", "get_settlement_convention"],
  booking: ["get_trade", "get_confirmations", "get_confirmation", "get_instrument", "find_similar_trades"],
  classifier: [
    "get_trade",
    "get_confirmations",
    "get_confirmation",
    "get_instrument",
    "get_market_price",
    "get_settlement_convention",
    "find_similar_trades",
    "get_usd_rate",
  ],
  risk: ["get_position", "get_desk_exposure"],
  compliance: ["get_trade", "get_confirmations", "get_confirmation"],
  fixer: [
    "get_trade",
    "get_confirmations",
    "get_instrument",
    "get_market_price",
    "get_settlement_convention",
    "find_similar_trades",
  ],
  escalator: ["get_trade", "get_confirmation"],
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
  const allowed: readonly TradingDayToolName[] | undefined = Object.hasOwn(TRADING_DAY_AGENT_TOOLS, agent)
    ? TRADING_DAY_AGENT_TOOLS[agent]
    : undefined;
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
} as const satisfies Partial<Record<TradingDayAgentName, readonly AmendmentToolName[]>>;

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
