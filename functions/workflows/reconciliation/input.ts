import { z } from "zod";
import {
  DataRefSchema,
  DaySpecSchema,
  MAX_PARTITIONS,
  MAX_URI_LENGTH,
  TolerancesSchema,
} from "#trading/schemas";
import type { ReconciliationUpdate } from "./state.ts";

/** About 10 workers on the standard 2,000-trade day. */
export const DEFAULT_PARTITION_SIZE = 200;

/**
 * A reconciliation run request, strict (an unknown field is refused, naming it):
 * - `data`: the day to reconcile, in the canonical format (docs/data.md) — a folder, files or an
 *   `s3://` prefix, with an optional mapping file and business date;
 * - `dataset`: otherwise a generated day (seed 42, 2,000 trades, 24 November 2026 by default),
 *   written in the canonical format and read back through the same loader;
 * - `out`: where `breaks.json`, `breaks.csv`, `matches.json` and `quarantine.json` go (default:
 *   `runs/<run id>/` in the day's bucket for a day in S3, else under the data root);
 * - `partitionSize`: trades per worker, a target (at most {@link MAX_PARTITIONS} workers);
 * - `tolerances`: per instrument type (docs/data.md, "Tolerances").
 */
export const ReconciliationInput = z
  .strictObject({
    data: DataRefSchema.optional(),
    dataset: DaySpecSchema.optional(),
    out: z.string().trim().min(1).max(MAX_URI_LENGTH).optional(),
    partitionSize: z.number().int().min(1).max(1_000_000).default(DEFAULT_PARTITION_SIZE),
    tolerances: TolerancesSchema.prefault({}),
  })
  .refine((input) => !(input.data && input.dataset), {
    path: ["dataset"],
    message: "give either data (a day's files) or dataset (a generated day), not both",
  });

export type ReconciliationInputValue = z.infer<typeof ReconciliationInput>;

/** The initial state update for a validated request. */
export function reconciliationInputToState(input: ReconciliationInputValue): ReconciliationUpdate {
  return {
    source: input.data ? { data: input.data } : { dataset: DaySpecSchema.parse(input.dataset ?? {}) },
    ...(input.out ? { out: input.out } : {}),
    partitionSize: input.partitionSize,
    tolerances: input.tolerances,
  };
}

export { MAX_PARTITIONS };
