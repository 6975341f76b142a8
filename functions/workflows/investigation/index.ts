/**
 * The investigation workflow and what its tests, the CLI and the other workflows use of it. The engine
 * Lambdas load `workflow.ts` alone (functions/workflows/registry.ts).
 */

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
export { investigation } from "./workflow.ts";
