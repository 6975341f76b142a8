import { z } from "zod";
import { BreakSchema, DataRefSchema, DaySpecSchema, MAX_ID_LENGTH, MAX_URI_LENGTH } from "#trading/schemas";
// The canonical break record's strict schema (it is moving to `#trading`).
import type { TriageUpdate } from "./state.ts";

/** The ways a request may name its exception; at most one of them. */
const NAMINGS = [
  ["break", "break"],
  ["breakId", "breakId with breaksUri"],
  ["tradeId", "tradeId"],
] as const;

/**
 * A triage run request, strict (an unknown field is refused, naming it; every string bounded):
 * - `data`: the day, in the canonical format (docs/data.md) — a folder, files or an `s3://`
 *   prefix; or `dataset`: a generated day (seed 42, 2,000 trades, 24 November 2026 by default),
 *   written in the canonical format on first use and read back through the same loader;
 * - the ONE exception, named in at most one way:
 *   - `break`: the break record itself, as a reconciliation run wrote it;
 *   - `breakId` with `breaksUri`: the break of that id in a reconciliation run's `breaks.json`;
 *   - `tradeId`: a trade of the day — its breaks found by the matcher (`reconcileDay`), the most
 *     severe taken (severity, then US-dollar notional);
 *   - none: the day's default exception — its first break in break-id order (the first line of
 *     a reconciliation run's `breaks.json`).
 * - `approveBy`: the deadline of a four-eyes approval, if one is needed (docs/controls.md).
 *
 * @example
 * TriageInput.parse({ data: { uri: "s3://bucket/incoming/2026-11-24/" }, breakId: "PRICE_MISMATCH:T000123:price", breaksUri: "s3://bucket/runs/r-1/breaks.json" });
 */
export const TriageInput = z
  .strictObject({
    data: DataRefSchema.optional(),
    dataset: DaySpecSchema.optional(),
    break: BreakSchema.optional(),
    breakId: z.string().trim().min(1).max(1_000).optional(),
    breaksUri: z.string().trim().min(1).max(MAX_URI_LENGTH).optional(),
    tradeId: z.string().trim().min(1).max(MAX_ID_LENGTH).optional(),
    /** No approval of the amendment is taken after this instant (ISO 8601, with an offset or Z). */
    approveBy: z.iso.datetime({ offset: true }).max(64).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.data && input.dataset) {
      ctx.addIssue({
        code: "custom",
        path: ["dataset"],
        message: "give either data (a day's files) or dataset (a generated day), not both",
      });
    }
    if ((input.breakId === undefined) !== (input.breaksUri === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [input.breakId === undefined ? "breakId" : "breaksUri"],
        message: "breakId and breaksUri go together: the break of that id in that breaks.json",
      });
    }
    const named = NAMINGS.filter(([field]) => input[field] !== undefined);
    if (named.length > 1) {
      ctx.addIssue({
        code: "custom",
        path: [named[1]?.[0] ?? "break"],
        message: `name the exception one way: ${named.map(([, how]) => how).join(" or ")}, not both`,
      });
    }
  });

export type TriageInputValue = z.infer<typeof TriageInput>;

/** The initial state update for a validated request: the day by reference, never the day. */
export function triageInputToState(input: TriageInputValue): TriageUpdate {
  return {
    source: input.data ? { data: input.data } : { dataset: DaySpecSchema.parse(input.dataset ?? {}) },
    request: {
      ...(input.break ? { break: input.break } : {}),
      ...(input.breakId !== undefined ? { breakId: input.breakId } : {}),
      ...(input.breaksUri !== undefined ? { breaksUri: input.breaksUri } : {}),
      ...(input.tradeId !== undefined ? { tradeId: input.tradeId } : {}),
    },
    ...(input.approveBy !== undefined ? { approveBy: new Date(input.approveBy).toISOString() } : {}),
  };
}
