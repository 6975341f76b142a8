import { defineWorkflow } from "#engine";
import { buildTriageGraph } from "./graph.ts";
import { TriageInput, type TriageInputValue, triageInputToState } from "./input.ts";
import type { TriageStateValue } from "./state.ts";
import { summarizeTriage } from "./summary.ts";

/**
 * Trade-exception triage: detect breaks in a trade day, classify them, check them against
 * desk limits, then propose fixes for the mechanical ones and escalate the rest.
 */
export const triage = defineWorkflow<TriageInputValue, TriageStateValue>({
  name: "triage",
  description: "Trade-exception triage: detect, classify, risk-check, then auto-fix or escalate each break.",
  graph: buildTriageGraph(),
  input: TriageInput,
  toState: triageInputToState,
  // The scanning nodes regenerate the day; more memory is also more CPU on Lambda.
  nodes: { detect: { memoryMb: 1024 }, classify: { memoryMb: 1024 } },
  summarize: summarizeTriage,
});

export { NotMechanicalError } from "./errors.ts";
export { buildTriageGraph, triageNodes } from "./graph.ts";
export { TriageInput, type TriageInputValue, triageInputToState } from "./input.ts";
export { ESCALATION_QUEUES } from "./nodes/escalate.ts";
export {
  decideRoute,
  HIGH_SEVERITY_USD,
  MECHANICAL_KINDS,
  MEDIUM_SEVERITY_USD,
  routeAfterRisk,
  severityOf,
} from "./routing.ts";
export { TriageState, type TriageStateValue, type TriageUpdate } from "./state.ts";
export { summarizeTriage } from "./summary.ts";
export type * from "./types.ts";
