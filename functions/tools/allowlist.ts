import type { AmendmentToolName, AmendmentTools } from "./amendments.ts";
import { UnknownAgentError } from "./errors.ts";
import type { ToolName, TradingTools } from "./trading-tools.ts";

/**
 * Which tools each agent may call: least privilege, so a confused model cannot reach data its
 * job does not need. Agents are named by role, not by graph node, so workflows share them.
 */
export const AGENT_TOOLS = {
  detector: ["search_breaks"],
  classifier: ["get_trade", "get_confirmation", "get_market_price"],
  risk: ["get_trade", "get_position", "check_limit"],
  fixer: ["get_trade", "get_confirmation", "get_market_price"],
  escalator: ["get_trade", "get_confirmation"],
  compliance: ["get_trade", "get_confirmation"],
  // Investigation specialists: each reads only what its root causes turn on.
  pricing: ["get_trade", "get_confirmation", "get_market_price"],
  settlement: ["get_trade", "get_confirmation"],
  booking: ["get_trade", "get_confirmation"],
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
