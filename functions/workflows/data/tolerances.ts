import { z } from "zod";

/** How far the books and the broker (or the price feed) may drift before it is a break. */
export interface Tolerances {
  /** Largest booked-vs-confirmed price difference, in basis points of the booked price. */
  readonly priceBps: number;
  /** Largest booked-vs-confirmed quantity difference, in units. */
  readonly quantityUnits: number;
  /** A market price older than this at valuation time is stale. */
  readonly staleAfterHours: number;
}

/**
 * Defaults that separate the generated noise from the generated breaks with room to spare:
 * clean confirmations differ by at most 2 bps (injected price breaks by 90+ after rounding), clean prices are
 * under 3 hours old (stale ones 72+), and quantities must match exactly.
 */
export const DEFAULT_TOLERANCES: Tolerances = {
  priceBps: 10,
  quantityUnits: 0,
  staleAfterHours: 24,
};

/** Validates tolerances, filling defaults; shared with workflow inputs and the `search_breaks` tool. */
export const TolerancesSchema = z.object({
  priceBps: z.number().min(0).max(10_000).default(DEFAULT_TOLERANCES.priceBps),
  quantityUnits: z.number().min(0).default(DEFAULT_TOLERANCES.quantityUnits),
  staleAfterHours: z
    .number()
    .positive()
    .max(24 * 365)
    .default(DEFAULT_TOLERANCES.staleAfterHours),
});
