import { z } from "zod";
import type { AgentRun } from "#agents";
import type { AssignedBreak, InvestigationFinding, RootCause, Specialist } from "./types.ts";

/** The root causes each specialist may name: an answer outside its remit is not accepted. */
export const ROOT_CAUSES_OF: Readonly<Record<Specialist, readonly RootCause[]>> = {
  pricing: ["our_price_error", "broker_price_error", "stale_market_data"],
  settlement: [
    "settlement_date_error_ours",
    "settlement_date_error_broker",
    "ssi_mismatch",
    "missing_confirmation",
  ],
  booking: ["duplicate_booking", "quantity_error"],
};

/** A specialist's final answer, as its system prompt asks for it. */
const Answer = z.union([
  z.object({
    rootCause: z.string(),
    confidence: z.number().min(0).max(1),
    evidence: z.array(z.string()).max(8).default([]),
  }),
  z.object({ escalate: z.string().min(1), evidence: z.array(z.string()).max(8).default([]) }),
]);

/**
 * Turns an agent run into the shared finding for its break. A root cause inside the
 * specialist's remit is `resolved` (the supervisor still judges its confidence); an explicit
 * `escalate` is `escalated`; anything else — no answer, prose without JSON, a root cause that
 * is not the specialist's — is `inconclusive`, which the supervisor retries once.
 *
 * @example
 * findingFrom("pricing", assigned, 1, run).rootCause; // "broker_price_error"
 */
export function findingFrom(
  specialist: Specialist,
  assigned: AssignedBreak,
  round: number,
  run: Pick<AgentRun, "final" | "stopReason">,
): InvestigationFinding {
  const base = {
    breakId: assigned.breakId,
    kind: assigned.kind,
    tradeIds: assigned.tradeIds,
    by: specialist,
    specialist,
    round,
    attempt: assigned.attempt,
  };
  const unusable = (reason: string): InvestigationFinding => ({
    ...base,
    status: "inconclusive",
    rootCause: null,
    confidence: 0,
    evidence: [],
    escalation: { by: specialist, code: "specialist", reason },
  });
  if (run.final === null) return unusable(`no answer (${run.stopReason})`);
  const parsed = Answer.safeParse(jsonIn(run.final));
  if (!parsed.success) return unusable("the answer is not the JSON the prompt asks for");
  const answer = parsed.data;
  if ("escalate" in answer) {
    return {
      ...base,
      status: "escalated",
      rootCause: null,
      confidence: 0,
      evidence: answer.evidence,
      escalation: { by: specialist, code: "specialist", reason: answer.escalate },
    };
  }
  const rootCause = ROOT_CAUSES_OF[specialist].find((cause) => cause === answer.rootCause);
  if (!rootCause) return unusable(`root cause "${answer.rootCause}" is outside ${specialist}'s remit`);
  return {
    ...base,
    status: "resolved",
    rootCause,
    confidence: answer.confidence,
    evidence: answer.evidence,
    escalation: null,
  };
}

/** The whole text as JSON, else its outermost `{...}` span (models wrap JSON in prose or fences). */
function jsonIn(text: string): unknown {
  for (const candidate of [text.trim(), text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}
