import type { BreakCategory } from "#trading";

/**
 * Why a break happened, as the specialists name it, and what the middle office does next. Finer
 * than the matcher's category: a price break is our booking or the broker's confirmation, a
 * quantity break an outstanding fill or a fat-fingered booking. Each cause explains the
 * categories listed; a specialist's answer naming a cause outside the break's category is not
 * accepted. `escalates` marks a cause that is never settled without a person: it is named on
 * an escalation as the cause suspected, never as a resolution.
 *
 * The next action here is the generic one; a finding carries its own, with the ids and numbers.
 */
export const ROOT_CAUSES = [
  {
    rootCause: "our_price_error",
    categories: ["PRICE_MISMATCH"],
    nextAction: "Amend our booked price to the confirmed price",
  },
  {
    rootCause: "broker_price_error",
    categories: ["PRICE_MISMATCH"],
    nextAction: "Ask the broker to correct the price on its confirmation",
  },
  {
    rootCause: "stale_market_data",
    categories: ["STALE_PRICE"],
    nextAction: "Re-request the vendor's close for the expected date and revalue",
  },
  {
    rootCause: "our_settle_date_error",
    categories: ["SETTLE_DATE_MISMATCH"],
    nextAction: "Amend our settle date to the conventional date",
  },
  {
    rootCause: "broker_settle_date_error",
    categories: ["SETTLE_DATE_MISMATCH"],
    nextAction: "Ask the broker to correct its settle date to the conventional date",
  },
  {
    rootCause: "wrong_counterparty_on_confirmation",
    categories: ["COUNTERPARTY_SSI_MISMATCH"],
    nextAction: "Chase the broker to reissue the confirmation for our counterparty",
  },
  {
    rootCause: "stale_ssi",
    categories: ["COUNTERPARTY_SSI_MISMATCH"],
    nextAction: "Confirm the current settlement instruction and fix the stale one before settlement",
  },
  {
    rootCause: "our_currency_error",
    categories: ["CURRENCY_MISMATCH"],
    nextAction: "Amend our booked currency to the instrument's",
  },
  {
    rootCause: "broker_static_data_error",
    categories: ["CURRENCY_MISMATCH"],
    nextAction: "Ask the broker to fix its static data and reissue the confirmation",
  },
  {
    rootCause: "partial_fill_outstanding",
    categories: ["QUANTITY_MISMATCH"],
    nextAction: "Chase the broker for the remaining fill",
  },
  {
    rootCause: "our_quantity_error",
    categories: ["QUANTITY_MISMATCH"],
    nextAction: "Amend our booked quantity to the confirmed quantity once the desk confirms it",
  },
  {
    rootCause: "side_disputed",
    categories: ["SIDE_MISMATCH"],
    nextAction: "Escalate to the desk to confirm the side; amend nothing by guess",
    escalates: true,
  },
  {
    rootCause: "missing_confirmation",
    categories: ["MISSING_CONFIRMATION"],
    nextAction: "Chase the broker for the confirmation",
  },
  {
    rootCause: "booking_details_differ",
    categories: ["MISSING_CONFIRMATION", "UNKNOWN_CONFIRMATION"],
    nextAction: "Pair the confirmation with the booking found and correct the one field that differs",
  },
  {
    rootCause: "not_our_trade",
    categories: ["UNKNOWN_CONFIRMATION"],
    nextAction: "DK the confirmation back to the broker: we don't know the trade",
  },
  {
    rootCause: "duplicate_booking",
    categories: ["DUPLICATE_BOOKING"],
    nextAction: "Cancel the duplicate booking",
  },
  {
    rootCause: "broker_missed_cancellation",
    categories: ["CANCELLED_BUT_CONFIRMED"],
    nextAction: "Tell the broker the trade is cancelled and ask it to cancel its confirmation",
  },
  {
    rootCause: "rebooked_under_new_id",
    categories: ["CANCELLED_BUT_CONFIRMED", "MISSING_CONFIRMATION"],
    nextAction: "Ask the broker to re-reference its confirmation to the rebooked trade",
  },
  {
    rootCause: "amendment_not_confirmed",
    categories: ["AMENDMENT_NOT_CONFIRMED"],
    nextAction: "Chase the broker for an amended confirmation",
  },
] as const satisfies readonly RootCauseEntry[];

export interface RootCauseEntry {
  readonly rootCause: string;
  readonly categories: readonly BreakCategory[];
  readonly nextAction: string;
  readonly escalates?: true;
}

export type RootCause = (typeof ROOT_CAUSES)[number]["rootCause"];

/** Every root cause's name, in {@link ROOT_CAUSES} order. */
export const ROOT_CAUSE_NAMES: readonly RootCause[] = ROOT_CAUSES.map((c) => c.rootCause);

const byName = new Map<string, RootCauseEntry>(ROOT_CAUSES.map((c) => [c.rootCause, c]));

/** The entry of a root cause named `name` that explains `category`, if there is one. */
export function rootCauseFor(
  name: unknown,
  category: BreakCategory,
): (RootCauseEntry & { rootCause: RootCause }) | undefined {
  const entry = typeof name === "string" ? byName.get(name) : undefined;
  return entry?.categories.includes(category)
    ? (entry as RootCauseEntry & { rootCause: RootCause })
    : undefined;
}

/** The root causes that explain a category. */
export function rootCausesOf(category: BreakCategory): RootCause[] {
  return ROOT_CAUSES.filter((c) => (c.categories as readonly BreakCategory[]).includes(category)).map(
    (c) => c.rootCause,
  );
}

/**
 * What a person does with a break of each category when no specialist settled it: the facts did
 * not tell, the answer was too uncertain, or rounds ran out.
 */
export const MANUAL_ACTION_OF: Readonly<Record<BreakCategory, string>> = {
  PRICE_MISMATCH:
    "Check the execution price with the trader and the broker: the market close does not tell which is right",
  QUANTITY_MISMATCH: "Confirm the executed quantity with the desk and the broker",
  SIDE_MISMATCH: "Escalate to the desk to confirm the side; amend nothing by guess",
  CURRENCY_MISMATCH: "Confirm the trade currency with the desk and the broker",
  SETTLE_DATE_MISMATCH: "Confirm the agreed settle date with the desk and the broker",
  COUNTERPARTY_SSI_MISMATCH:
    "Confirm the counterparty and its settlement instruction with the broker before settlement",
  MISSING_CONFIRMATION: "Check the trade with the desk, then chase the broker for its confirmation",
  UNKNOWN_CONFIRMATION: "Ask the broker which trade it confirms; DK it if it is not ours",
  DUPLICATE_BOOKING: "Ask the desk whether both bookings are genuine before cancelling either",
  CANCELLED_BUT_CONFIRMED: "Confirm the cancellation with the desk before telling the broker",
  AMENDMENT_NOT_CONFIRMED: "Confirm the amendment with the desk, then chase the broker",
  STALE_PRICE: "Source the close from a second vendor or the desk's mark before valuation",
};
