/**
 * The triage workflow and what its tests, the CLI and the other workflows use of it. The engine
 * Lambdas load `workflow.ts` alone (functions/workflows/registry.ts).
 */

export { answerOf, TRIAGE_ROLES, triageAgent } from "./agents.ts";
export { approvalAsk, PROPOSER, TRIAGE_APPROVAL_RULES, TWO_APPROVERS_USD } from "./approval-policy.ts";
export { breakFromFile } from "./day.ts";
export {
  BadBreaksFileError,
  BreakNotFoundError,
  EffectNotAppliedError,
  InvalidDecisionError,
  NoDayError,
  TriageError,
} from "./errors.ts";
export { buildTriageGraph, triageNodes } from "./graph.ts";
export { TriageInput, type TriageInputValue, triageInputToState } from "./input.ts";
export { DEFAULT_DESK_LIMIT, DESK_LIMITS, type DeskLimit, deskLimitOf } from "./limits.ts";
export { AGENT_DOWN_QUEUE, CUTOFF_QUEUE, escalateWhenDown } from "./nodes/agent-down.ts";
export { AUTO_FIX_APPROVER } from "./nodes/auto-fix.ts";
export {
  type Answer,
  type Answers,
  applyToolFor,
  type BreakSubject,
  type ClassifierTask,
  type ComplianceTask,
  type FixerTask,
  gather,
  judge,
  lookupsFor,
  type NoVerdict,
  primaryTradeOf,
  type RiskTask,
  subjectOf,
  TRIAGE_POLICIES,
  type TriageAgentName,
  type Verdict,
} from "./policies/index.ts";
export { type TriageResult, TriageResultSchema, triageResult } from "./result.ts";
export {
  AUTO_FIX_MAX_USD,
  COMPLIANCE_QUEUE,
  decideRoute,
  deskHeadQueue,
  ESCALATION_QUEUES,
  formatUsd,
  HIGH_SEVERITY_USD,
  MEDIUM_SEVERITY_USD,
  mostSevereFirst,
  routeAfterCompliance,
  routeAfterDetect,
  SEVERITY_FLOOR,
  severityOf,
} from "./routing.ts";
export { AGENT_RUNS_KEPT, TriageState, type TriageStateValue, type TriageUpdate } from "./state.ts";
export { summarizeTriage } from "./summary.ts";
export {
  FIXER_EFFECT_TOOLS,
  fixerEffectTools,
  TRIAGE_TOOLS,
  type TriageToolRole,
  triageTools,
} from "./tools.ts";
export type * from "./types.ts";
export { triage } from "./workflow.ts";
