import { z } from "zod";
import { BreakListSchema, BreakSchema, DataRefSchema, DaySpecSchema, MAX_URI_LENGTH } from "#trading/schemas";
import type { InvestigationUpdate } from "./state.ts";

// The break record's schema lives with the record (`#trading`); re-exported for the workflows that take breaks.
export { BreakListSchema, BreakSchema };

/** Rounds before whatever is still open goes to a person. */
export const DEFAULT_MAX_ROUNDS = 6;
/** Breaks per specialist per round: one round covers the 2,000-trade day's categories in two or so. */
export const DEFAULT_BATCH_SIZE = 10;
/** Most breaks one run takes: each is a record in state and an agent run. */
export const MAX_BREAKS = 5000;
/**
 * An investigation run request, strict (an unknown field is refused, naming it):
 * - `data`: the day the breaks belong to, in the canonical format (docs/data.md) — a folder,
 *   files or an `s3://` prefix; the specialists' tools read it;
 * - `dataset`: otherwise a generated day (seed 42, 2,000 trades, 24 November 2026 by default),
 *   written in the canonical format on first use and read back through the same loader;
 * - `breaks`: the breaks to investigate (a reconciliation run's, at most {@link MAX_BREAKS}), or
 * - `breaksUri`: a reconciliation run's `breaks.json` (a local path or `s3://`); with neither,
 *   the supervisor finds the day's breaks with the matcher (`reconcileDay`);
 * - `maxRounds`, `batchSize`: the supervisor's bounds.
 *
 * @example
 * InvestigationInput.parse({ data: { uri: "s3://bucket/incoming/2026-11-24/" }, breaksUri: "s3://bucket/runs/r-1/breaks.json" });
 */
export const InvestigationInput = z
  .strictObject({
    data: DataRefSchema.optional(),
    dataset: DaySpecSchema.optional(),
    breaks: BreakListSchema.max(MAX_BREAKS).optional(),
    breaksUri: z.string().trim().min(1).max(MAX_URI_LENGTH).optional(),
    maxRounds: z.number().int().min(1).max(50).default(DEFAULT_MAX_ROUNDS),
    batchSize: z.number().int().min(1).max(200).default(DEFAULT_BATCH_SIZE),
  })
  .refine((input) => !(input.data && input.dataset), {
    path: ["dataset"],
    message: "give either data (a day's files) or dataset (a generated day), not both",
  })
  .refine((input) => !(input.breaks && input.breaksUri), {
    path: ["breaksUri"],
    message: "give either breaks or breaksUri, not both",
  });

export type InvestigationInputValue = z.infer<typeof InvestigationInput>;

/** The initial state update for a validated request: the day by reference, never the day. */
export function investigationInputToState(input: InvestigationInputValue): InvestigationUpdate {
  return {
    source: input.data ? { data: input.data } : { dataset: DaySpecSchema.parse(input.dataset ?? {}) },
    breakSource: input.breaks ? "given" : input.breaksUri ? "uri" : "derive",
    breaksUri: input.breaksUri ?? null,
    maxRounds: input.maxRounds,
    batchSize: input.batchSize,
    ...(input.breaks ? { breaks: input.breaks, breaksFound: input.breaks.length } : {}),
  };
}
