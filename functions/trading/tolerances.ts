import { z } from "zod";
import { type Instrument, isUsTreasury } from "./model/index.ts";

/**
 * How far the broker's figures may differ from ours before it is a break, per instrument type.
 * A difference EQUAL to a tolerance is within it (not a break); only a larger one breaks.
 * Comparisons allow a relative slack of {@link FLOAT_SLACK} so that a difference written exactly
 * at the tolerance is not pushed over it by binary floating point.
 */
export interface Tolerances {
  /** Equities: |theirs − ours| / ours, in basis points. */
  readonly equityPriceBps: number;
  /** FX spot: rate difference in pips (0.0001; 0.01 when the quote currency is JPY). */
  readonly fxRatePips: number;
  /** US Treasuries: price difference in 32nds of a point. */
  readonly treasuryPrice32nds: number;
  /** Other bonds: price difference in points (percent of par). */
  readonly bondPricePoints: number;
  /** Equities and bonds: quantity difference in shares or face (0 = exact). */
  readonly quantityUnits: number;
  /** FX spot: base-amount difference relative to ours (rounding of converted amounts). */
  readonly fxQuantityRelative: number;
  /**
   * A price is stale when more than this many business days of the instrument's calendar lie
   * after its date, up to the business date: 0 = it must be the latest close.
   */
  readonly priceMaxAgeBusinessDays: number;
}

export const DEFAULT_TOLERANCES: Tolerances = {
  equityPriceBps: 5,
  fxRatePips: 1,
  treasuryPrice32nds: 0.5,
  bondPricePoints: 0.01,
  quantityUnits: 0,
  fxQuantityRelative: 1e-6,
  priceMaxAgeBusinessDays: 0,
};

/** Relative slack on every comparison: far below any tolerance, far above float error. */
export const FLOAT_SLACK = 1e-9;

/** Validates tolerances from a run request, filling defaults; unknown keys are refused. */
export const TolerancesSchema = z.strictObject({
  equityPriceBps: z.number().min(0).max(10_000).default(DEFAULT_TOLERANCES.equityPriceBps),
  fxRatePips: z.number().min(0).max(10_000).default(DEFAULT_TOLERANCES.fxRatePips),
  treasuryPrice32nds: z.number().min(0).max(3_200).default(DEFAULT_TOLERANCES.treasuryPrice32nds),
  bondPricePoints: z.number().min(0).max(100).default(DEFAULT_TOLERANCES.bondPricePoints),
  quantityUnits: z.number().min(0).max(1e12).default(DEFAULT_TOLERANCES.quantityUnits),
  fxQuantityRelative: z.number().min(0).max(0.1).default(DEFAULT_TOLERANCES.fxQuantityRelative),
  priceMaxAgeBusinessDays: z
    .number()
    .int()
    .min(0)
    .max(250)
    .default(DEFAULT_TOLERANCES.priceMaxAgeBusinessDays),
});

/** The size of one pip for a pair quoted in `quoteCurrency`. */
export function pipSize(quoteCurrency: string): number {
  return quoteCurrency === "JPY" ? 0.01 : 0.0001;
}

/** A price comparison: the difference in the instrument type's own unit, and the tolerance in it. */
export interface PriceDifference {
  readonly difference: number;
  readonly tolerance: number;
  readonly unit: "bps" | "pips" | "32nds" | "points";
  readonly withinTolerance: boolean;
}

/**
 * Compares our price with theirs in the convention of the instrument's type.
 *
 * @example
 * comparePrice(equity, 100, 100.05, DEFAULT_TOLERANCES); // { difference: 5, unit: "bps", withinTolerance: true }
 */
export function comparePrice(
  instrument: Instrument,
  ours: number,
  theirs: number,
  tolerances: Tolerances,
): PriceDifference {
  const gap = Math.abs(theirs - ours);
  switch (instrument.type) {
    case "EQUITY":
      return judge((gap / ours) * 10_000, tolerances.equityPriceBps, "bps");
    case "FX_SPOT":
      return judge(gap / pipSize(instrument.quoteCurrency), tolerances.fxRatePips, "pips");
    default:
      return isUsTreasury(instrument)
        ? judge(gap * 32, tolerances.treasuryPrice32nds, "32nds")
        : judge(gap, tolerances.bondPricePoints, "points");
  }
}

/**
 * True when `theirs` is within the quantity tolerance of `ours`: exact (± `quantityUnits`) for
 * shares and face, relative for FX base amounts — widened by `uncertainty`, what an amount the
 * broker did not state but we derived is known to (see `PreparedConfirmation.quantityUncertainty`).
 */
export function quantityWithin(
  instrument: Instrument,
  ours: number,
  theirs: number,
  tolerances: Tolerances,
  uncertainty = 0,
): boolean {
  const gap = Math.abs(theirs - ours);
  const limit =
    instrument.type === "FX_SPOT" ? tolerances.fxQuantityRelative * Math.abs(ours) : tolerances.quantityUnits;
  return gap <= limit + uncertainty + FLOAT_SLACK * Math.max(1, Math.abs(ours));
}

function judge(difference: number, tolerance: number, unit: PriceDifference["unit"]): PriceDifference {
  const rounded = Math.round(difference * 1e6) / 1e6;
  return {
    difference: rounded,
    tolerance,
    unit,
    withinTolerance: difference <= tolerance + FLOAT_SLACK * Math.max(1, tolerance),
  };
}
