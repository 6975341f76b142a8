import { createToolAgent, type ToolAgent } from "#agents";
import { modelEnv } from "#config";
import { type DatasetSpec, loadTradeDay } from "#data";
import { createChatModel, offlinePolicies } from "#models";
import { type AgentName, createTradingTools, toolsFor, tradeDayStore } from "#tools";
import { ROOT_CAUSES_OF } from "./answers.ts";
import { investigationPolicies } from "./policies/index.ts";
import { SPECIALISTS, type Specialist } from "./types.ts";

/**
 * The `#tools` allowlist role each specialist runs under, its own: pricing reads trade,
 * confirmation and market price; settlement and booking read trade and confirmation only. None
 * gets limits, positions or the break scanner.
 */
export const SPECIALIST_ROLE = {
  pricing: "pricing",
  settlement: "settlement",
  booking: "booking",
} as const satisfies Record<Specialist, AgentName>;

/** `investigation.<specialist>`: the agent's name in logs, metadata and the policy registry. */
export function agentNameOf(specialist: Specialist): string {
  return `investigation.${specialist}`;
}

for (const specialist of SPECIALISTS) {
  offlinePolicies.register(agentNameOf(specialist), investigationPolicies[specialist]);
}

const REMIT: Readonly<Record<Specialist, string>> = {
  pricing:
    "price breaks and stale prices: compare our booked price, the broker's confirmed price and the vendor market price with its as-of time",
  settlement:
    "settle-date, SSI and missing-confirmation breaks: compare the booking with the confirmation against market settlement conventions",
  booking:
    "duplicate bookings and quantity breaks: compare every booking the break names with the broker's confirmations",
};

/** The system prompt: the remit, the tools' purpose, and the one answer format `answers.ts` reads. */
export function systemPromptOf(specialist: Specialist): string {
  return [
    `You are the ${specialist} specialist in a trade-break investigation. Your remit: ${REMIT[specialist]}.`,
    "The user message is one break as JSON. Look up the facts with your tools; decide only from what they return.",
    `Answer with one JSON object and nothing else: {"rootCause": one of ${ROOT_CAUSES_OF[specialist].map((c) => `"${c}"`).join(", ")}, "confidence": 0 to 1, "evidence": ["short lines with the numbers you relied on"]}`,
    'or, when the facts do not settle it, {"escalate": "why a person must look", "evidence": [...]}.',
  ].join("\n");
}

/** Model turns per break: two rounds of lookups and the answer, with one turn to spare. */
export const SPECIALIST_MAX_ITERATIONS = 4;
/** History kept per conversation in the notebook (estimated tokens). */
export const SPECIALIST_HISTORY_TOKENS = 1_500;

/**
 * The tool agent for one specialist over the run's day: its model from the environment
 * (the offline policy when no provider is set) and only its allowlisted tools.
 *
 * @example
 * const agent = createSpecialistAgent("pricing", state.dataset);
 * const run = await agent.invoke(JSON.stringify(breakRecord));
 */
export function createSpecialistAgent(specialist: Specialist, dataset: DatasetSpec): ToolAgent {
  const name = agentNameOf(specialist);
  const tools = toolsFor(
    SPECIALIST_ROLE[specialist],
    createTradingTools(tradeDayStore(loadTradeDay(dataset))),
  );
  return createToolAgent({
    name,
    // The key comes from Secrets Manager in AWS (OPENAI_API_KEY_SECRET_ARN), from .env locally.
    model: modelEnv().then((env) => createChatModel(env, { agent: name })),
    tools: Object.values(tools),
    systemPrompt: systemPromptOf(specialist),
    maxIterations: SPECIALIST_MAX_ITERATIONS,
    maxHistoryTokens: SPECIALIST_HISTORY_TOKENS,
  });
}
