import { InstrumentIndex } from "./match/instruments.ts";
import { latestPrices } from "./match/stale.ts";
import type { Instrument, MarketPrice, TradingDay } from "./model/index.ts";

/** A currency's US-dollar rate and the FX close it comes from. */
export interface UsdRate {
  readonly currency: string;
  /** US dollars per one unit of the currency. */
  readonly usdPerUnit: number;
  /** The FX pair whose close gave the rate (null for USD itself). */
  readonly pair: string | null;
  /** The date of that close (null for USD itself). */
  readonly priceDate: string | null;
}

/**
 * US dollars per unit of each currency one of the day's FX closes prices against the dollar
 * (`EURUSD` 1.08 → EUR 1.08; `USDJPY` 150 → JPY 1/150), with the pair and the close's date.
 * USD is 1; a currency with no such close is absent (amounts in it are taken at face value, and
 * said so). When two pairs price one currency, the first in instrument order gives its rate.
 *
 * @example
 * usdRateTable(store.instruments(), (id) => store.latestPrice(id)).get("EUR");
 * // { currency: "EUR", usdPerUnit: 1.08, pair: "EURUSD", priceDate: "2026-11-24" }
 */
export function usdRateTable(
  instruments: Iterable<Instrument>,
  latestClose: (instrumentId: string) => MarketPrice | undefined,
): Map<string, UsdRate> {
  const rates = new Map<string, UsdRate>([
    ["USD", { currency: "USD", usdPerUnit: 1, pair: null, priceDate: null }],
  ]);
  for (const instrument of instruments) {
    if (instrument.type !== "FX_SPOT") continue;
    const close = latestClose(instrument.instrumentId);
    if (!close) continue;
    const priceDate = close.asOf.slice(0, 10);
    const pair = instrument.instrumentId;
    if (instrument.quoteCurrency === "USD" && !rates.has(instrument.baseCurrency)) {
      const currency = instrument.baseCurrency;
      rates.set(currency, { currency, usdPerUnit: close.price, pair, priceDate });
    } else if (instrument.baseCurrency === "USD" && !rates.has(instrument.quoteCurrency)) {
      const currency = instrument.quoteCurrency;
      rates.set(currency, { currency, usdPerUnit: 1 / close.price, pair, priceDate });
    }
  }
  return rates;
}

/**
 * The day's US-dollar rates ({@link usdRateTable}) as a plain record, currency → US dollars per
 * unit: enough to rank breaks across currencies.
 *
 * @example
 * usdRatesOf(day); // { USD: 1, EUR: 1.08, JPY: 0.00667 }
 */
export function usdRatesOf(day: Pick<TradingDay, "instruments" | "prices">): Record<string, number> {
  const instruments = new InstrumentIndex(day.instruments);
  const closes = latestPrices(day.prices, (id) => instruments.resolve(id)?.instrument.instrumentId);
  const rates: Record<string, number> = {};
  for (const [currency, rate] of usdRateTable(day.instruments, (id) => closes.get(id))) {
    rates[currency] = rate.usdPerUnit;
  }
  return rates;
}
