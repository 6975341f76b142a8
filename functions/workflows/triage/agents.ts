import { Logger } from "@aws-lambda-powertools/logger";
import type { z } from "zod";
import { type AgentLogger, type AgentRun, type AgentTool, createToolAgent, type ToolAgent } from "#agents";
import { modelEnv } from "#config";
import { createChatModel } from "#models";
import type { EffectsLedger, TradingDayStore } from "#tools";
// Imported for its effect too: it registers the agents' offline policies.
import type { TriageAgentName } from "./policies/index.ts";
import "./policies/index.ts";
import { fixerEffectTools, type TriageToolRole, triageTools } from "./tools.ts";

/** Each triage agent's tool role: its grant in `TRIAGE_TOOLS` (./tools.ts). */
export const TRIAGE_ROLES = {
  "triage.classifier": "classifier",
  "triage.risk": "risk",
  "triage.compliance": "compliance",
  "triage.fixer": "fixer",
} as const satisfies Record<TriageAgentName, TriageToolRole>;

const PROMPTS: Record<TriageAgentName, string> = {
  "triage.classifier": [
    "You classify one reconciliation break (the user message, as JSON). Look up the facts its category turns on with your tools — the trade and its confirmations, the instrument, the market close, the settlement convention, the trades like it, the dollar rate of its currency — and decide only from what they return.",
    "Propose a fix only where the fix is ours and the facts prove it: our price off the fresh close while the confirmed price is near it (amend_price); a confirmed quantity that is ours times a power of ten, everything else agreeing (amend_quantity); our currency not the instrument's while the confirmation and the close are (amend_currency); our settle date off the settlement convention while the confirmation follows it (amend_settle_date); an unconfirmed, active twin of a confirmed booking (cancel_booking). Never for a side, counterparty or SSI mismatch, a missing, unknown or cancelled confirmation, an unconfirmed amendment or a stale price.",
    'Answer with one JSON object: {"exceptionClass": booking_error|duplicate_booking|broker_error|disputed|side_dispute|settlement_risk|unconfirmed|unknown_trade|cancellation|market_data, "severity": low|medium|high, "impactUsd": the notional in US dollars, "usdPerUnit": the rate or null, "faultSide": internal|broker|data|unknown, "fixable": boolean, "fix": null or {"action", "tradeId", "changes": [{"field", "from", "to"}], "rationale"}, "nextAction": "one imperative line", "evidence": ["lines with the numbers"]}.',
  ].join("\n"),
  "triage.risk":
    'You check one break against its desk\'s position and limits (given in the task). Look up the desk\'s position in the instrument and its exposure, then answer JSON: {"positionQuantity", "positionUsd", "grossUsd", "limitUsd", "singleTradeLimitUsd", "headroomUsd", "wouldBreach": gross plus the break\'s impact over the limit, "exceedsSingleTradeLimit": the impact over the single-trade limit}.',
  "triage.compliance":
    'You check whether a break may be fixed by a machine. Blocked: the counterparty LEI fails its check digits, or a confirmation names another LEI or settlement instruction (call-back first). Approval required: a cancellation, a quantity change, a duplicate or a cancelled trade, or the notional at or over the four-eyes threshold. Answer JSON: {"status": "clear"|"approval_required"|"blocked", "reasons": [...]}.',
  "triage.fixer":
    "You fix one break. To propose: look up the facts, record the fix they prove with propose_amendment, then call the apply tool (it needs approval). To apply: call the named tool on the proposal. Answer JSON.",
};

// Bounds each run's stored history (estimated tokens): enough for one exception's lookups.
const HISTORY_TOKENS = 2_000;

const powertools = new Logger({ serviceName: "switchyard" });
// An approval refusal is the contract's first step (propose, then ask), not a warning.
const logger: AgentLogger = {
  warn: (message, attributes) => {
    if (attributes.code !== "Agents.ApprovalRequired") powertools.warn(message, attributes);
  },
};

/**
 * One triage agent over the run's day: its model (the offline policy unless `MODEL_PROVIDER`
 * names a provider), ONLY its allowlisted tools, and for the fixer the amendment tools over `ledger`.
 *
 * @example
 * const run = await triageAgent("triage.risk", await storeOfRun(state, "risk_check")).invoke(JSON.stringify(task));
 */
export function triageAgent(
  name: TriageAgentName,
  store: TradingDayStore,
  ledger?: EffectsLedger,
): ToolAgent {
  const read = triageTools(TRIAGE_ROLES[name], store);
  const effects: Record<string, AgentTool> =
    name === "triage.fixer" && ledger ? fixerEffectTools(ledger) : {};
  return createToolAgent({
    name,
    // The key comes from Secrets Manager in AWS (OPENAI_API_KEY_SECRET_ARN), from .env locally.
    model: modelEnv().then((env) => createChatModel(env, { agent: name })),
    tools: [...Object.values(read as Record<string, AgentTool>), ...Object.values(effects)],
    systemPrompt: PROMPTS[name],
    maxHistoryTokens: HISTORY_TOKENS,
    logger,
  });
}

/**
 * The agent's final answer checked against `schema`: a model's answer is input like any other.
 *
 * @example
 * const verdict = answerOf(run, RiskAnswer); // { ok: true, value } | { ok: false, error }
 */
export function answerOf<T>(
  run: AgentRun,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; error: string } {
  if (run.final === null)
    return { ok: false, error: `${run.agent} stopped after ${run.iterations} turns without an answer` };
  let json: unknown;
  try {
    json = JSON.parse(run.final);
  } catch {
    return { ok: false, error: `${run.agent} answered with no JSON` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const error = (json as { error?: unknown })?.error;
  return {
    ok: false,
    error: typeof error === "string" ? error : parsed.error.issues.map((i) => i.message).join("; "),
  };
}
