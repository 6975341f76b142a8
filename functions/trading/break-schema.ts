import { z } from "zod";
import { BREAK_CATEGORIES, BREAK_FIELDS, type Break } from "./breaks.ts";
import { CurrencyCode, Id, Text } from "./model/index.ts";

/** Most trades one break may name (a stale price lists every active trade on its instrument). */
export const MAX_TRADES_PER_BREAK = 1_000_000;

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
