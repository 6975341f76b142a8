import { Command, interrupt } from "@langchain/langgraph";
import { z } from "zod";
import { currentEffectsLedger } from "#tools";
import { InvalidDecisionError } from "../errors.ts";
import type { TriageStateValue } from "../state.ts";
import type { ApprovalDecision } from "../types.ts";
import { apply, escalateUnproposed, propose } from "./amend.ts";

/** The answer `human_approval` waits for (published as the run's allowed answers). */
export const Decision = z.object({
  decision: z.enum(["approve", "reject"]),
  by: z.string().min(1),
  comment: z.string().optional(),
});

/**
 * Proposes the amendment, then WAITS for a person: `interrupt({ question, proposal, ... })` ends
 * the execution; the resume value `{ decision, by, comment? }` comes back here in a new one.
 * Approve → apply with the approval key, then report; reject → escalate (`Command`).
 *
 * LangGraph re-runs an interrupted node from the top on resume, so the proposal is made again:
 * harmless, because a proposal's id is a hash of its content and recording it is idempotent.
 */
export async function humanApproval(state: TriageStateValue): Promise<Command> {
  const ledger = currentEffectsLedger();
  const proposed = await propose(state, ledger);
  if (!proposed.ok) return escalateUnproposed("human_approval", "nothing to approve", proposed);
  const { proposal, pending } = proposed;
  const answer: unknown = interrupt({
    question: `Apply ${proposal.action.replaceAll("_", " ")} to ${proposal.tradeId} for ${proposal.breakId}?`,
    reason: state.decision?.reason ?? "",
    proposal,
    tool: pending.tool,
    approvalKey: pending.key,
  });
  const parsed = Decision.safeParse(answer);
  if (!parsed.success) throw new InvalidDecisionError(parsed.error.issues.map((i) => i.message).join("; "));
  const decision: ApprovalDecision = parsed.data;
  const approval = { ...decision, approvalKey: pending.key, proposalId: proposal.proposalId };
  const said = `${decision.by} ${decision.decision === "approve" ? "approved" : "rejected"} ${proposal.proposalId}${decision.comment ? ` ("${decision.comment}")` : ""}`;
  if (decision.decision === "reject") {
    return new Command({
      goto: "escalate",
      update: {
        proposal,
        approval,
        decision: {
          route: "escalate",
          reason: `amendment rejected by ${decision.by}${decision.comment ? `: ${decision.comment}` : ""}`,
        },
        fixerMemory: [proposed.run],
        steps: [{ node: "human_approval", did: said, toolCalls: proposed.run.toolCalls.length }],
      },
    });
  }
  const applied = await apply(state, ledger, proposed);
  return new Command({
    goto: "report",
    update: {
      proposal,
      approval,
      effects: [applied.effect],
      fixerMemory: [proposed.run, applied.run],
      steps: [
        {
          node: "human_approval",
          did: `${said}; applied as ${applied.effect.effectId} via ${pending.tool}`,
          toolCalls: proposed.run.toolCalls.length + applied.run.toolCalls.length,
        },
      ],
    },
  });
}
