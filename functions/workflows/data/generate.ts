import { confirmTrades } from "./confirmations.ts";
import { limitTheDesks, positionTheDesks, priceTheDay } from "./market.ts";
import { planBreaks } from "./plan.ts";
import { seededRandom } from "./random.ts";
import { buildReferenceData } from "./reference.ts";
import { resolveDatasetSpec } from "./spec.ts";
import { draftTrades } from "./trades.ts";
import type { DatasetSpec, GeneratedTradeDay } from "./types.ts";

/** Valuation happens at 22:00 UTC on trade date, after every venue's close. */
export const VALUATION_UTC_TIME = "22:00:00.000Z";

/**
 * Generates a realistic, deterministic trade day with injected breaks of known kinds.
 * Same spec, same day, byte for byte; each random stream (reference data, plan, trades, ...)
 * is seeded separately so one part does not shift when another changes size.
 *
 * @example
 * const { day, groundTruth } = generateTradeDay({ seed: 7, trades: 500 });
 * day.trades.length; // 500
 * groundTruth.length; // 10 (2% of 500, at least one of each kind)
 */
export function generateTradeDay(options: Partial<DatasetSpec> = {}): GeneratedTradeDay {
  const spec = resolveDatasetSpec(options);
  const asOf = `${spec.date}T${VALUATION_UTC_TIME}`;
  const reference = buildReferenceData(seededRandom(spec.seed, "reference"));
  const plan = planBreaks(spec, seededRandom(spec.seed, "plan"));
  const drafts = draftTrades(spec.date, plan, reference, seededRandom(spec.seed, "trades"));
  const { confirmations, groundTruth } = confirmTrades(drafts, seededRandom(spec.seed, "confirmations"));
  const prices = priceTheDay(asOf, reference, drafts, seededRandom(spec.seed, "prices"));
  const positions = positionTheDesks(reference, drafts, seededRandom(spec.seed, "positions"));
  return {
    day: {
      spec,
      asOf,
      instruments: reference.instruments,
      counterparties: reference.counterparties,
      desks: reference.desks,
      trades: drafts.map((d) => d.trade),
      confirmations,
      prices,
      positions,
      limits: limitTheDesks(reference, positions),
    },
    groundTruth,
  };
}
