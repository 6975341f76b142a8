import { Send } from "@langchain/langgraph";
import type { Break, BreakCategory, DataRef } from "#trading";
import { type RootCause, rootCausesOf } from "./root-causes.ts";
import type { AssignedBreak, RoundPlan, Specialist, SpecialistTask } from "./types.ts";

/**
 * Which specialist investigates which category of break. The supervisor routes by this table,
 * not by a model: the category is a closed enum the matcher already decided, so a model would
 * add cost, latency and a way to misroute without adding judgment. The judgment is in the
 * specialists. Pricing reads market data; settlement reads conventions, instructions and the
 * instrument's currency; booking reads our bookings and the broker's confirmations of them.
 */
export const SPECIALIST_FOR_CATEGORY: Readonly<Record<BreakCategory, Specialist>> = {
  PRICE_MISMATCH: "pricing",
  STALE_PRICE: "pricing",
  SETTLE_DATE_MISMATCH: "settlement",
  COUNTERPARTY_SSI_MISMATCH: "settlement",
  CURRENCY_MISMATCH: "settlement",
  QUANTITY_MISMATCH: "booking",
  SIDE_MISMATCH: "booking",
  MISSING_CONFIRMATION: "booking",
  UNKNOWN_CONFIRMATION: "booking",
  DUPLICATE_BOOKING: "booking",
  CANCELLED_BUT_CONFIRMED: "booking",
  AMENDMENT_NOT_CONFIRMED: "booking",
};

/** The root causes each specialist may name: those of the categories routed to it. */
export const ROOT_CAUSES_OF: Readonly<Record<Specialist, readonly RootCause[]>> = {
  pricing: causesRoutedTo("pricing"),
  settlement: causesRoutedTo("settlement"),
  booking: causesRoutedTo("booking"),
};

function causesRoutedTo(specialist: Specialist): RootCause[] {
  const categories = (Object.keys(SPECIALIST_FOR_CATEGORY) as BreakCategory[]).filter(
    (category) => SPECIALIST_FOR_CATEGORY[category] === specialist,
  );
  return [...new Set(categories.flatMap(rootCausesOf))];
}

/** The supervisor accepts a specialist's root cause at this confidence or above, else escalates. */
export const MIN_CONFIDENCE = 0.6;

/** Attempts per break: an inconclusive first answer is retried once in a later round. */
export const MAX_ATTEMPTS = 2;

/**
 * The conditional edge after `supervisor`: one `Send(<specialist>, task)` per batch of the
 * round's plan, or `report` when the supervisor planned nothing. Each task carries the day's
 * reference and the specialist's own batch of breaks, nothing of any other agent's.
 *
 * @example
 * dispatchRound(state); // [Send("pricing", { data, round: 1, breaks: [...] }), Send("booking", ...)] or "report"
 */
export function dispatchRound(state: {
  data: DataRef | null;
  round: number;
  plan: RoundPlan | null;
  breaks: readonly Break[];
}): Send[] | "report" {
  const { plan, data } = state;
  if (!plan || !data || plan.round !== state.round || plan.assignments.length === 0) return "report";
  const byId = new Map(state.breaks.map((b) => [b.breakId, b]));
  return plan.assignments.map((assignment) => {
    const breaks = assignment.items.flatMap((item): AssignedBreak[] => {
      const found = byId.get(item.breakId);
      return found ? [{ ...found, attempt: item.attempt }] : [];
    });
    return new Send(assignment.specialist, { data, round: plan.round, breaks } satisfies SpecialistTask);
  });
}
