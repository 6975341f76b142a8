import type { BreakKind } from "#data";
import type { TriageStateValue } from "./state.ts";
import type { ClassifiedBreak, Route, Severity } from "./types.ts";

/** At or above this many US dollars at stake a break is high severity; at or above a tenth of it, medium. */
export const HIGH_SEVERITY_USD = 10_000_000;
export const MEDIUM_SEVERITY_USD = 1_000_000;

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
 * THE ROUTING RULE. A break is auto-fixed (a proposed amendment) only when all hold:
 * 1. it is fixable: a mechanical kind with the fault on our side or the feed's;
 * 2. its severity is not high;
 * 3. the impact fits in the desk's gross-limit headroom;
 * 4. the impact is within the desk's single-trade limit.
 * Otherwise it is escalated, with the first failing condition as the reason.
 *
 * @example
 * decideRoute(classified, { wouldBreach: false, exceedsSingleTradeLimit: false, headroomUsd: 5e6 });
 * // { route: "auto_fix", reason: "..." }
 */
export function decideRoute(
  classified: Pick<ClassifiedBreak, "kind" | "fixable" | "faultSide" | "severity" | "impactUsd">,
  limits: { wouldBreach: boolean; exceedsSingleTradeLimit: boolean; headroomUsd: number },
): { route: Route; reason: string } {
  const usd = formatUsd(classified.impactUsd);
  if (!classified.fixable) {
    return {
      route: "escalate",
      reason: MECHANICAL_KINDS.has(classified.kind)
        ? `fault on the ${classified.faultSide} side: the counterparty must correct it`
        : `${classified.kind.replaceAll("_", " ")} needs a person`,
    };
  }
  if (classified.severity === "high") return { route: "escalate", reason: `high severity: ${usd} at stake` };
  if (limits.wouldBreach) {
    return {
      route: "escalate",
      reason: `${usd} exceeds the desk's limit headroom of ${formatUsd(limits.headroomUsd)}`,
    };
  }
  if (limits.exceedsSingleTradeLimit)
    return { route: "escalate", reason: `${usd} exceeds the single-trade limit` };
  return {
    route: "auto_fix",
    reason: `mechanical ${classified.kind.replaceAll("_", " ")}, ${usd} within limits`,
  };
}

/**
 * The conditional edge after `risk_check`: to `auto_fix`, `escalate`, both (they run in the
 * same superstep) or, with nothing to act on, straight to `report`.
 */
export function routeAfterRisk(
  state: Pick<TriageStateValue, "assessed">,
): ("auto_fix" | "escalate" | "report")[] {
  const routes = new Set(state.assessed.map((a) => a.route));
  const next: ("auto_fix" | "escalate")[] = [];
  if (routes.has("auto_fix")) next.push("auto_fix");
  if (routes.has("escalate")) next.push("escalate");
  return next.length > 0 ? next : ["report"];
}

export function formatUsd(amount: number): string {
  return `$${Math.round(amount).toLocaleString("en-US")}`;
}
