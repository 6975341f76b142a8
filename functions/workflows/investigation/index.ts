import { defineWorkflow } from "#engine";
import { buildInvestigationGraph } from "./graph.ts";
import { InvestigationInput, type InvestigationInputValue, investigationInputToState } from "./input.ts";
import type { InvestigationStateValue } from "./state.ts";
import { summarizeInvestigation } from "./summary.ts";

/**
 * Break investigation, supervisor pattern: a supervisor routes each open break to a pricing,
 * settlement or booking specialist — tool agents with their own allowlists and private
 * notebooks — and loops, round by round, until every break has a root cause or is escalated.
 */
export const investigation = defineWorkflow<InvestigationInputValue, InvestigationStateValue>({
  name: "investigation",
  description:
    "Investigation: a supervisor routes each open break to pricing, settlement or booking specialist agents, round by round, until each has a root cause or is escalated.",
  graph: buildInvestigationGraph(),
  input: InvestigationInput,
  toState: investigationInputToState,
  // The supervisor may regenerate and match the whole day on its first turn, and every
  // specialist regenerates the day for its tools: one full vCPU (1,769 MB), time to spare.
  nodes: {
    supervisor: { memoryMb: 1769, timeoutSeconds: 120 },
    pricing: { memoryMb: 1769, timeoutSeconds: 120 },
    settlement: { memoryMb: 1769, timeoutSeconds: 120 },
    booking: { memoryMb: 1769, timeoutSeconds: 120 },
  },
  summarize: summarizeInvestigation,
});

export {
  agentNameOf,
  createSpecialistAgent,
  SPECIALIST_ROLE,
  systemPromptOf,
} from "./agents.ts";
export { findingFrom, ROOT_CAUSES_OF } from "./answers.ts";
export { IncompleteInvestigationError } from "./errors.ts";
export { buildInvestigationGraph, investigationNodes } from "./graph.ts";
export {
  BreakRecordSchema,
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_ROUNDS,
  InvestigationInput,
  type InvestigationInputValue,
  investigationInputToState,
  MAX_BREAKS,
} from "./input.ts";
export { type SpecialistUpdate, specialistNode } from "./nodes/specialist.ts";
export { bookingPolicy, investigationPolicies, pricingPolicy, settlementPolicy } from "./policies/index.ts";
export { mergeFindings, mergeNotebook, NOTEBOOK_NOTES } from "./reducers.ts";
export { dispatchRound, MAX_ATTEMPTS, MIN_CONFIDENCE, SPECIALIST_FOR_KIND } from "./routing.ts";
export {
  InvestigationState,
  type InvestigationStateValue,
  type InvestigationUpdate,
  NOTEBOOK_OF,
  ReportView,
  SupervisorView,
} from "./state.ts";
export { summarizeInvestigation } from "./summary.ts";
export { type SupervisorDecision, type SupervisorInput, supervise } from "./supervise.ts";
export type * from "./types.ts";
export { ROOT_CAUSES, SPECIALISTS } from "./types.ts";
