import type { AssetClass } from "./types.ts";

/** Settlement lag in business days by asset class (equities T+1 since 2024; bonds and FX spot T+2). */
export const SETTLEMENT_LAG: Readonly<Record<AssetClass, number>> = { equity: 1, bond: 2, fx: 2 };

const DAY_MS = 86_400_000;

/** True for `YYYY-MM-DD` strings naming a real calendar date. */
export function isIsoDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

/**
 * Weekends and the settlement holidays we model (1 January, US Thanksgiving, 25 December) are not
 * business days. A small calendar on purpose: enough to make T+2 over Thanksgiving realistic.
 *
 * @example
 * isBusinessDay("2026-11-26"); // false, Thanksgiving
 */
export function isBusinessDay(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = day.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const month = day.getUTCMonth();
  const dom = day.getUTCDate();
  if (month === 0 && dom === 1) return false;
  if (month === 11 && dom === 25) return false;
  // Fourth Thursday of November.
  if (month === 10 && weekday === 4 && dom >= 22 && dom <= 28) return false;
  return true;
}

/**
 * Moves `days` business days from `date` (negative goes back).
 *
 * @example
 * addBusinessDays("2026-11-24", 2); // "2026-11-27" (skips Thanksgiving)
 */
export function addBusinessDays(date: string, days: number): string {
  let time = new Date(`${date}T00:00:00Z`).getTime();
  const step = days >= 0 ? 1 : -1;
  let remaining = Math.abs(days);
  while (remaining > 0) {
    time += step * DAY_MS;
    if (isBusinessDay(new Date(time).toISOString().slice(0, 10))) remaining--;
  }
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The conventional settlement date of a trade.
 *
 * @example
 * settlementDate("2026-11-24", "equity"); // "2026-11-25"
 */
export function settlementDate(tradeDate: string, assetClass: AssetClass): string {
  return addBusinessDays(tradeDate, SETTLEMENT_LAG[assetClass]);
}
