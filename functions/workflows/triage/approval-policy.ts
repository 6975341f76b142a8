import { type ApprovalRule, askOf, type FourEyesAsk, policyFor, type Vote } from "#agents";
import type { AmendmentProposal } from "#tools";
import type { TriageStateValue } from "./state.ts";

/** The fixer agent proposes every amendment: its identity may never approve one. */
export const PROPOSER = "agent:triage.fixer";

/** At or above this many US dollars of notional, a fix needs two approvers. */
export const TWO_APPROVERS_USD = 50_000_000;

/**
 * Triage's approval policy, by action, size, instrument type and desk; the strictest matching
 * rule wins (`policyFor`), and with none one person who neither requested nor proposed approves.
 * Two people for a fix of {@link TWO_APPROVERS_USD} or more, and for cancelling a government
 * bond booking (the largest tickets, settled the next day).
 */
export const TRIAGE_APPROVAL_RULES: readonly ApprovalRule[] = [
  {
    name: "large-fix",
    workflow: "triage",
    minAmountUsd: TWO_APPROVERS_USD,
    approvers: 2,
    exclude: ["requester", "proposer"],
  },
  {
    name: "govt-bond-cancel",
    workflow: "triage",
    actions: ["cancel_booking"],
    instrumentTypes: ["GOVT_BOND"],
    approvers: 2,
    exclude: ["requester", "proposer"],
  },
];

/**
 * What the approval interrupt asks for this proposal: the policy for its action, size,
 * instrument type and desk, the approvals already in state, and the request's deadline.
 */
export function approvalAsk(
  state: Pick<TriageStateValue, "classification" | "approvals" | "approveBy" | "requestedBy">,
  proposal: AmendmentProposal,
  instrumentType: string,
): FourEyesAsk {
  const c = state.classification;
  const policy = policyFor(TRIAGE_APPROVAL_RULES, {
    workflow: "triage",
    action: proposal.action,
    amountUsd: c?.impactUsd ?? 0,
    instrumentType,
    desk: c?.desk ?? "",
  });
  // Votes given on another proposal (the fixer proposed differently on a re-run) do not count.
  const votes: Vote[] = state.approvals
    .filter((v) => v.proposalId === proposal.proposalId)
    .map((v) => ({ decision: v.decision, by: v.by, at: v.at, ...(v.comment ? { comment: v.comment } : {}) }));
  const parties = { proposer: PROPOSER, ...(state.requestedBy ? { requester: state.requestedBy } : {}) };
  return askOf(policy, parties, votes, state.approveBy ?? undefined);
}
