import { z } from "zod";
import { isBusinessDay, isIsoDate } from "./calendar.ts";
import { DatasetSpecError } from "./errors.ts";
import type { DatasetSpec } from "./types.ts";

/** The day every default run uses: 2,000 trades on Tuesday 24 November 2026, 2% of them broken. */
export const DEFAULT_DATASET: Required<DatasetSpec> = {
  seed: 42,
  trades: 2000,
  date: "2026-11-24",
  breakRate: 0.02,
};

/** Generous for tests and benches, small enough that a Lambda regenerates the day in seconds. */
export const MAX_TRADES = 200_000;

/** Validates a dataset spec and fills defaults; shared with workflow inputs. */
export const DatasetSpecSchema = z.object({
  seed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_DATASET.seed),
  trades: z.number().int().min(1).max(MAX_TRADES).default(DEFAULT_DATASET.trades),
  date: z
    .string()
    .refine(isIsoDate, "must be a calendar date YYYY-MM-DD")
    .refine(isBusinessDay, "must be a business day (no weekends or modelled holidays)")
    .default(DEFAULT_DATASET.date),
  breakRate: z.number().min(0).max(0.25).default(DEFAULT_DATASET.breakRate),
});

/**
 * Fills defaults and checks ranges, throwing a {@link DatasetSpecError} that names each bad field.
 *
 * @example
 * resolveDatasetSpec({ trades: 500 }); // { seed: 42, trades: 500, date: "2026-11-24", breakRate: 0.02 }
 */
export function resolveDatasetSpec(spec: Partial<DatasetSpec> = {}): Required<DatasetSpec> {
  const parsed = DatasetSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new DatasetSpecError(`Invalid dataset spec: ${lines.join("; ")}`, { cause: parsed.error });
  }
  return parsed.data;
}
