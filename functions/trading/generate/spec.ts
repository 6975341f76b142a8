import { z } from "zod";
import { TradingDataError } from "../errors.ts";
import { IsoDate } from "../model/index.ts";

// The spec alone, apart from the generator: workflow inputs and the ingress validate it on every
// request, while the generator (generator.ts and what it imports) runs only when a day is first
// written, so a Lambda bundle keeps it in a chunk of its own (lib/bundling, source.ts).

/** What day to generate. */
export interface DaySpec {
  /** Same seed, same day, byte for byte. */
  seed: number;
  trades: number;
  /** The date reconciled: every trade is dated on it, prices are judged against it. */
  businessDate: string;
  /** Share of trades that carry an injected break, spread evenly over the 12 categories. Default 0.03. */
  breakRate?: number;
}

export const DaySpecSchema = z.strictObject({
  seed: z.number().int().min(0).max(0xffff_ffff).default(42),
  trades: z.number().int().min(1).max(1_000_000).default(2000),
  businessDate: IsoDate.default("2026-11-24"),
  breakRate: z.number().min(0).max(0.5).default(0.03),
});
export type ResolvedDaySpec = z.infer<typeof DaySpecSchema>;

/** Validates a spec, filling defaults. */
export function resolveDaySpec(spec: Partial<DaySpec> = {}): ResolvedDaySpec {
  const parsed = DaySpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new TradingDataError("Trading.DaySpec", `invalid day spec: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
