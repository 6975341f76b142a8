import { Command } from "@langchain/langgraph";
import { z } from "zod";
import type { AgentRun, PendingApproval } from "#agents";
import type { AmendmentProposal, EffectRecord, EffectsLedger } from "#tools";
import { answerOf, triageAgent } from "../agents.ts";
import { storeOfRun } from "../day.ts";
import { EffectNotAppliedError } from "../errors.ts";
import { applyToolFor, type FixerTask, subjectOf } from "../policies/index.ts";
import type { TriageStateValue } from "../state.ts";

export type Proposed =
  | {
      readonly ok: true;
      readonly proposal: AmendmentProposal;
      readonly pending: PendingApproval;
      readonly run: AgentRun;
    }
  | { readonly ok: false; readonly error: string; readonly run?: AgentRun };

/**
 * When no amendment could be proposed, the break goes to a person: what `auto_fix` and
 * `human_approval` both do, saying which of them found nothing to fix.
 *
 * @example
 * if (!proposed.ok) return escalateUnproposed("auto_fix", "auto-fix could not propose", proposed);
 */
export function escalateUnproposed(
  node: "auto_fix" | "human_approval",
  reason: string,
  failed: Extract<Proposed, { ok: false }>,
): Command {
  return new Command({
    goto: "escalate",
    update: {
      decision: { route: "escalate", reason: `${reason}: ${failed.error}` },
      fixerMemory: failed.run ? [failed.run] : [],
      steps: [{ node, did: `no amendment: ${failed.error}`, toolCalls: failed.run?.toolCalls.length ?? 0 }],
    },
  });
}

/**
 * The fixer proposes a fix and asks to apply it; the agent refuses without approval and returns
 * the call's approval key. The proposal is read back from the ledger; it must be the fix the
 * classifier proved (same booking, action and changes), and the pending call must apply exactly
 * that proposal, or nothing is approved.
 */
export async function propose(state: TriageStateValue, ledger: EffectsLedger): Promise<Proposed> {
  const c = state.classification;
  const exception = state.exception;
  if (!c?.fix || !exception) return { ok: false, error: "no fix of ours was proven" };
  const task: FixerTask = { mode: "propose", ...subjectOf(exception) };
  const store = await storeOfRun(state, "fixer");
  const run = await triageAgent("triage.fixer", store, ledger).invoke(JSON.stringify(task));
  const answer = answerOf(run, z.object({ proposalId: z.string().max(100) }));
  if (!answer.ok) return { ok: false, error: answer.error, run };
  const proposal = await ledger.proposal(answer.value.proposalId);
  if (!proposal || proposal.breakId !== c.breakId) {
    return { ok: false, error: `proposal ${answer.value.proposalId} is not on record for ${c.breakId}`, run };
  }
  const proven = c.fix;
  if (
    proposal.tradeId !== proven.tradeId ||
    proposal.action !== proven.action ||
    JSON.stringify(proposal.changes) !== JSON.stringify(proven.changes)
  ) {
    return {
      ok: false,
      error: `proposal ${proposal.proposalId} (${proposal.action} on ${proposal.tradeId}) is not the fix the classifier proved (${proven.action} on ${proven.tradeId})`,
      run,
    };
  }
  const pending = run.pendingApprovals.find(
    (p) =>
      p.tool === applyToolFor(proposal.action) &&
      p.args.proposalId === proposal.proposalId &&
      p.args.tradeId === proposal.tradeId,
  );
  if (!pending) return { ok: false, error: "the fixer did not ask to apply its own proposal", run };
  return { ok: true, proposal, pending, run };
}

/**
 * Applies an approved proposal: the fixer runs again with the approval key, and the tool applies
 * through the ledger under that key. The effect is read back from the ledger — the first
 * application's record, whether this attempt or an earlier one (a retry, a redrive) wrote it.
 *
 * @throws EffectNotAppliedError when the ledger has no effect under the key (retryable).
 */
export async function apply(
  state: TriageStateValue,
  ledger: EffectsLedger,
  proposed: Extract<Proposed, { ok: true }>,
): Promise<{ effect: EffectRecord; run: AgentRun }> {
  const { proposal, pending } = proposed;
  const task: FixerTask = {
    mode: "apply",
    proposalId: proposal.proposalId,
    tradeId: proposal.tradeId,
    tool: pending.tool,
  };
  const store = await storeOfRun(state, "fixer");
  const run = await triageAgent("triage.fixer", store, ledger).invoke(JSON.stringify(task), {
    approvals: [pending.key],
  });
  const entry = await ledger.effect(pending.key);
  if (!entry) {
    const answer = answerOf(run, z.object({ effectId: z.string() }));
    throw new EffectNotAppliedError(
      proposal.proposalId,
      answer.ok ? "no effect under its key" : answer.error,
    );
  }
  return { effect: entry.effect, run };
}
