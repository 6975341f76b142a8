import type { InstrumentType } from "./model/index.ts";

/**
 * The market judgements the investigation and triage agents share when they ask which side of a
 * break is at fault. Heuristics, not matching rules: matching never uses them.
 */

/**
 * How far from the day's close an execution price may sit and still be taken as consistent with
 * it, as a share of the close: about an ordinary day's range for the instrument type. Inside it
 * a price is "near" the close, outside it "off" it.
 */
export const NEAR_CLOSE: Readonly<Record<InstrumentType, number>> = {
  EQUITY: 0.01,
  CORP_BOND: 0.01,
  GOVT_BOND: 0.005,
  FX_SPOT: 0.005,
};

/**
 * The smallest shortfall, as a share of our quantity, that reads as a fill still to come when
 * the broker confirmed less than we booked (below it, a rounding or booking slip).
 */
export const MIN_FILL_SHARE = 0.001;
