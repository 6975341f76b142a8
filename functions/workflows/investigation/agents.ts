import { createToolAgent, type ToolAgent } from "#agents";
import { modelEnv } from "#config";
import { createChatModel, offlinePolicies } from "#models";
import type { TradingDayStore } from "#tools";
import type { Break, BreakCategory } from "#trading";
import { investigationPolicies } from "./policies/index.ts";
import { ROOT_CAUSES } from "./root-causes.ts";
import { SPECIALIST_FOR_CATEGORY } from "./routing.ts";
import { specialistTools } from "./tools.ts";
import { SPECIALISTS, type Specialist } from "./types.ts";

/** `investigation.<specialist>`: the agent's name in logs, metadata and the policy registry. */
export function agentNameOf(specialist: Specialist): string {
  return `investigation.${specialist}`;
}

for (const specialist of SPECIALISTS) {
  offlinePolicies.register(agentNameOf(specialist), investigationPolicies[specialist]);
}

const REMIT: Readonly<Record<Specialist, string>> = {
  pricing:
    "price mismatches and stale prices: compare our booked price, the broker's confirmed price (VWAP over its fills) and the market close with its date and age in business days",
  settlement:
    "settle-date, counterparty/SSI and currency mismatches: compare the booking with the confirmations against the market's settlement convention on the real holiday calendars and the instrument's static data",
  booking:
    "quantity and side mismatches, missing and unknown confirmations, duplicate bookings, cancelled trades still confirmed and amendments not confirmed: compare our bookings, their versions and the trades like them with the broker's confirmations",
};

const categoriesOf = (specialist: Specialist) =>
  (Object.keys(SPECIALIST_FOR_CATEGORY) as BreakCategory[]).filter(
    (c) => SPECIALIST_FOR_CATEGORY[c] === specialist,
  );

/** The system prompt: the remit, the root causes by category, and the one answer format `answers.ts` reads. */
export function systemPromptOf(specialist: Specialist): string {
  const causes = categoriesOf(specialist).map((category) => {
    const named = ROOT_CAUSES.filter((c) => (c.categories as readonly BreakCategory[]).includes(category));
    return `- ${category}: ${named.map((c) => `"${c.rootCause}" (${c.nextAction})`).join("; ")}`;
  });
  return [
    `You are the ${specialist} specialist in a trade-break investigation. Your remit: ${REMIT[specialist]}.`,
    "The user message is one reconciliation break as JSON. Look up the facts with your tools and decide only from what they return, never from the break's detail line alone.",
    "The root causes you may name, by the break's category, with their usual next action:",
    ...causes,
    'Answer with one JSON object and nothing else: {"rootCause": one of the causes for the break\'s category, "confidence": 0 to 1, "evidence": ["short lines with the numbers you relied on"], "nextAction": "one imperative line naming the ids and numbers"}',
    'or, when the facts do not settle which side is wrong, {"escalate": "why a person must look", "evidence": [...], "nextAction": "what that person should do"}. Never guess.',
  ].join("\n");
}

/** Model turns per break: one or two rounds of lookups and the answer, with one turn to spare. */
export const SPECIALIST_MAX_ITERATIONS = 4;
/** History kept per conversation in the notebook (estimated tokens). */
export const SPECIALIST_HISTORY_TOKENS = 1_500;
/** Trade ids a break shows the agent (a stale price names every active trade on its instrument). */
export const TRADE_IDS_SHOWN = 20;

/**
 * The tool agent for one specialist over a trading day's store: its model from the environment
 * (the offline policy when no provider is set) and only its allowlisted tools.
 *
 * @example
 * const agent = createSpecialistAgent("pricing", tradingDayStore((await openDay(task.data)).day));
 * const run = await agent.invoke(taskMessageOf(breakRecord));
 */
export function createSpecialistAgent(specialist: Specialist, store: TradingDayStore): ToolAgent {
  const name = agentNameOf(specialist);
  const tools = specialistTools(specialist, store);
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

/**
 * The task message for one break: the break as JSON, its trade ids capped at
 * {@link TRADE_IDS_SHOWN} (with the full count) so a stale price on a busy instrument does not
 * fill the model's context.
 */
export function taskMessageOf(b: Break): string {
  if (b.tradeIds.length <= TRADE_IDS_SHOWN) return JSON.stringify(b);
  return JSON.stringify({
    ...b,
    tradeIds: b.tradeIds.slice(0, TRADE_IDS_SHOWN),
    tradeCount: b.tradeIds.length,
  });
}
