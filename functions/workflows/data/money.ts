import type { Currency, Instrument } from "./types.ts";

/**
 * US dollars per unit of each currency, fixed for the synthetic day so notionals are
 * comparable across desks without a rates feed.
 */
export const USD_PER_UNIT: Readonly<Record<Currency, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  JPY: 1 / 150,
  CHF: 1 / 0.88,
};

/**
 * Cash value in US dollars of `quantity` at `price` (absolute; sides do not matter here).
 *
 * @example
 * notionalUsd(bond, 1_000_000, 99.5); // 995_000 for a USD bond quoted per 100
 */
export function notionalUsd(
  instrument: Pick<Instrument, "priceFactor" | "currency">,
  quantity: number,
  price: number,
): number {
  return Math.abs(quantity * price * instrument.priceFactor * USD_PER_UNIT[instrument.currency]);
}

/** Rounds to `decimals` places, the way prices are quoted. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
