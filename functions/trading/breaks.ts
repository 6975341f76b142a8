/**
 * What a reconciliation finds. Twelve categories, each a distinct next action for the middle
 * office (docs/data.md gives the rule behind each). Plain JSON, so a break can sit in a
 * checkpoint, a CSV row or an agent's prompt without conversion.
 */
export const BREAK_CATEGORIES = [
  "PRICE_MISMATCH",
  "QUANTITY_MISMATCH",
  "SIDE_MISMATCH",
  "CURRENCY_MISMATCH",
  "SETTLE_DATE_MISMATCH",
  "COUNTERPARTY_SSI_MISMATCH",
  "MISSING_CONFIRMATION",
  "UNKNOWN_CONFIRMATION",
  "DUPLICATE_BOOKING",
  "CANCELLED_BUT_CONFIRMED",
  "AMENDMENT_NOT_CONFIRMED",
  "STALE_PRICE",
] as const;
export type BreakCategory = (typeof BREAK_CATEGORIES)[number];

/** The compared field a break is about, where it is about one. */
export const BREAK_FIELDS = [
  "price",
  "quantity",
  "side",
  "currency",
  "settleDate",
  "counterparty.lei",
  "ssiId",
  "price.asOf",
] as const;
export type BreakField = (typeof BREAK_FIELDS)[number];

export type BreakValue = string | number;

/** One break: which records, which field, our value and theirs, how big, and why in a line. */
export interface Break {
  /** Stable and unique: the same break gets the same id on every run (see {@link breakIdOf}). */
  readonly breakId: string;
  readonly category: BreakCategory;
  /** Our trades concerned; for a duplicate the confirmed original first; empty for an unknown confirmation. */
  readonly tradeIds: readonly string[];
  /** The confirmations concerned; empty for a missing confirmation or a stale price. */
  readonly confirmationIds: readonly string[];
  readonly instrumentId: string;
  readonly field?: BreakField;
  /** Our value (the booking, or our price's date). */
  readonly ours?: BreakValue;
  /** Their value (the broker's, aggregated over its fills; for a stale price, the business date). */
  readonly theirs?: BreakValue;
  /** Absolute notional of the first trade (else confirmation) in `currency`: what ranks breaks. */
  readonly notional: number;
  readonly currency: string;
  readonly desk?: string;
  readonly broker?: string;
  /** The counterparty's name, for people (matching compares LEIs). */
  readonly counterparty?: string;
  /** One line a person reads: what differs, by how much, against which tolerance. */
  readonly detail: string;
}

/**
 * The id of a break: category, the records it is about, and the field — unique within a run and
 * the same on every run of the same data.
 *
 * @example
 * breakIdOf({ category: "PRICE_MISMATCH", tradeIds: ["T1"], confirmationIds: ["C9"], field: "price" });
 * // "PRICE_MISMATCH:T1:price"
 */
export function breakIdOf(
  b: Pick<Break, "category" | "tradeIds" | "confirmationIds" | "field" | "instrumentId">,
): string {
  if (b.category === "STALE_PRICE") return `STALE_PRICE:${b.instrumentId}`;
  const subject = b.tradeIds.length > 0 ? b.tradeIds.join("+") : b.confirmationIds.join("+");
  return b.field ? `${b.category}:${subject}:${b.field}` : `${b.category}:${subject}`;
}

/** How a confirmation was tied to a trade. */
export type PairedBy = "reference" | "economics";

/** One trade and the confirmations paired with it, each with how it was paired. */
export interface Match {
  readonly tradeId: string;
  readonly confirmations: readonly { readonly confirmationId: string; readonly pairedBy: PairedBy }[];
}

/** A row that could not be read into the model: where it is, which field, and why. */
export interface QuarantinedRow {
  readonly file: string;
  /** 1-based line (CSV and JSON Lines) or 1-based array position (JSON). */
  readonly line: number;
  /** Dotted canonical field, or `""` when the row as a whole is at fault. */
  readonly field: string;
  readonly reason: string;
  /** The row's id where it had one, to find it in the source. */
  readonly recordId?: string;
}
