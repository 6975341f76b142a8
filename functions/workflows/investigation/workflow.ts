import { defineWorkflow } from "#engine";
import { buildInvestigationGraph, investigationNodes } from "./graph.ts";
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
  nodeCode: investigationNodes,
});
