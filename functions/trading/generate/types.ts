import type { BreakCategory, BreakField } from "../breaks.ts";
import type { Confirmation, Trade } from "../model/index.ts";

/** A break the day was built to contain: what a correct reconciliation must report, exactly. */
export interface ExpectedBreak {
  readonly category: BreakCategory;
  /** Our trades concerned; for a duplicate the confirmed original first; sorted for a stale price. */
  readonly tradeIds: string[];
  /** The confirmations concerned, sorted; empty for a missing confirmation, a duplicate or a stale price. */
  readonly confirmationIds: string[];
  /** Our instrument id; for an unknown confirmation of an instrument we do not hold, the id it quotes. */
  readonly instrumentId: string;
  readonly field?: BreakField;
}

/** A case that looks like a break but is not one under the rules: it must NOT be flagged. */
export interface Trap {
  readonly kind: TrapKind;
  readonly tradeIds: string[];
  readonly confirmationIds: string[];
  /** What it is and why it is not a break, with the numbers. */
  readonly note: string;
}

/** The traps the generator builds, case by case. */
export const DESIGNED_TRAP_KINDS = [
  "PRICE_AT_TOLERANCE",
  "PRICE_JUST_UNDER_TOLERANCE",
  "FX_QUANTITY_WITHIN_TOLERANCE",
  "DIRTY_REF",
  "FOREIGN_REF",
  "MISSING_REF",
  "PARTIAL_FILLS_REFERENCED",
  "PARTIAL_FILLS_UNREFERENCED",
  "INVERSE_FX_PAIR",
  "ALT_INSTRUMENT_ID",
  "COUNTERPARTY_NAME_VARIANT",
  "IDENTICAL_TWINS_CONFIRMED",
  "AMENDED_CONFIRMED_AT_NEW",
  "CANCELLED_UNCONFIRMED",
  "CANCEL_AND_REBOOK",
  "STALE_PRICE_NOT_FLAGGED",
] as const;

/**
 * The traps that follow from the calendars and the price feed rather than from a case: found
 * after the day is drawn, and present only where the business date makes them so.
 */
export const CALENDAR_TRAP_KINDS = [
  "PRICE_BEFORE_LOCAL_HOLIDAY",
  "PRICE_STAMPED_LATE_LOCAL",
  "SETTLE_ACROSS_LOCAL_HOLIDAY",
] as const;

export const TRAP_KINDS = [...DESIGNED_TRAP_KINDS, ...CALENDAR_TRAP_KINDS] as const;
export type DesignedTrapKind = (typeof DESIGNED_TRAP_KINDS)[number];
export type TrapKind = (typeof TRAP_KINDS)[number];

/** What one step of the generator adds to the day: a regular trade, or one designed case. */
export interface Chunk {
  readonly trades: Trade[];
  readonly confirmations: Confirmation[];
  readonly expected: ExpectedBreak[];
  readonly traps: Trap[];
  /** A regular trade: confirmed cleanly, by reference, no case built on it. */
  readonly regular: boolean;
}
