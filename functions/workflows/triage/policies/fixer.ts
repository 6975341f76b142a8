import { definePolicy, readConversation } from "#models";
import type { AmendmentProposal } from "#tools";
import { type BreakSubject, errorText, gather, lookupsFor } from "./facts.ts";
import { judge } from "./judge.ts";
import { answer } from "./read.ts";

/** The fixer's two tasks: propose (and ask to apply), or apply an approved proposal. */
export type FixerTask =
  | ({ readonly mode: "propose" } & BreakSubject)
  | { readonly mode: "apply"; readonly proposalId: string; readonly tradeId: string; readonly tool: string };

/** The effect tool that carries out a proposal's action. */
export const applyToolFor = (action: AmendmentProposal["action"]) =>
  action === "cancel_booking" ? "cancel_rebook" : "apply_amendment";

/**
 * `triage.fixer`, offline. Propose: look up the facts the break's category turns on, apply the
 * category rules (`judge`, the classifier's own) and record the fix they prove with
 * `propose_amendment`, then ask to apply it — the agent refuses without approval and hands back
 * the approval key. No proven fix: an error answer, and nothing is proposed. Apply: call the
 * effect tool on the approved proposal, nothing else.
 */
export const fixerPolicy = definePolicy("triage.fixer", (messages) => {
  const { subject, calls } = readConversation(messages);
  const task = subject as unknown as FixerTask;
  if (task.mode === "apply") {
    const applied = calls.find((c) => c.name === task.tool);
    if (!applied)
      return {
        toolCalls: [{ name: task.tool, args: { proposalId: task.proposalId, tradeId: task.tradeId } }],
      };
    return answer(
      applied.error === undefined
        ? { effectId: (applied.result as { effectId?: unknown }).effectId }
        : { error: errorText(applied.error) },
    );
  }
  const got = gather(calls, lookupsFor(task));
  if ("ask" in got) return { toolCalls: got.ask };
  const verdict = judge(task, got.answers);
  if ("error" in verdict) return answer({ error: verdict.error });
  const { fix } = verdict;
  if (!fix) return answer({ error: `no fix of ours is proven: ${verdict.nextAction}` });
  const proposed = calls.find((c) => c.name === "propose_amendment");
  if (!proposed) {
    return {
      toolCalls: [
        {
          name: "propose_amendment",
          args: {
            breakId: task.breakId,
            tradeId: fix.tradeId,
            action: fix.action,
            changes: fix.changes,
            rationale: fix.rationale,
          },
        },
      ],
    };
  }
  if (proposed.error !== undefined) return answer({ error: errorText(proposed.error) });
  const proposal = proposed.result as AmendmentProposal;
  const tool = applyToolFor(proposal.action);
  if (!calls.some((c) => c.name === tool)) {
    return {
      toolCalls: [{ name: tool, args: { proposalId: proposal.proposalId, tradeId: proposal.tradeId } }],
    };
  }
  return answer({ proposalId: proposal.proposalId });
});
