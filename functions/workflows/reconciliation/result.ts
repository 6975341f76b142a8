import { z } from "zod";
import type { WorkflowResult } from "#engine";
import { BREAK_CATEGORIES } from "#trading/schemas";
import type { ReconciliationStateValue } from "./state.ts";

/** One of the largest breaks, as the result lists it (every break is in the `breaks` output). */
const LargeBreak = z.object({
  breakId: z.string(),
  category: z.enum(BREAK_CATEGORIES),
  tradeIds: z.array(z.string()),
  confirmationIds: z.array(z.string()),
  notional: z.number(),
  currency: z.string(),
  desk: z.string().optional(),
  detail: z.string(),
});

/**
 * A reconciliation's result: the breaks by category, their notional by currency, the largest
 * breaks with what differs, and where every break is (`outputs.breaks`). Root causes are the
 * investigation's result, which reads these breaks.
 */
export const ReconciliationResultSchema = z.object({
  businessDate: z.string().nullable(),
  trades: z.number().int(),
  tradesPaired: z.number().int(),
  quarantined: z.number().int(),
  breaksFound: z.number().int(),
  /** Every category, with its count of breaks (zero included, so a program sees all twelve). */
  categories: z.array(z.object({ category: z.enum(BREAK_CATEGORIES), breaks: z.number().int() })),
  /** Absolute notional of the breaks per currency (no FX conversion assumed). */
  notionalByCurrency: z.record(z.string(), z.number()),
  largestBreaks: z.array(LargeBreak),
  outputs: z.record(z.string(), z.string()),
});
export type ReconciliationResult = z.infer<typeof ReconciliationResultSchema>;

/**
 * @example
 * reconciliationResult.of(finalState).categories[0]; // { category: "PRICE_MISMATCH", breaks: 3 }
 */
export const reconciliationResult: WorkflowResult<ReconciliationStateValue> = {
  schema: ReconciliationResultSchema,
  of(state): ReconciliationResult {
    const report = state.report ?? null;
    const plan = state.plan ?? null;
    return {
      businessDate: report?.businessDate ?? plan?.businessDate ?? null,
      trades: report?.trades ?? plan?.trades ?? 0,
      tradesPaired: report?.tradesPaired ?? 0,
      quarantined: report?.quarantined ?? plan?.quarantined ?? 0,
      breaksFound: report?.breaksFound ?? 0,
      categories: BREAK_CATEGORIES.map((category) => ({
        category,
        breaks: report?.byCategory[category] ?? 0,
      })),
      notionalByCurrency: { ...(report?.notionalByCurrency ?? {}) },
      largestBreaks: (report?.worst ?? []).map((b) => ({
        breakId: b.breakId,
        category: b.category,
        tradeIds: [...b.tradeIds],
        confirmationIds: [...b.confirmationIds],
        notional: b.notional,
        currency: b.currency,
        ...(b.desk ? { desk: b.desk } : {}),
        detail: b.detail,
      })),
      outputs: { ...(report?.outputs ?? {}) },
    };
  },
};
