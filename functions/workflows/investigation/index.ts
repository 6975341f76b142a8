import { defineWorkflow } from "#engine";
import { buildInvestigationGraph } from "./graph.ts";
import { InvestigationInput, type InvestigationInputValue, investigationInputToState } from "./input.ts";
import { investigationResult } from "./result.ts";
import type { InvestigationStateValue } from "./state.ts";
import { summarizeInvestigation } from "./summary.ts";

/**
 * Break investigation, supervisor pattern: a supervisor routes each open break — any of the
 * twelve categories — to a pricing, settlement or booking specialist (tool agents over the
 * canonical day, with their own allowlists and private notebooks) and loops, round by round,
 * until every break has a root cause and a next action, or is escalated to a person.
 */
export const investigation = defineWorkflow<InvestigationInputValue, InvestigationStateValue>({
  name: "investigation",
  description:
    "Investigation: a supervisor routes each break (twelve categories) to pricing, settlement or booking specialist agents, round by round, until each has a root cause and a next action or is escalated.",
  graph: buildInvestigationGraph(),
  input: InvestigationInput,
  toState: investigationInputToState,
  // The supervisor may generate, load and match the whole day on its first turn, and every
  // specialist loads the day for its tools: one full vCPU (1,769 MB), time to spare.
  nodes: {
    supervisor: { memoryMb: 1769, timeoutSeconds: 120 },
    pricing: { memoryMb: 1769, timeoutSeconds: 120 },
    settlement: { memoryMb: 1769, timeoutSeconds: 120 },
    booking: { memoryMb: 1769, timeoutSeconds: 120 },
  },
  summarize: summarizeInvestigation,
  result: investigationResult,
});

export {
  agentNameOf,
  createSpecialistAgent,
  systemPromptOf,
  TRADE_IDS_SHOWN,
  taskMessageOf,
} from "./agents.ts";
export { findingFrom } from "./answers.ts";
export { BreaksFileError, IncompleteInvestigationError } from "./errors.ts";
export { buildInvestigationGraph, investigationNodes } from "./graph.ts";
export {
  BreakListSchema,
  BreakSchema,
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_ROUNDS,
  InvestigationInput,
  type InvestigationInputValue,
  investigationInputToState,
  MAX_BREAKS,
} from "./input.ts";
export { NEXT_ACTIONS_LISTED } from "./nodes/report.ts";
export { type SpecialistUpdate, specialistNode } from "./nodes/specialist.ts";
export { type Opening, openInvestigation, readBreaksFile } from "./opening.ts";
export {
  bookingPolicy,
  investigationPolicies,
  pricingPolicy,
  settlementPolicy,
} from "./policies/index.ts";
export { mergeFindings, mergeNotebook, NOTEBOOK_NOTES } from "./reducers.ts";
export { type InvestigationResult, InvestigationResultSchema, investigationResult } from "./result.ts";
export {
  MANUAL_ACTION_OF,
  ROOT_CAUSE_NAMES,
  ROOT_CAUSES,
  type RootCause,
  type RootCauseEntry,
  rootCauseFor,
  rootCausesOf,
} from "./root-causes.ts";
export {
  dispatchRound,
  MAX_ATTEMPTS,
  MIN_CONFIDENCE,
  ROOT_CAUSES_OF,
  SPECIALIST_FOR_CATEGORY,
} from "./routing.ts";
export {
  InvestigationState,
  type InvestigationStateValue,
  type InvestigationUpdate,
  NOTEBOOK_OF,
  ReportView,
  SupervisorView,
} from "./state.ts";
export { summarizeInvestigation } from "./summary.ts";
export { type SupervisorDecision, type SupervisorInput, supervise, usdNotional } from "./supervise.ts";
export { SPECIALIST_TOOLS, specialistTools } from "./tools.ts";
export type * from "./types.ts";
export { SPECIALISTS } from "./types.ts";
