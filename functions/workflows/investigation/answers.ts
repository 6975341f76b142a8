import { z } from "zod";
import type { AgentRun } from "#agents";
import { MANUAL_ACTION_OF, rootCauseFor } from "./root-causes.ts";
import { ROOT_CAUSES_OF } from "./routing.ts";
import type { AssignedBreak, InvestigationFinding, Specialist } from "./types.ts";

const Evidence = z.array(z.string().max(1_000)).max(12).default([]);
const Action = z.string().trim().min(1).max(1_000).optional();

/** A specialist's final answer, as its system prompt asks for it. */
const Answer = z.union([
  z.object({
    rootCause: z.string(),
    confidence: z.number().min(0).max(1),
    evidence: Evidence,
    nextAction: Action,
  }),
  z.object({
    escalate: z.string().min(1),
    evidence: Evidence,
    nextAction: Action,
    /** The cause suspected, when the specialist has one. */
    rootCause: z.string().optional(),
  }),
]);

/**
 * Turns an agent run into the shared finding for its break. A root cause that explains the
 * break's category, named by the specialist the category is routed to, is `resolved` (the
 * supervisor still judges its confidence) — unless the cause is one that always goes to a
 * person (`escalates`, e.g. `side_disputed`); an explicit `escalate` is `escalated`; anything
 * else — no answer, prose without JSON, a cause that does not explain the category — is
 * `inconclusive`, which the supervisor retries once. A finding always carries a next action:
 * the answer's, else the cause's usual one, else what a person does with the category.
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
  const { category } = assigned;
  const base = {
    breakId: assigned.breakId,
    category,
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
    nextAction: MANUAL_ACTION_OF[category],
    escalation: { by: specialist, code: "specialist", reason },
  });
  if (run.final === null) return unusable(`no answer (${run.stopReason})`);
  const parsed = Answer.safeParse(jsonIn(run.final));
  if (!parsed.success) return unusable("the answer is not the JSON the prompt asks for");
  const answer = parsed.data;
  const mine = (name: unknown) => {
    const entry = rootCauseFor(name, category);
    return entry && ROOT_CAUSES_OF[specialist].includes(entry.rootCause) ? entry : undefined;
  };
  if ("escalate" in answer) {
    const suspected = mine(answer.rootCause);
    return {
      ...base,
      status: "escalated",
      rootCause: suspected?.rootCause ?? null,
      confidence: 0,
      evidence: answer.evidence,
      nextAction: answer.nextAction ?? MANUAL_ACTION_OF[category],
      escalation: { by: specialist, code: "specialist", reason: answer.escalate },
    };
  }
  const cause = mine(answer.rootCause);
  if (!cause)
    return unusable(
      `root cause "${answer.rootCause}" does not explain a ${category} in ${specialist}'s remit`,
    );
  const nextAction = answer.nextAction ?? cause.nextAction;
  if (cause.escalates) {
    return {
      ...base,
      status: "escalated",
      rootCause: cause.rootCause,
      confidence: answer.confidence,
      evidence: answer.evidence,
      nextAction,
      escalation: {
        by: specialist,
        code: "specialist",
        reason: `${cause.rootCause} is never settled without a person`,
      },
    };
  }
  return {
    ...base,
    status: "resolved",
    rootCause: cause.rootCause,
    confidence: answer.confidence,
    evidence: answer.evidence,
    nextAction,
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
