import type { BreakKind } from "#data";
import type { TriageStateValue } from "./state.ts";
import type { ClassifiedBreak, ComplianceVerdict, RiskAssessment, RouteDecision, Severity } from "./types.ts";

/** At or above this many US dollars at stake a break is high severity; at or above a tenth of it, medium. */
export const HIGH_SEVERITY_USD = 10_000_000;
export const MEDIUM_SEVERITY_USD = 1_000_000;
/** The four-eyes threshold: an amendment with this much or more at stake needs a person's approval. */
export const AUTO_FIX_MAX_USD = 1_000_000;
export const COMPLIANCE_QUEUE = "Compliance";

/**
 * Kinds whose fix is a mechanical amendment when the fault is ours or the feed's. The rest need
 * a person: a quantity difference must be agreed with the broker, a missing confirmation chased,
 * and an SSI change verified by call-back (the classic payment-fraud control).
 */
export const MECHANICAL_KINDS: ReadonlySet<BreakKind> = new Set([
  "price_outside_tolerance",
  "settle_date_mismatch",
  "duplicate_booking",
  "stale_price",
]);

/**
 * Severity from what is at stake; an SSI mismatch is always high because cash could go to the
 * wrong account.
 *
 * @example
 * severityOf("quantity_mismatch", 2_500_000); // "medium"
 */
export function severityOf(kind: BreakKind, impactUsd: number): Severity {
  if (kind === "counterparty_ssi_mismatch" || impactUsd >= HIGH_SEVERITY_USD) return "high";
  return impactUsd >= MEDIUM_SEVERITY_USD ? "medium" : "low";
}

/**
 * THE ROUTING RULE, first match wins:
 * 1. compliance blocked it → escalate to Compliance;
 * 2. not fixable (a kind that needs a person, or the other side's fault) → escalate to its owners;
 * 3. high severity → escalate;
 * 4. over the desk's gross-limit headroom or single-trade limit → escalate to the desk head;
 * 5. compliance asks for four eyes (cancellations, impact ≥ {@link AUTO_FIX_MAX_USD}) → human approval;
 * 6. otherwise → auto-fix.
 *
 * @example
 * decideRoute(classified, risk, { breakId, status: "clear", reasons: [] }); // { route: "auto_fix", reason: "…" }
 */
export function decideRoute(
  c: Pick<ClassifiedBreak, "kind" | "fixable" | "faultSide" | "severity" | "impactUsd" | "desk">,
  risk: Pick<RiskAssessment, "wouldBreach" | "exceedsSingleTradeLimit" | "headroomUsd">,
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
  if (!c.fixable) {
    return {
      route: "escalate",
      reason: MECHANICAL_KINDS.has(c.kind)
        ? `fault on the ${c.faultSide} side: the counterparty must correct it`
        : `${c.kind.replaceAll("_", " ")} needs a person`,
    };
  }
  if (c.severity === "high") return { route: "escalate", reason: `high severity: ${usd} at stake` };
  if (risk.wouldBreach) {
    return {
      route: "escalate",
      reason: `${usd} exceeds the desk's limit headroom of ${formatUsd(risk.headroomUsd)}`,
      queue: `Desk Head, ${c.desk}`,
    };
  }
  if (risk.exceedsSingleTradeLimit) {
    return {
      route: "escalate",
      reason: `${usd} exceeds the single-trade limit`,
      queue: `Desk Head, ${c.desk}`,
    };
  }
  if (compliance.status === "approval_required") {
    return { route: "human_approval", reason: `four-eyes: ${compliance.reasons.join("; ")}` };
  }
  return { route: "auto_fix", reason: `mechanical ${c.kind.replaceAll("_", " ")}, ${usd} within limits` };
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
