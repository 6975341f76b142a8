import { defineWorkflow } from "#engine";
import { buildTriageGraph } from "./graph.ts";
import { TriageInput, type TriageInputValue, triageInputToState } from "./input.ts";
import type { TriageStateValue } from "./state.ts";
import { summarizeTriage } from "./summary.ts";

/**
 * Trade-exception triage as a network with conditional routing: one exception is classified,
 * risk-checked and compliance-checked, then auto-fixed, sent for human approval, or escalated.
 */
export const triage = defineWorkflow<TriageInputValue, TriageStateValue>({
  name: "triage",
  description:
    "Trade-exception triage: classify, risk and compliance checks, then auto-fix, human approval or escalation.",
  graph: buildTriageGraph(),
  input: TriageInput,
  toState: triageInputToState,
  // The scanning node regenerates the day; more memory is also more CPU on Lambda. The effect
  // nodes' retryOn refuses to retry a malformed approval; the state machine must refuse too.
  nodes: {
    detect: { memoryMb: 1024 },
    auto_fix: { retry: { nonRetryable: ["Triage.InvalidDecision"] } },
    human_approval: { retry: { nonRetryable: ["Triage.InvalidDecision"] } },
  },
  summarize: summarizeTriage,
});

export { answerOf, triageAgent } from "./agents.ts";
export { EffectNotAppliedError, InvalidDecisionError, TriageError } from "./errors.ts";
export { buildTriageGraph, triageNodes } from "./graph.ts";
export { ExceptionSchema, TriageInput, type TriageInputValue, triageInputToState } from "./input.ts";
export { AGENT_DOWN_QUEUE, escalateWhenDown } from "./nodes/agent-down.ts";
export { AUTO_FIX_APPROVER } from "./nodes/auto-fix.ts";
export { ESCALATION_QUEUES } from "./nodes/escalate.ts";
export { applyToolFor, type FixerTask, TRIAGE_POLICIES, type TriageAgentName } from "./policies/index.ts";
export {
  AUTO_FIX_MAX_USD,
  COMPLIANCE_QUEUE,
  decideRoute,
  formatUsd,
  HIGH_SEVERITY_USD,
  MECHANICAL_KINDS,
  MEDIUM_SEVERITY_USD,
  routeAfterCompliance,
  routeAfterDetect,
  severityOf,
} from "./routing.ts";
export { AGENT_RUNS_KEPT, TriageState, type TriageStateValue, type TriageUpdate } from "./state.ts";
export { summarizeTriage } from "./summary.ts";
export type * from "./types.ts";
