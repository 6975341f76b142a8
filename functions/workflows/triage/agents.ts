import { Logger } from "@aws-lambda-powertools/logger";
import type { z } from "zod";
import { type AgentLogger, type AgentRun, type AgentTool, createToolAgent, type ToolAgent } from "#agents";
import { modelEnv } from "#config";
import { type DatasetSpec, loadTradeDay } from "#data";
import { createChatModel } from "#models";
import {
  type AgentName,
  createAmendmentTools,
  createTradingTools,
  type EffectsLedger,
  effectToolsFor,
  toolsFor,
  tradeDayStore,
} from "#tools";
// Imported for its effect too: it registers the agents' offline policies.
import type { TriageAgentName } from "./policies/index.ts";
import "./policies/index.ts";

/** Each triage agent's tool role: its allowlist in `#tools`. */
const ROLES: Record<TriageAgentName, AgentName> = {
  "triage.classifier": "classifier",
  "triage.risk": "risk",
  "triage.compliance": "compliance",
  "triage.fixer": "fixer",
};

const PROMPTS: Record<TriageAgentName, string> = {
  "triage.classifier":
    "You classify one trade exception. Look up the booking, the broker's confirmation and the market price, then answer JSON: {instrumentId, severity, impactUsd, faultSide, fixable, evidence}.",
  "triage.risk":
    "You check one break against the desk's position and limits. Answer JSON: {positionQuantity, limitUsd, headroomUsd, wouldBreach, exceedsSingleTradeLimit}.",
  "triage.compliance":
    "You check whether a break may be amended. Answer JSON: {status: clear|approval_required|blocked, reasons}.",
  "triage.fixer":
    "You fix one break. To propose: record the amendment with propose_amendment, then call the apply tool (it needs approval). To apply: call the named tool on the proposal. Answer JSON.",
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
 * const run = await triageAgent("triage.risk", state.dataset).invoke(JSON.stringify({ desk, instrumentId, impactUsd }));
 */
export function triageAgent(name: TriageAgentName, dataset: DatasetSpec, ledger?: EffectsLedger): ToolAgent {
  const role = ROLES[name];
  const read = toolsFor(role, createTradingTools(tradeDayStore(loadTradeDay(dataset))));
  const effects: Record<string, AgentTool> =
    name === "triage.fixer" && ledger ? effectToolsFor("fixer", createAmendmentTools(ledger)) : {};
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
