import { defineWorkflow } from "#engine";
import { buildTriageGraph } from "./graph.ts";
import { TriageInput, type TriageInputValue, triageInputToState } from "./input.ts";
import { triageResult } from "./result.ts";
import type { TriageStateValue } from "./state.ts";
import { summarizeTriage } from "./summary.ts";

// Every node but the report opens the canonical day by reference (and `detect` may generate it
// and finds its breaks with the matcher): one full vCPU (1,769 MB) and time to spare, as the
// investigation's nodes have.
const OPENS_THE_DAY = { memoryMb: 1769, timeoutSeconds: 120 } as const;

/**
 * Trade-exception triage as a network with conditional routing, on the canonical trading day:
 * one reconciliation break (any of the twelve categories) is classified, risk-checked and
 * compliance-checked, then auto-fixed, sent for human approval, or escalated.
 */
export const triage = defineWorkflow<TriageInputValue, TriageStateValue>({
  name: "triage",
  description:
    "Trade-exception triage: classify one break (twelve categories), risk and compliance checks, then auto-fix, human approval or escalation.",
  graph: buildTriageGraph(),
  // Who asked is excluded from approving (docs/controls.md, "Four-eyes approval").
  requesterField: "requestedBy",
  input: TriageInput,
  toState: triageInputToState,
  nodes: {
    detect: OPENS_THE_DAY,
    classify: OPENS_THE_DAY,
    risk_check: OPENS_THE_DAY,
    compliance_check: OPENS_THE_DAY,
    // Their retryOn (graph.ts) refuses a malformed approval; the node Lambda applies it on AWS too.
    auto_fix: OPENS_THE_DAY,
    human_approval: OPENS_THE_DAY,
    escalate: OPENS_THE_DAY,
  },
  summarize: summarizeTriage,
  result: triageResult,
});

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
