import { Send } from "@langchain/langgraph";
import type { BreakKind, DatasetSpec } from "#data";
import type { BreakRecord } from "../reconciliation/index.ts";
import type { AssignedBreak, RoundPlan, Specialist, SpecialistTask } from "./types.ts";

/**
 * Which specialist investigates which kind of break. The supervisor routes by this table, not
 * by a model: the kind is a closed enum the detector already decided, so a model would add cost,
 * latency and a way to misroute without adding judgment. The judgment is in the specialists.
 */
export const SPECIALIST_FOR_KIND: Readonly<Record<BreakKind, Specialist>> = {
  price_outside_tolerance: "pricing",
  stale_price: "pricing",
  settle_date_mismatch: "settlement",
  counterparty_ssi_mismatch: "settlement",
  missing_confirmation: "settlement",
  duplicate_booking: "booking",
  quantity_mismatch: "booking",
};

/** The supervisor accepts a specialist's root cause at this confidence or above, else escalates. */
export const MIN_CONFIDENCE = 0.6;

/** Attempts per break: an inconclusive first answer is retried once in a later round. */
export const MAX_ATTEMPTS = 2;

/**
 * The conditional edge after `supervisor`: one `Send(<specialist>, task)` per batch of the
 * round's plan, or `report` when the supervisor planned nothing. Each task carries the
 * specialist's own batch of compact records (a few KB) and nothing of any other agent's.
 *
 * @example
 * dispatchRound(state); // [Send("pricing", { round: 1, breaks: [...] }), Send("settlement", ...)] or "report"
 */
export function dispatchRound(state: {
  dataset: Required<DatasetSpec>;
  round: number;
  plan: RoundPlan | null;
  breaks: readonly BreakRecord[];
}): Send[] | "report" {
  const plan = state.plan;
  if (!plan || plan.round !== state.round || plan.assignments.length === 0) return "report";
  const byId = new Map(state.breaks.map((b) => [b.breakId, b]));
  return plan.assignments.map((assignment) => {
    const breaks = assignment.items.flatMap((item): AssignedBreak[] => {
      const record = byId.get(item.breakId);
      return record ? [{ ...record, attempt: item.attempt }] : [];
    });
    return new Send(assignment.specialist, {
      dataset: state.dataset,
      round: plan.round,
      breaks,
    } satisfies SpecialistTask);
  });
}
