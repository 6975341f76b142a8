import { SwitchyardError } from "#core";

/**
 * FOUR-EYES APPROVAL: the rules deciding who may approve a consequential action, and when it is
 * approved. Pure: no clock, no I/O — the resume paths (API, CLI, local engine) call
 * {@link checkVote} with the authenticated caller and their own clock before anything is
 * enqueued, and the waiting node calls {@link tally} again with the vote as it arrived.
 *
 * ```
 * node raises interrupt({ ..., fourEyes: ask })     ask: policy, excluded, approvals so far, deadline
 *   resume path: caller X, now T ── checkVote(ask, X, T) ── refused: excluded (403), twice (409), late (409)
 *                                 └─ stamp { decision, comment?, by: X, at: T } ─▶ new execution
 * node: tally(ask, vote) ── "rejected" → the action ends
 *                        ├─ "approved" (M of N met) → the action runs
 *                        └─ "waiting" → the vote goes into state, the interrupt is raised again
 * ```
 * Identities are strings marked by where they were authenticated: `iam:<principal ARN>`,
 * `cognito:<sub>`, `local:<OS user>`, `agent:<name>` (a proposing agent).
 */

/** Whose identity an approval rule keeps from approving. */
export type ExcludedRole = "requester" | "proposer";

/** What a rule may match on: the action and its size, instrument type and desk. */
export interface ApprovalSubject {
  readonly workflow: string;
  readonly action: string;
  readonly amountUsd: number;
  readonly instrumentType: string;
  readonly desk: string;
}

/**
 * One rule of an approval policy: when it applies (every given condition must hold), how many
 * distinct approvers it asks for, and whose approval does not count.
 */
export interface ApprovalRule {
  readonly name: string;
  readonly workflow: string;
  readonly actions?: readonly string[];
  /** Applies at or above this many US dollars. */
  readonly minAmountUsd?: number;
  readonly instrumentTypes?: readonly string[];
  readonly desks?: readonly string[];
  readonly approvers: number;
  readonly exclude: readonly ExcludedRole[];
}

/** The policy an action gets: the rule that applied and what it asks. */
export interface ApprovalPolicy {
  readonly rule: string;
  readonly approvers: number;
  readonly exclude: readonly ExcludedRole[];
}

/** When no rule matches: one approver, who neither requested nor proposed the action. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  rule: "default",
  approvers: 1,
  exclude: ["requester", "proposer"],
};

/** One person's answer, as the resume path stamped it: never the request body's word. */
export interface Vote {
  readonly decision: "approve" | "reject";
  readonly by: string;
  /** When the resume path accepted it (ISO 8601). */
  readonly at: string;
  readonly comment?: string;
}

/** The four-eyes part of an approval interrupt's value: what a waiting view shows. */
export interface FourEyesAsk {
  readonly policy: ApprovalPolicy;
  /** The identities whose approval does not count, with why. */
  readonly excluded: readonly { readonly role: ExcludedRole; readonly id: string }[];
  /** The approvals given so far, oldest first. */
  readonly approvals: readonly Vote[];
  /** How many more distinct approvers are needed. */
  readonly needed: number;
  /** No answer is taken after this instant (ISO 8601); absent: no deadline. */
  readonly deadline?: string;
}

/** Who took part in an action: identities a rule may exclude (absent: not known). */
export interface Parties {
  readonly requester?: string;
  readonly proposer?: string;
}

