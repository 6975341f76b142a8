import type { Break, BreakCategory } from "#trading";
import type { TriageStateValue } from "./state.ts";
import type { ClassifiedBreak, ComplianceVerdict, RiskAssessment, RouteDecision, Severity } from "./types.ts";

/** At or above this many US dollars of notional a break is high severity; at or above a tenth of it, medium. */
export const HIGH_SEVERITY_USD = 10_000_000;
export const MEDIUM_SEVERITY_USD = 1_000_000;
/** The four-eyes threshold: a fix of a break with this much notional or more needs a person's approval. */
export const AUTO_FIX_MAX_USD = 1_000_000;
export const COMPLIANCE_QUEUE = "Compliance";

/** The team that owns each category of break when a person is needed. */
export const ESCALATION_QUEUES: Readonly<Record<BreakCategory, string>> = {
  PRICE_MISMATCH: "Middle Office Confirmations",
  QUANTITY_MISMATCH: "Middle Office Confirmations",
  SIDE_MISMATCH: "Trade Support",
  CURRENCY_MISMATCH: "Middle Office Confirmations",
  SETTLE_DATE_MISMATCH: "Settlements",
  COUNTERPARTY_SSI_MISMATCH: "Payments Control",
  MISSING_CONFIRMATION: "Middle Office Confirmations",
  UNKNOWN_CONFIRMATION: "Middle Office Confirmations",
  DUPLICATE_BOOKING: "Trade Support",
  CANCELLED_BUT_CONFIRMED: "Middle Office Confirmations",
  AMENDMENT_NOT_CONFIRMED: "Middle Office Confirmations",
  STALE_PRICE: "Market Data",
};

/**
 * The least severity of each category, whatever its size: a side or settlement-instruction
 * dispute can move cash the wrong way; a duplicate, a cancelled trade still confirmed or a trade
 * we do not know misstate the books.
 */
export const SEVERITY_FLOOR: Readonly<Record<BreakCategory, Severity>> = {
  PRICE_MISMATCH: "low",
  QUANTITY_MISMATCH: "low",
  SIDE_MISMATCH: "high",
  CURRENCY_MISMATCH: "low",
  SETTLE_DATE_MISMATCH: "low",
  COUNTERPARTY_SSI_MISMATCH: "high",
  MISSING_CONFIRMATION: "low",
  UNKNOWN_CONFIRMATION: "medium",
  DUPLICATE_BOOKING: "medium",
  CANCELLED_BUT_CONFIRMED: "medium",
  AMENDMENT_NOT_CONFIRMED: "low",
  STALE_PRICE: "low",
};

const RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2 };

/**
 * Severity: the larger of the category's floor and what the notional in US dollars says.
 *
 * @example
 * severityOf("QUANTITY_MISMATCH", 2_500_000); // "medium"
 * severityOf("SIDE_MISMATCH", 1_000);          // "high"
 */
export function severityOf(category: BreakCategory, impactUsd: number): Severity {
  const bySize: Severity =
    impactUsd >= HIGH_SEVERITY_USD ? "high" : impactUsd >= MEDIUM_SEVERITY_USD ? "medium" : "low";
  const floor = SEVERITY_FLOOR[category];
  return RANK[floor] >= RANK[bySize] ? floor : bySize;
}

/**
 * Most severe first: by severity, then US-dollar notional, then break id (so the order is the
 * same on every run).
 *
 * @example
 * breaks.sort(mostSevereFirst(rates))[0]; // the break a trade's triage takes
 */
export function mostSevereFirst(usdRates: Readonly<Record<string, number>>) {
  const usd = (b: Pick<Break, "notional" | "currency">) => b.notional * (usdRates[b.currency] ?? 1);
  return (a: Break, b: Break): number =>
    RANK[severityOf(b.category, usd(b))] - RANK[severityOf(a.category, usd(a))] ||
    usd(b) - usd(a) ||
    (a.breakId < b.breakId ? -1 : a.breakId > b.breakId ? 1 : 0);
}

/**
 * THE ROUTING RULE, first match wins:
 * 1. compliance blocked it → escalate to Compliance;
 * 2. no fix of ours is proven (the broker's error, a dispute, a side or SSI mismatch, an
 *    unknown or missing confirmation…) → escalate to the category's owners, with the next action;
 * 3. over the desk's gross-limit headroom or single-trade limit → escalate to the desk head;
 * 4. compliance asks for four eyes (a cancellation, a quantity change, a duplicate or a
 *    cancelled trade, notional ≥ {@link AUTO_FIX_MAX_USD}) → human approval;
 * 5. otherwise → auto-fix.
 *
 * @example
 * decideRoute(classified, risk, { status: "clear", reasons: [] }); // { route: "auto_fix", reason: "…" }
 */
export function decideRoute(
  c: Pick<
    ClassifiedBreak,
    "category" | "fixable" | "fix" | "faultSide" | "impactUsd" | "desk" | "nextAction"
  >,
  risk: Pick<
    RiskAssessment,
    "wouldBreach" | "exceedsSingleTradeLimit" | "headroomUsd" | "singleTradeLimitUsd"
  >,
  compliance: Pick<ComplianceVerdict, "status" | "reasons">,
): RouteDecision {
  const usd = formatUsd(c.impactUsd);
  if (compliance.status === "blocked") {
    return {
      route: "escalate",
      reason: `compliance block: ${compliance.reasons.join("; ")}`,
      queue: COMPLIANCE_QUEUE,
    };
  }
  if (!c.fixable || !c.fix) {
    return {
      route: "escalate",
      reason: `no fix of ours is proven (fault: ${c.faultSide}): ${c.nextAction}`,
    };
  }
  if (risk.wouldBreach) {
    return {
      route: "escalate",
      reason: `${usd} exceeds the desk's limit headroom of ${formatUsd(risk.headroomUsd)}`,
      queue: deskHeadQueue(c.desk),
    };
  }
  if (risk.exceedsSingleTradeLimit) {
    return {
      route: "escalate",
      reason: `${usd} exceeds the desk's single-trade limit of ${formatUsd(risk.singleTradeLimitUsd)}`,
      queue: deskHeadQueue(c.desk),
    };
  }
  const what = c.fix.action.replaceAll("_", " ");
  if (compliance.status === "approval_required") {
    return { route: "human_approval", reason: `${what}, four-eyes: ${compliance.reasons.join("; ")}` };
  }
  return { route: "auto_fix", reason: `${what}: our booking error, proven; ${usd} within limits` };
}

/** The desk head's queue (a break with no desk goes to the default desk's). */
export function deskHeadQueue(desk: string): string {
  return `Desk Head, ${desk || "unassigned"}`;
}

/** The conditional edge after `detect`: nothing to triage goes straight to the report. */
export function routeAfterDetect(state: Pick<TriageStateValue, "exception">): "classify" | "report" {
  return state.exception ? "classify" : "report";
}

/** The conditional edge after `compliance_check`: the route the rule chose. */
export function routeAfterCompliance(state: Pick<TriageStateValue, "decision">): RouteDecision["route"] {
  return state.decision?.route ?? "escalate";
}

export function formatUsd(amount: number): string {
  return `$${Math.round(amount).toLocaleString("en-US")}`;
}
