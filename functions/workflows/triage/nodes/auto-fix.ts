import { Command } from "@langchain/langgraph";
import { currentEffectsLedger } from "#tools";
import type { TriageStateValue } from "../state.ts";
import { apply, escalateUnproposed, propose } from "./amend.ts";

/** Who approves on the auto-fix route: the routing rule's mandate, named as such in the record. */
export const AUTO_FIX_APPROVER = "policy:auto-fix";

/**
 * Proposes the amendment, approves it under the auto-fix mandate (the routing rule already
 * required fixable, low-risk, within limits, compliance clear), applies it exactly once, and
 * goes to the report. A fix that cannot be proposed is escalated instead (`Command`).
 */
export async function autoFix(state: TriageStateValue): Promise<Command> {
  const ledger = currentEffectsLedger();
  const proposed = await propose(state, ledger);
  if (!proposed.ok) return escalateUnproposed("auto_fix", "auto-fix could not propose", proposed);
  const { proposal, pending } = proposed;
  const applied = await apply(state, ledger, proposed);
  return new Command({
    goto: "report",
    update: {
      proposal,
      approval: {
        decision: "approve",
        by: AUTO_FIX_APPROVER,
        approvalKey: pending.key,
        proposalId: proposal.proposalId,
      },
      effects: [applied.effect],
      fixerMemory: [proposed.run, applied.run],
      steps: [
        {
          node: "auto_fix",
          did: `proposed ${proposal.proposalId} (${proposal.action}) and applied it as ${applied.effect.effectId} via ${pending.tool}`,
          toolCalls: proposed.run.toolCalls.length + applied.run.toolCalls.length,
        },
      ],
    },
  });
}
