/**
 * The desks' risk limits, as data: what the risk check measures a break against. Amounts are in
 * US dollars; exposure is measured the way `get_desk_exposure` measures it (the day's active
 * trades netted per instrument, valued at the latest close, converted at the day's FX closes).
 *
 * | Desk       | Gross limit | Single-trade limit |
 * | ---------- | ----------- | ------------------ |
 * | `FX`       | $2.5bn      | $60M               |
 * | `MACRO`    | $2.5bn      | $60M               |
 * | `RATES`    | $750M       | $30M               |
 * | `EQUITIES` | $250M       | $20M               |
 * | `CREDIT`   | $150M       | $10M               |
 * | any other  | $100M       | $10M               |
 *
 * Sized for the generated day's desks (their gross exposure is about 60% of the limit on the
 * standard day; their largest trades sit under the single-trade limit); a desk not listed gets
 * the default, the tightest.
 */
export interface DeskLimit {
  /** The most the desk's gross exposure (sum of absolute position values) may reach. */
  readonly grossUsd: number;
  /** The most one break may put at stake (its notional in US dollars). */
  readonly singleTradeUsd: number;
}

export const DESK_LIMITS: Readonly<Record<string, DeskLimit>> = {
  FX: { grossUsd: 2_500_000_000, singleTradeUsd: 60_000_000 },
  MACRO: { grossUsd: 2_500_000_000, singleTradeUsd: 60_000_000 },
  RATES: { grossUsd: 750_000_000, singleTradeUsd: 30_000_000 },
  EQUITIES: { grossUsd: 250_000_000, singleTradeUsd: 20_000_000 },
  CREDIT: { grossUsd: 150_000_000, singleTradeUsd: 10_000_000 },
};

/** The limits of a desk not in {@link DESK_LIMITS}. */
export const DEFAULT_DESK_LIMIT: DeskLimit = { grossUsd: 100_000_000, singleTradeUsd: 10_000_000 };

/**
 * The limits of a desk: its own row, else the default.
 *
 * @example
 * deskLimitOf("RATES"); // { grossUsd: 750_000_000, singleTradeUsd: 30_000_000 }
 * deskLimitOf("Cash Equities"); // DEFAULT_DESK_LIMIT
 */
export function deskLimitOf(desk: string): DeskLimit {
  return Object.hasOwn(DESK_LIMITS, desk) ? (DESK_LIMITS[desk] as DeskLimit) : DEFAULT_DESK_LIMIT;
}
