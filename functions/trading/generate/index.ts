/**
 * A seeded generator of realistic, messy trading days in the canonical model, with their ground
 * truth: the breaks a correct reconciliation must report (`expected`) and the look-alikes it must
 * not (`traps`). Same spec, same day, in memory ({@link generateDay}) or streamed to disk
 * ({@link writeGeneratedDay}).
 */
import type { TradingDay } from "../model/index.ts";
import { collectDay, DayGenerator } from "./generator.ts";
import type { DaySpec } from "./spec.ts";
import type { ExpectedBreak, Trap } from "./types.ts";

export {
  DayGenerator,
  MAX_STALE_PRICE_BREAKS,
  type Plan,
  type PlannedKind,
  planDay,
  TRAP_RATE,
} from "./generator.ts";
export { isValidCusip, isValidIsin, isValidLei } from "./identifiers.ts";
export { localStamp } from "./reference.ts";
export { type DaySpec, DaySpecSchema, type ResolvedDaySpec, resolveDaySpec } from "./spec.ts";
export {
  CALENDAR_TRAP_KINDS,
  DESIGNED_TRAP_KINDS,
  type DesignedTrapKind,
  type ExpectedBreak,
  TRAP_KINDS,
  type Trap,
  type TrapKind,
} from "./types.ts";
export {
  CSV_TEMPLATES,
  csvCell,
  csvColumns,
  type DayFormat,
  flatten,
  GROUND_TRUTH_FILE,
  MANIFEST_FILE,
  MAX_EARLIER_VERSIONS,
  templateColumns,
  writeDay,
  writeGeneratedDay,
} from "./write.ts";

/**
 * Generates a day: ~40 instruments of all four types, ~10 brokers, several desks, the requested
 * number of trades with their confirmations and prices, and the breaks and traps injected.
 *
 * @example
 * const { day, expected, traps } = generateDay({ seed: 7, trades: 2000 });
 * expected.filter((b) => b.category === "PRICE_MISMATCH").length; // 5 (3% of 2,000 over 12 categories)
 */
export function generateDay(spec: Partial<DaySpec> = {}): {
  day: TradingDay;
  expected: ExpectedBreak[];
  traps: Trap[];
} {
  const generator = new DayGenerator(spec);
  const { trades, confirmations, expected, traps } = collectDay(generator);
  return {
    day: {
      businessDate: generator.spec.businessDate,
      instruments: [...generator.instruments],
      trades,
      confirmations,
      prices: [...generator.prices],
    },
    expected,
    traps,
  };
}