/** Errors of four-eyes approval; `status` is the HTTP answer the API gives for each. */
export class FourEyesError extends SwitchyardError {
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

/** The caller is excluded by the policy (the requester, the proposer): 403. */
export class ApproverExcludedError extends FourEyesError {
  constructor(by: string, role: ExcludedRole) {
    super(403, "FourEyes.Excluded", `${by} is the ${role} of this action and may not approve it.`);
  }
}

/** The caller has already approved this action: a second approval is not a second pair of eyes. */
export class AlreadyApprovedError extends FourEyesError {
  constructor(by: string) {
    super(409, "FourEyes.AlreadyApproved", `${by} has already approved this action; another approver must.`);
  }
}

/** The waiting interrupt's deadline has passed: no answer is taken. */
export class ApprovalDeadlinePassedError extends FourEyesError {
  constructor(deadline: string, at: string) {
    super(409, "FourEyes.DeadlinePassed", `The approval deadline ${deadline} has passed (now ${at}).`);
  }
}

/** The answer names an identity itself: identity comes from authentication, never the body. */
export class IdentityInAnswerError extends FourEyesError {
  readonly field: string;
  constructor(field: string) {
    super(
      400,
      "FourEyes.IdentityInAnswer",
      `Unknown field "${field}": the approver is the authenticated caller, never a field of the answer.`,
    );
    this.field = field;
  }
}

/** The answer to an approval is not `{ decision: "approve" | "reject", comment? }`. */
export class InvalidVoteError extends FourEyesError {
  constructor(problem: string) {
    super(
      400,
      "FourEyes.InvalidAnswer",
      `Answer an approval with { decision: "approve" | "reject", comment? }: ${problem}`,
    );
  }
}

/** Fields only a resume path sets. */
const STAMPED_FIELDS = ["by", "at"] as const;
const ANSWER_FIELDS = new Set(["decision", "comment"]);
const MAX_COMMENT = 2_000;

/**
 * The policy for an action: of the rules that match, the one asking for the most approvers
 * (the strictest wins, so adding a rule can never weaken another); none: the default.
 *
 * @example
 * policyFor([{ name: "large", workflow: "triage", minAmountUsd: 5e6, approvers: 2, exclude: ["requester"] }],
 *   { workflow: "triage", action: "amend_price", amountUsd: 7e6, instrumentType: "EQUITY", desk: "EQ" }).approvers; // 2
 */
export function policyFor(rules: readonly ApprovalRule[], subject: ApprovalSubject): ApprovalPolicy {
  let best: ApprovalRule | undefined;
  for (const rule of rules) {
    if (!matches(rule, subject)) continue;
    if (!best || rule.approvers > best.approvers) best = rule;
  }
  return best
    ? { rule: best.name, approvers: best.approvers, exclude: best.exclude }
    : DEFAULT_APPROVAL_POLICY;
}

function matches(rule: ApprovalRule, s: ApprovalSubject): boolean {
  return (
    rule.workflow === s.workflow &&
    (rule.actions === undefined || rule.actions.includes(s.action)) &&
    (rule.minAmountUsd === undefined || s.amountUsd >= rule.minAmountUsd) &&
    (rule.instrumentTypes === undefined || rule.instrumentTypes.includes(s.instrumentType)) &&
    (rule.desks === undefined || rule.desks.includes(s.desk))
  );
}

/**
 * What an approval interrupt asks, from the policy, the parties and the votes so far.
 *
 * @example
 * askOf(policy, { proposer: "agent:fixer" }, [], "2026-11-24T16:00:00.000Z").needed; // policy.approvers
 */
export function askOf(
  policy: ApprovalPolicy,
  parties: Parties,
  approvals: readonly Vote[],
  deadline?: string,
): FourEyesAsk {
  const excluded = policy.exclude.flatMap((role) => {
    const id = parties[role];
    return id ? [{ role, id }] : [];
  });
  const counted = distinctApprovers(approvals).length;
  return {
    policy,
    excluded,
    approvals: [...approvals],
    needed: Math.max(0, policy.approvers - counted),
    ...(deadline ? { deadline } : {}),
  };
}

/**
 * Whether `by` may answer at `at`. Throws {@link ApprovalDeadlinePassedError} after the deadline,
 * {@link ApproverExcludedError} for an excluded identity, {@link AlreadyApprovedError} for one that
 * has approved already. A rejection is checked the same way: an excluded party cannot veto either.
 *
 * @example
 * checkVote(ask, "local:alice", "2026-11-24T10:00:00.000Z"); // throws AlreadyApprovedError if alice approved
 */
export function checkVote(ask: FourEyesAsk, by: string, at: string): void {
  if (ask.deadline !== undefined && Date.parse(at) > Date.parse(ask.deadline)) {
    throw new ApprovalDeadlinePassedError(ask.deadline, at);
  }
  const excluded = ask.excluded.find((e) => e.id === by);
  if (excluded) throw new ApproverExcludedError(by, excluded.role);
  if (ask.approvals.some((v) => v.by === by)) throw new AlreadyApprovedError(by);
}

export type Tally =
  | { readonly outcome: "approved"; readonly approvals: readonly Vote[] }
  | { readonly outcome: "waiting"; readonly approvals: readonly Vote[] }
  | { readonly outcome: "rejected"; readonly by: Vote; readonly approvals: readonly Vote[] }
  | { readonly outcome: "refused"; readonly error: FourEyesError; readonly approvals: readonly Vote[] };

/**
 * The approval after one more vote. A rejection by any allowed approver ends the action; the
 * policy is met when enough distinct allowed identities approved. A vote the rules refuse (it
 * raced another through the resume path's check) is `refused` and counts for nothing.
 *
 * @example
 * tally(ask, { decision: "approve", by: "local:bob", at }).outcome; // "approved" when bob was the last one needed
 */
export function tally(ask: FourEyesAsk, vote: Vote): Tally {
  try {
    checkVote(ask, vote.by, vote.at);
  } catch (err) {
    if (err instanceof FourEyesError) return { outcome: "refused", error: err, approvals: ask.approvals };
    throw err;
  }
  if (vote.decision === "reject") return { outcome: "rejected", by: vote, approvals: ask.approvals };
  const approvals = [...ask.approvals, vote];
  const met = distinctApprovers(approvals).length >= ask.policy.approvers;
  return { outcome: met ? "approved" : "waiting", approvals };
}

function distinctApprovers(votes: readonly Vote[]): string[] {
  return [...new Set(votes.filter((v) => v.decision === "approve").map((v) => v.by))];
}

/** Whether an interrupt's value asks for a four-eyes approval (it carries `fourEyes`). */
export function fourEyesAskIn(value: unknown): FourEyesAsk | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const ask = (value as { fourEyes?: unknown }).fourEyes;
  if (typeof ask !== "object" || ask === null) return undefined;
  const a = ask as Partial<FourEyesAsk>;
  return a.policy && Array.isArray(a.approvals) && Array.isArray(a.excluded)
    ? (ask as FourEyesAsk)
    : undefined;
}

