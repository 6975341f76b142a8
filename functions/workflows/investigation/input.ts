import { z } from "zod";
import {
  BREAK_CATEGORIES,
  BREAK_FIELDS,
  type Break,
  CurrencyCode,
  DataRefSchema,
  DaySpecSchema,
  Id,
  MAX_URI_LENGTH,
  Text,
} from "#trading";
import type { InvestigationUpdate } from "./state.ts";

/** Rounds before whatever is still open goes to a person. */
export const DEFAULT_MAX_ROUNDS = 6;
/** Breaks per specialist per round: one round covers the 2,000-trade day's categories in two or so. */
export const DEFAULT_BATCH_SIZE = 10;
/** Most breaks one run takes: each is a record in state and an agent run. */
export const MAX_BREAKS = 5000;
/** Most trades one break may name (a stale price lists every active trade on its instrument). */
export const MAX_TRADES_PER_BREAK = 100_000;

const BreakValue = z.union([z.string().max(1_000), z.number().finite()]);

/**
 * A reconciliation break (`Break` of `#trading`) as a request or a `breaks.json` carries it:
 * strict, so a misspelt field is refused by name rather than dropped.
 */
export const BreakSchema = z.strictObject({
  breakId: z.string().trim().min(1).max(1_000),
  category: z.enum(BREAK_CATEGORIES),
  tradeIds: z.array(Id).max(MAX_TRADES_PER_BREAK),
  confirmationIds: z.array(Id).max(10_000),
  instrumentId: Id,
  field: z.enum(BREAK_FIELDS).optional(),
  ours: BreakValue.optional(),
  theirs: BreakValue.optional(),
  notional: z.number().finite().min(0),
  currency: CurrencyCode,
  desk: Id.optional(),
  broker: Id.optional(),
  counterparty: Text.optional(),
  detail: z.string().max(4_000),
}) satisfies z.ZodType<Break>;

/** The breaks a request or a `breaks.json` may carry: each a {@link BreakSchema}, ids unique. */
export const BreakListSchema = z.array(BreakSchema).superRefine((breaks, ctx) => {
  const seen = new Set<string>();
  breaks.forEach((b, i) => {
    if (seen.has(b.breakId))
      ctx.addIssue({ code: "custom", path: [i, "breakId"], message: `duplicate breakId ${b.breakId}` });
    seen.add(b.breakId);
  });
});

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
