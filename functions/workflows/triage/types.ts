import type { BreakKind } from "#data";

/**
 * The records the triage nodes write into state. All plain JSON, so any node can run in its
 * own Lambda and its output can be stored as a pending write.
 */

export type Severity = "low" | "medium" | "high";
/** Who got it wrong: our booking, the broker's confirmation, the price feed, or not yet known. */
export type FaultSide = "internal" | "broker" | "data" | "unknown";
export type Route = "auto_fix" | "escalate";

/** What a node did, for the run summary. */
export interface StepRecord {
  readonly node: string;
  readonly did: string;
  readonly toolCalls: number;
}

/** A detected break with the evidence the classifier gathered through the tools. */
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

/** The risk check's verdict on one classified break, including where it goes next. */
export interface RiskAssessment {
  readonly breakId: string;
  readonly impactUsd: number;
  readonly positionQuantity: number;
  readonly limitUsd: number;
  readonly headroomUsd: number;
  readonly wouldBreach: boolean;
  readonly exceedsSingleTradeLimit: boolean;
  readonly route: Route;
  readonly reason: string;
}

export type FixAction = "amend_price" | "amend_settle_date" | "cancel_booking" | "refresh_price";

/** An amendment proposed for a person or a downstream system to apply; never applied here. */
export interface FixProposal {
  readonly breakId: string;
  readonly kind: BreakKind;
  readonly tradeId: string;
  readonly action: FixAction;
  readonly changes: readonly {
    readonly field: string;
    readonly from: string | number;
    readonly to: string | number;
  }[];
  readonly rationale: string;
  readonly status: "proposed";
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

export interface KindTally {
  readonly found: number;
  readonly autoFixed: number;
  readonly escalated: number;
}

/** The closing report of a triage run. */
export interface TriageReport {
  readonly date: string;
  readonly tradesScanned: number;
  readonly breaksFound: number;
  readonly autoFixed: number;
  readonly escalated: number;
  readonly byKind: Readonly<Record<BreakKind, KindTally>>;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly byQueue: Readonly<Record<string, number>>;
}