/**
 * The answer a resume path passes on for an approval interrupt: the caller's answer — `"approve"`,
 * `"reject"`, or `{ decision, comment? }` — checked (`by` or `at` in it are refused, never
 * overwritten silently; so is any other field),
 * then stamped with the authenticated identity and the path's clock, after {@link checkVote}.
 *
 * @example
 * stampVote(ask, { decision: "approve" }, "iam:arn:aws:iam::123456789012:user/ops", new Date());
 * // { decision: "approve", by: "iam:arn:…", at: "2026-…" }
 */
export function stampVote(ask: FourEyesAsk, given: unknown, by: string, now: Date): Vote {
  // A bare "approve" / "reject" is the decision alone (the API's `{"decision": "approve"}`).
  const answer = given === "approve" || given === "reject" ? { decision: given } : given;
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) {
    throw new InvalidVoteError("not an object");
  }
  const record = answer as Record<string, unknown>;
  for (const field of STAMPED_FIELDS) if (field in record) throw new IdentityInAnswerError(field);
  const unknown = Object.keys(record).find((k) => !ANSWER_FIELDS.has(k));
  if (unknown !== undefined) throw new InvalidVoteError(`unknown field "${unknown}"`);
  const { decision, comment } = record;
  if (decision !== "approve" && decision !== "reject")
    throw new InvalidVoteError("decision is missing or unknown");
  if (comment !== undefined && (typeof comment !== "string" || comment.length > MAX_COMMENT)) {
    throw new InvalidVoteError(`comment must be a string of at most ${MAX_COMMENT} characters`);
  }
  if (by.trim() === "") throw new InvalidVoteError("no authenticated approver");
  const at = now.toISOString();
  checkVote(ask, by, at);
  return { decision, by, at, ...(comment !== undefined ? { comment } : {}) };
}

/** One waiting interrupt, as the resume paths list them. */
export interface AskedInterrupt {
  readonly id: string;
  readonly value: unknown;
}

/**
 * The resume value with every answer to a four-eyes interrupt stamped ({@link stampVote});
 * answers to other interrupts pass unchanged. `answers` are the resume value split per interrupt,
 * as `answersFor` in `#engine` returns them: one answer under no waiting id is the single answer
 * to the one waiting interrupt, and stays a single value.
 *
 * @example
 * const stamped = stampAnswers(waiting, answersFor(runId, waiting, answer), "local:alice", new Date());
 */
export function stampAnswers(
  waiting: readonly AskedInterrupt[],
  answers: readonly { readonly taskId: string; readonly value: unknown }[],
  by: string,
  now: Date,
): unknown {
  const [first] = answers;
  if (answers.length === 1 && first && !waiting.some((w) => w.id === first.taskId)) {
    const ask = waiting.length === 1 ? fourEyesAskIn(waiting[0]?.value) : undefined;
    return ask ? stampVote(ask, first.value, by, now) : first.value;
  }
  const stamped: Record<string, unknown> = {};
  for (const { taskId, value } of answers) {
    const ask = fourEyesAskIn(waiting.find((w) => w.id === taskId)?.value);
    stamped[taskId] = ask ? stampVote(ask, value, by, now) : value;
  }
  return stamped;
}

/**
 * One line for people: how many approvals are in, from whom, who may not approve, until when.
 *
 * @example
 * describeAsk(ask); // "1 of 2 approvals (local:alice); 1 more from anyone but agent:fixer (proposer), local:alice; until 2026-11-24T16:00:00.000Z"
 */
export function describeAsk(ask: FourEyesAsk): string {
  const given = ask.approvals.filter((v) => v.decision === "approve").map((v) => v.by);
  const notAgain = [...ask.excluded.map((e) => `${e.id} (${e.role})`), ...given];
  return [
    `${given.length} of ${ask.policy.approvers} approvals (${given.join(", ") || "none yet"}, rule ${ask.policy.rule})`,
    `${ask.needed} more from anyone but ${notAgain.join(", ") || "—"}`,
    ...(ask.deadline ? [`until ${ask.deadline}`] : []),
  ].join("; ");
}
