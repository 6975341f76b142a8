import { Command } from "@langchain/langgraph";
import { isDeadlineAtRisk } from "#engine";
import type { TriageStateValue, TriageUpdate } from "../state.ts";

/** Where a break goes when the checks that would clear it cannot run. */
export const AGENT_DOWN_QUEUE = "Trade Support (manual triage)";
/** Where a break goes when its checks cannot finish before its settlement cut-off. */
export const CUTOFF_QUEUE = "Settlements (cut-off at risk)";

/**
 * The error handler of the risk and compliance checks: when a check still fails after its
 * retries (its agent or the market data behind it is down), the break is not cleared by
 * default and the run does not fail — it goes to a person, with the failure as the reason.
 * When the check stopped retrying because another attempt would end past the exception's
 * settlement cut-off (`deadlineRetry`), the break is held and escalated to the settlements
 * queue instead, naming the trade and the cut-off, and the escalation raises an alert.
 * LangGraph runs it after the node's retry policy; on Step Functions, after the node's Retry.
 *
 * @example
 * graph.addNode("risk_check", riskCheck, { errorHandler: escalateWhenDown, ends: ["escalate"] });
 */
export function escalateWhenDown(state: TriageStateValue, failure: { node: string; error: Error }) {
  if (isDeadlineAtRisk(failure.error) && state.deadline) return holdForCutoff(state, failure);
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

/** Holds the break for people before its cut-off: the escalation names the trade and the cut-off. */
function holdForCutoff(state: TriageStateValue, failure: { node: string; error: Error }) {
  const deadline = state.deadline;
  if (!deadline) throw failure.error;
  const tradeId = deadline.tradeId ?? state.exception?.tradeIds[0] ?? null;
  const reason =
    `held before the cut-off: ${failure.node} kept failing and another attempt would end past ` +
    `${deadline.cutoff} at ${deadline.local}${tradeId ? ` for trade ${tradeId}` : ""}; fix it by hand in time`;
  const update: TriageUpdate = {
    decision: {
      route: "escalate",
      reason,
      queue: CUTOFF_QUEUE,
      hold: { node: failure.node, tradeId, cutoff: deadline.cutoff, at: deadline.at, local: deadline.local },
    },
    steps: [
      {
        node: failure.node,
        did: `stopped retrying before the cut-off — held and escalated: ${reason}`,
        toolCalls: 0,
      },
    ],
  };
  return new Command({ goto: "escalate", update });
}
