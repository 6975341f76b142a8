import { Command, interrupt } from "@langchain/langgraph";
import { z } from "zod";
import { type FourEyesAsk, tally, type Vote } from "#agents";
import { currentEffectsLedger } from "#tools";
import { openDay } from "#trading";
import { approvalAsk } from "../approval-policy.ts";
import { InvalidDecisionError } from "../errors.ts";
import type { TriageStateValue } from "../state.ts";
import type { ApprovalRecord } from "../types.ts";
import { apply, escalateUnproposed, type Proposed, propose } from "./amend.ts";

/**
 * The answer as a resume path stamped it (`stampVote` in `#agents`): `by` and `at` are the
 * authenticated caller and the path's clock — the request body may carry neither.
 */
const StampedVote = z.strictObject({
  decision: z.enum(["approve", "reject"]),
  by: z.string().min(1).max(2_048),
  at: z.iso.datetime(),
  comment: z.string().max(2_000).optional(),
});

/**
 * Proposes the amendment, then WAITS for people: `interrupt({ question, proposal, fourEyes, ... })`
 * ends the execution; each answer `{ decision, comment?, by, at }` (identity stamped by the resume
 * path) comes back here in a new one, and is counted against the approval policy
 * (`TRIAGE_APPROVAL_RULES`, docs/controls.md "Four-eyes approval"):
 * ```
 * approve, policy met  → apply with the approval key, then report
 * approve, more needed → the vote into state, back to human_approval: the interrupt is raised again
 * reject (anyone)      → escalate; nothing is applied
 * refused (excluded, twice, after the deadline — raced past the resume path's check)
 *                      → not counted: asked again, or escalated once the deadline has passed
 * ```
 * LangGraph re-runs an interrupted node from the top on resume, so the proposal is made again:
 * harmless, because a proposal's id is a hash of its content and recording it is idempotent.
 */
export async function humanApproval(state: TriageStateValue): Promise<Command> {
  const ledger = currentEffectsLedger();
  const proposed = await propose(state, ledger);
  if (!proposed.ok) return escalateUnproposed("human_approval", "nothing to approve", proposed);
  const { proposal, pending } = proposed;
  const ask = approvalAsk(state, proposal, await instrumentTypeOf(state));
  const answer: unknown = interrupt({
    question: `Apply ${proposal.action.replaceAll("_", " ")} to ${proposal.tradeId} for ${proposal.breakId}?`,
    reason: state.decision?.reason ?? "",
    proposal,
    tool: pending.tool,
    approvalKey: pending.key,
    fourEyes: ask,
  });
  const parsed = StampedVote.safeParse(answer);
  if (!parsed.success) throw new InvalidDecisionError(parsed.error.issues.map((i) => i.message).join("; "));
  const { comment, ...rest } = parsed.data;
  const vote: Vote = { ...rest, ...(comment !== undefined ? { comment } : {}) };
  const counted = tally(ask, vote);
  switch (counted.outcome) {
    case "refused":
      return refused(proposed, ask, vote, counted.error);
    case "waiting":
      return new Command({
        goto: "human_approval",
        update: {
          proposal,
          approvals: [{ ...vote, proposalId: proposal.proposalId }],
          steps: [
            step(`${said(vote, proposal.proposalId)}; ${ask.needed - 1} more approval(s) needed`, proposed),
          ],
        },
      });
    case "rejected":
      return new Command({
        goto: "escalate",
        update: {
          proposal,
          approval: record(vote, [vote.by], proposed),
          approvals: [{ ...vote, proposalId: proposal.proposalId }],
          decision: {
            route: "escalate",
            reason: `amendment rejected by ${vote.by}${vote.comment ? `: ${vote.comment}` : ""}`,
          },
          fixerMemory: [proposed.run],
          steps: [step(said(vote, proposal.proposalId), proposed)],
        },
      });
    case "approved": {
      const approvers = counted.approvals.map((v) => v.by);
      const applied = await apply(state, ledger, proposed);
      return new Command({
        goto: "report",
        update: {
          proposal,
          approval: record(vote, approvers, proposed),
          approvals: [{ ...vote, proposalId: proposal.proposalId }],
          effects: [applied.effect],
          fixerMemory: [proposed.run, applied.run],
          steps: [
            {
              node: "human_approval",
              did: `${said(vote, proposal.proposalId)}; applied as ${applied.effect.effectId} via ${pending.tool}`,
              toolCalls: proposed.run.toolCalls.length + applied.run.toolCalls.length,
            },
          ],
        },
      });
    }
  }
}

/**
 * A vote the policy refuses after all: it passed the resume path's check but another answer got
 * in first (two people approving at once), or it was stamped after the deadline. Nothing is
 * counted; past the deadline the action ends, otherwise the interrupt is raised again.
 */
function refused(
  proposed: Extract<Proposed, { ok: true }>,
  ask: FourEyesAsk,
  vote: Vote,
  error: Error,
): Command {
  const did = `refused ${vote.by}'s ${vote.decision}: ${error.message}`;
  if ((error as { code?: string }).code === "FourEyes.DeadlinePassed") {
    return new Command({
      goto: "escalate",
      update: {
        proposal: proposed.proposal,
        decision: { route: "escalate", reason: `not approved by ${ask.deadline}: ${error.message}` },
        steps: [step(did, proposed)],
      },
    });
  }
  return new Command({ goto: "human_approval", update: { steps: [step(did, proposed)] } });
}

function record(
  vote: Vote,
  approvers: readonly string[],
  proposed: Extract<Proposed, { ok: true }>,
): ApprovalRecord {
  return {
    decision: vote.decision,
    by: approvers.join(" and "),
    ...(approvers.length > 1 ? { approvers } : {}),
    ...(vote.comment !== undefined ? { comment: vote.comment } : {}),
    approvalKey: proposed.pending.key,
    proposalId: proposed.proposal.proposalId,
  };
}

const said = (vote: Vote, proposalId: string) =>
  `${vote.by} ${vote.decision === "approve" ? "approved" : "rejected"} ${proposalId}${vote.comment ? ` ("${vote.comment}")` : ""}`;

const step = (did: string, proposed: Extract<Proposed, { ok: true }>) => ({
  node: "human_approval",
  did,
  toolCalls: proposed.run.toolCalls.length,
});

/** The instrument type of the break's instrument on the run's day ("" when the day has none). */
async function instrumentTypeOf(state: TriageStateValue): Promise<string> {
  const id = state.classification?.instrumentId;
  if (!id || !state.data) return "";
  const { day } = await openDay(state.data);
  return day.instruments.find((i) => i.instrumentId === id)?.type ?? "";
}
