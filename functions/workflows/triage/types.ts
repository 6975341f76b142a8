import type { AgentRun } from "#agents";
import type { BreakKind } from "#data";

/**
 * The records the triage nodes write into state. All plain JSON, so any node can run in its
 * own Lambda and its output can be stored as a pending write.
 */

export type Severity = "low" | "medium" | "high";
/** Who got it wrong: our booking, the broker's confirmation, the price feed, or not yet known. */
export type FaultSide = "internal" | "broker" | "data" | "unknown";
/** Where a break goes after the compliance check. */
export type Route = "auto_fix" | "human_approval" | "escalate";

/** What a node did, for the run summary. */
export interface StepRecord {
  readonly node: string;
  readonly did: string;
  readonly toolCalls: number;
}

/** The break with the facts the classifier established through its tools. */
export interface ClassifiedBreak {
  readonly breakId: string;
  readonly kind: BreakKind;
  readonly tradeIds: readonly string[];
  /** The booking a fix or an escalation acts on (for a duplicate: the extra booking). */
  readonly primaryTradeId: string;
  readonly desk: string;
  readonly counterparty: string;
  readonly instrumentId: string;
  readonly severity: Severity;
  /** US dollars at stake: the cash difference for price and quantity breaks, else the notional. */
  readonly impactUsd: number;
  readonly faultSide: FaultSide;
  /** True when a mechanical amendment on our side resolves the break. */
  readonly fixable: boolean;
  readonly evidence: readonly string[];
}

/** The risk agent's reading of the desk's position and limits for this break. */
export interface RiskAssessment {
  readonly breakId: string;
  readonly positionQuantity: number;
  readonly limitUsd: number;
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
  /** Set for escalations that bypass the kind's owning queue (compliance, desk head). */
  readonly queue?: string;
}

/** A person's answer to the approval interrupt (the resume value). */
export interface ApprovalDecision {
  readonly decision: "approve" | "reject";
  readonly by: string;
  readonly comment?: string;
}

/** An approval as recorded: who approved which call (`policy:auto-fix` for the auto route). */
export interface ApprovalRecord extends ApprovalDecision {
  readonly approvalKey: string;
  readonly proposalId: string;
}

/** A break handed to people, with why and to whom. */
export interface Escalation {
  readonly breakId: string;
  readonly kind: BreakKind;
  readonly severity: Severity;
  readonly tradeIds: readonly string[];
  readonly desk: string;
  readonly counterparty: string;
  readonly queue: string;
  readonly reason: string;
  readonly impactUsd: number;
  readonly account: string;
  readonly bookedAt: string;
}

/** An agent's record in its private channel: the run, history already trimmed by the agent. */
export type AgentMemory = AgentRun;

/** The closing report of a triage run. */
export interface TriageReport {
  readonly date: string;
  readonly breakId: string | null;
  readonly kind: BreakKind | null;
  readonly route: Route | null;
  readonly outcome: "no_break" | "amended" | "escalated";
  readonly effectsApplied: number;
  readonly approvedBy: string | null;
  readonly queue: string | null;
  readonly reason: string;
}
