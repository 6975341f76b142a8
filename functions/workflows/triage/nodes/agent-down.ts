import { Command } from "@langchain/langgraph";
import type { TriageStateValue, TriageUpdate } from "../state.ts";

/** Where a break goes when the checks that would clear it cannot run. */
export const AGENT_DOWN_QUEUE = "Trade Support (manual triage)";

/**
 * The error handler of the risk and compliance checks: when a check still fails after its
 * retries (its agent or the market data behind it is down), the break is not cleared by
 * default and the run does not fail — it goes to a person, with the failure as the reason.
 * LangGraph runs it after the node's retry policy; on Step Functions, after the node's Retry.
 *
 * @example
 * graph.addNode("risk_check", riskCheck, { errorHandler: escalateWhenDown, ends: ["escalate"] });
 */
export function escalateWhenDown(_state: TriageStateValue, failure: { node: string; error: Error }) {
  const reason = `${failure.node} could not run (${failure.error.name}: ${failure.error.message}); a person must check it`;
  const update: TriageUpdate = {
    decision: { route: "escalate", reason, queue: AGENT_DOWN_QUEUE },
    steps: [
      {
        node: failure.node,
        did: `failed after its retries — escalated: ${failure.error.message}`,
        toolCalls: 0,
      },
    ],
  };
  return new Command({ goto: "escalate", update });
}
