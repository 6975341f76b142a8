import { defineWorkflow } from "#engine";
import { buildTriageGraph, triageNodes } from "./graph.ts";
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
  nodeCode: triageNodes,
});
