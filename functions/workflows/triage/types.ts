import type { AgentRun } from "#agents";
import type { AmendmentAction } from "#tools";
import type { Break, BreakCategory, DataRef, DaySpec } from "#trading";

/**
 * The records the triage nodes write into state. All plain JSON, so any node can run in its
 * own Lambda and its output can be stored as a pending write. State carries the day's reference,
 * never the day.
 */

export type Severity = "low" | "medium" | "high";
/** Who got it wrong: our booking, the broker's confirmation, the market data, or not known. */
export type FaultSide = "internal" | "broker" | "data" | "unknown";
/** Where a break goes after the compliance check. */
export type Route = "auto_fix" | "human_approval" | "escalate";

/**
 * What kind of exception a break turned out to be, from the facts behind it:
 * - `booking_error`: our booking is wrong and the facts prove the right value (a fix of ours);
 * - `duplicate_booking`: our booking repeats a confirmed one (cancel it);
 * - `broker_error`: the broker's confirmation is wrong (the broker corrects it);
 * - `disputed`: the two sides differ and the facts do not tell which is right;
 * - `side_dispute`: the broker confirms the other side (only the desk knows);
 * - `settlement_risk`: the confirmation names another counterparty or settlement instruction;
 * - `unconfirmed`: the broker has not confirmed (all, an outstanding fill, or an amendment);
 * - `unknown_trade`: a confirmation of a trade we do not hold;
 * - `cancellation`: a trade we cancelled is still confirmed;
 * - `market_data`: the close is stale.
 */
export type ExceptionClass =
  | "booking_error"
  | "duplicate_booking"
  | "broker_error"
  | "disputed"
  | "side_dispute"
  | "settlement_risk"
  | "unconfirmed"
  | "unknown_trade"
  | "cancellation"
  | "market_data";

/** One field a fix changes on our booking. */
export interface FixChange {
  readonly field: string;
  readonly from: string | number;
  readonly to: string | number;
}

/** The fix of ours the facts proved: one action on one booking. */
export interface Fix {
  readonly action: AmendmentAction;
  readonly tradeId: string;
  readonly changes: readonly FixChange[];
  readonly rationale: string;
}

/** The day a request names: a desk's files, or a generated day written on first use. */
export type TriageDaySource = { readonly data: DataRef } | { readonly dataset: DaySpec };

/** How the request named its exception (at most one way; none: the day's default). */
export interface TriageRequest {
  readonly break?: Break;
  readonly breakId?: string;
  readonly breaksUri?: string;
  readonly tradeId?: string;
}

/** What a node did, for the run summary. */
export interface StepRecord {
  readonly node: string;
  readonly did: string;
  readonly toolCalls: number;
}

/** The break with the facts the classifier established through its tools. */
export interface ClassifiedBreak {
  readonly breakId: string;
  readonly category: BreakCategory;
  readonly tradeIds: readonly string[];
  readonly confirmationIds: readonly string[];
  /** The booking a fix or an escalation acts on (a duplicate: the extra booking); null when none (an unknown confirmation, a stale price). */
  readonly primaryTradeId: string | null;
  readonly instrumentId: string;
  /** The desk of the break ("" when it names none: an unknown confirmation). */
  readonly desk: string;
  readonly counterparty: string;
  readonly exceptionClass: ExceptionClass;
  readonly severity: Severity;
  /** The break's notional in its currency, and in US dollars at the day's FX close. */
  readonly notional: number;
  readonly currency: string;
  readonly impactUsd: number;
  readonly faultSide: FaultSide;
  /** True when a fix of ours is proven: `fix` says what it is. */
  readonly fixable: boolean;
  readonly fix: Fix | null;
  /** What a person does next when the break is not fixed by us. */
  readonly nextAction: string;
  readonly evidence: readonly string[];
}

/** The risk agent's reading of the desk's position and limits for this break. */
export interface RiskAssessment {
  readonly breakId: string;
  readonly desk: string;
  /** The desk's net position in the instrument and its value in US dollars. */
  readonly positionQuantity: number;
  readonly positionUsd: number;
  /** The desk's gross exposure (sum of absolute position values), US dollars. */
  readonly grossUsd: number;
  readonly limitUsd: number;
  readonly singleTradeLimitUsd: number;
  readonly headroomUsd: number;
  readonly wouldBreach: boolean;
  readonly exceedsSingleTradeLimit: boolean;
}

/** The compliance agent's verdict: clear to auto-fix, four-eyes needed, or blocked outright. */
export interface ComplianceVerdict {
  readonly breakId: string;
  readonly status: "clear" | "approval_required" | "blocked";
  readonly reasons: readonly string[];
}

/** The routing rule's outcome, and who gets the break if a person must. */
export interface RouteDecision {
  readonly route: Route;
  readonly reason: string;
  /** Set for escalations that bypass the category's owning queue (compliance, desk head, manual triage). */
  readonly queue?: string;
  /** Set when the work was held because a retry would end past the settlement cut-off. */
  readonly hold?: CutoffHold;
}

/** Work held back from retrying so people can act before the cut-off: which trade, which cut-off. */
export interface CutoffHold {
  readonly node: string;
  readonly tradeId: string | null;
  readonly cutoff: string;
  /** The cut-off, ISO 8601. */
  readonly at: string;
  /** The cut-off as the market states it. */
  readonly local: string;
}

/** A person's answer to the approval interrupt, as a resume path stamped it (`Vote` in `#agents`). */
export interface ApprovalDecision {
  readonly decision: "approve" | "reject";
  /** The authenticated approver (`iam:…`, `cognito:…`, `local:…`), never the request body's word. */
  readonly by: string;
  readonly comment?: string;
}

/** One four-eyes vote as state keeps it: the stamped answer and the proposal it was given on. */
export interface ApprovalVote extends ApprovalDecision {
  readonly at: string;
  readonly proposalId: string;
}

/**
 * An approval as recorded: who approved which call (`policy:auto-fix` for the auto route). With
 * four eyes, `by` names every approver ("a and b") and `approvers` lists them.
 */
export interface ApprovalRecord extends ApprovalDecision {
  readonly approvalKey: string;
  readonly proposalId: string;
  readonly approvers?: readonly string[];
}

/** A break handed to people, with why, to whom and what they should do. */
export interface Escalation {
  readonly breakId: string;
  readonly category: BreakCategory;
  readonly exceptionClass: ExceptionClass;
  readonly severity: Severity;
  readonly tradeIds: readonly string[];
  readonly confirmationIds: readonly string[];
  readonly desk: string;
  readonly counterparty: string;
  readonly queue: string;
  readonly reason: string;
  readonly nextAction: string;
  readonly impactUsd: number;
  /** The account of the booking (or of the confirmation, for an unknown one); "" when neither. */
  readonly account: string;
  /** When the booking was made (or the confirmation received); "" when neither. */
  readonly since: string;
  /** Set when the break was held because its checks could not finish before the settlement cut-off. */
  readonly hold?: CutoffHold;
}

/** An agent's record in its private channel: the run, history already trimmed by the agent. */
export type AgentMemory = AgentRun;

/** The closing report of a triage run. */
export interface TriageReport {
  readonly businessDate: string | null;
  readonly breakId: string | null;
  readonly category: BreakCategory | null;
  readonly exceptionClass: ExceptionClass | null;
  readonly route: Route | null;
  readonly outcome: "no_break" | "amended" | "escalated";
  readonly effectsApplied: number;
  readonly approvedBy: string | null;
  readonly queue: string | null;
  readonly reason: string;
}
