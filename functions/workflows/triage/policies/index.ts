import { offlinePolicies } from "#models";
import { classifierPolicy } from "./classifier.ts";
import { compliancePolicy } from "./compliance.ts";
import { fixerPolicy } from "./fixer.ts";
import { riskPolicy } from "./risk.ts";

/** The triage agents' offline rules, registered when the workflow loads (see docs/models.md). */
export const TRIAGE_POLICIES = {
  "triage.classifier": classifierPolicy,
  "triage.risk": riskPolicy,
  "triage.compliance": compliancePolicy,
  "triage.fixer": fixerPolicy,
} as const;

for (const [agent, policy] of Object.entries(TRIAGE_POLICIES)) offlinePolicies.register(agent, policy);

export type TriageAgentName = keyof typeof TRIAGE_POLICIES;
export type { ClassifierTask } from "./classifier.ts";
export type { ComplianceTask } from "./compliance.ts";
export type { Answer, Answers, BreakSubject } from "./facts.ts";
export { gather, lookupsFor, primaryTradeOf, subjectOf, TRADE_IDS_SHOWN } from "./facts.ts";
export { applyToolFor, type FixerTask } from "./fixer.ts";
export { judge, type NoVerdict, type Verdict } from "./judge.ts";
export type { RiskTask } from "./risk.ts";
