import type { Random } from "./random.ts";
import type { AssetClass, Counterparty, Currency, Desk, Instrument } from "./types.ts";

/**
 * Static reference data of the synthetic bank: instruments, brokers with their SSIs, desks.
 * Drawn from its own random stream so it depends on the seed only, not on the trade count.
 */
export interface ReferenceData {
  readonly instruments: Instrument[];
  /** Close price of every instrument, the centre the day's executions scatter around. */
  readonly closes: Map<string, number>;
  readonly counterparties: Counterparty[];
  readonly desks: Desk[];
  /** Every ISIN handed out, so later issues (stale-price bonds) stay unique. */
  readonly issued: Set<string>;
}

const CURRENCIES: readonly Currency[] = ["USD", "EUR", "GBP", "JPY", "CHF"];
const EQUITY_MARKETS: readonly { country: string; currency: Currency }[] = [
  { country: "US", currency: "USD" },
  { country: "US", currency: "USD" },
  { country: "GB", currency: "GBP" },
  { country: "DE", currency: "EUR" },
  { country: "FR", currency: "EUR" },
  { country: "JP", currency: "JPY" },
  { country: "CH", currency: "CHF" },
];
const FX_PAIRS: readonly { symbol: string; currency: Currency; rate: number }[] = [
  { symbol: "EURUSD", currency: "USD", rate: 1.08 },
  { symbol: "GBPUSD", currency: "USD", rate: 1.27 },
  { symbol: "USDJPY", currency: "JPY", rate: 150.2 },
  { symbol: "USDCHF", currency: "CHF", rate: 0.88 },
  { symbol: "EURGBP", currency: "GBP", rate: 0.85 },
  { symbol: "EURCHF", currency: "CHF", rate: 0.95 },
  { symbol: "EURJPY", currency: "JPY", rate: 162.3 },
  { symbol: "GBPJPY", currency: "JPY", rate: 190.7 },
];
const BROKER_NAMES = [
  "Northbridge Securities",
  "Halden & Pryce",
  "Meridian Capital Markets",
  "Oakmont Brokerage",
  "Castellan Prime",
  "Bluewater Execution",
  "Kestrel Global Markets",
  "Aldgate Partners",
  "Sundial Securities",
  "Tamarind Capital",
  "Riverside Clearing",
  "Ironbark Markets",
  "Larchfield & Co",
  "Vantage Row Securities",
  "Corvid Trading",
  "Ashgrove Financial",
];
const CUSTODIAN_BICS = ["CITIUS33", "CHASUS33", "BNYMUS33", "DEUTDEFF", "BARCGB22", "SBOSUS3N"];
const DESKS: readonly { desk: string; code: string; assetClasses: AssetClass[] }[] = [
  { desk: "Cash Equities", code: "CEQ", assetClasses: ["equity"] },
  { desk: "Delta One", code: "D1", assetClasses: ["equity"] },
  { desk: "Rates", code: "RTS", assetClasses: ["bond"] },
  { desk: "Credit", code: "CRD", assetClasses: ["bond"] },
  { desk: "FX Spot", code: "FXS", assetClasses: ["fx"] },
  { desk: "Macro", code: "MAC", assetClasses: ["fx", "bond"] },
];
const ALPHANUMERIC = [..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"];

/** Builds the reference data for one seed. */
export function buildReferenceData(rng: Random, sizes = { equities: 300, bonds: 150 }): ReferenceData {
  const issued = new Set<string>();
  const instruments: Instrument[] = [];
  const closes = new Map<string, number>();
  for (let i = 0; i < sizes.equities; i++) {
    const market = rng.pick(EQUITY_MARKETS);
    const isin = uniqueIsin(rng, market.country, issued);
    const close = market.currency === "JPY" ? rng.int(500, 12_000) : round2(rng.between(5, 600));
    instruments.push({
      instrumentId: isin,
      symbol: `EQ${String(i + 1).padStart(3, "0")}.${market.country}`,
      assetClass: "equity",
      currency: market.currency,
      priceFactor: 1,
      priceDecimals: market.currency === "JPY" ? 0 : 4,
      lotSize: market.currency === "JPY" ? 100 : 1,
    });
    closes.set(isin, close);
  }
  for (let i = 0; i < sizes.bonds; i++) instruments.push(newBond(rng, issued, closes, `BD${i + 1}`));
  for (const pair of FX_PAIRS) {
    const isin = uniqueIsin(rng, "XC", issued);
    instruments.push({
      instrumentId: isin,
      symbol: pair.symbol,
      assetClass: "fx",
      currency: pair.currency,
      priceFactor: 1,
      priceDecimals: pair.currency === "JPY" ? 3 : 5,
      lotSize: 1_000,
    });
    closes.set(isin, pair.rate);
  }
  const counterparties = BROKER_NAMES.map((name, i) => newCounterparty(rng, name, i));
  const desks: Desk[] = DESKS.map((d) => ({
    desk: d.desk,
    assetClasses: d.assetClasses,
    accounts: [1, 2, 3].map((n) => `${d.code}-${String(n).padStart(3, "0")}`),
  }));
  return { instruments, closes, counterparties, desks, issued };
}

/**
 * A bond quoted per 100 of face. Also used for the thinly traded issues behind stale prices,
 * each created for exactly one trade so a stale price never touches a clean trade.
 */
export function newBond(rng: Random, issued: Set<string>, closes: Map<string, number>, symbol: string) {
  const currency: Currency = rng.chance(0.6) ? "USD" : "EUR";
  const isin = uniqueIsin(rng, currency === "USD" ? "US" : "XS", issued);
  closes.set(isin, roundTo4(rng.between(82, 112)));
  return {
    instrumentId: isin,
    symbol,
    assetClass: "bond",
    currency,
    priceFactor: 0.01,
    priceDecimals: 4,
    lotSize: 1_000,
  } satisfies Instrument;
}

/** An alternative SSI for the same broker: same custodian family, another account. */
export function otherSsi(rng: Random, ssi: string): string {
  for (;;) {
    const candidate = `${rng.pick(CUSTODIAN_BICS)} ${accountNumber(rng)}`;
    if (candidate !== ssi) return candidate;
  }
}

function newCounterparty(rng: Random, name: string, index: number): Counterparty {
  const ssis = {} as Record<Currency, string>;
  for (const currency of CURRENCIES) ssis[currency] = `${rng.pick(CUSTODIAN_BICS)} ${accountNumber(rng)}`;
  let lei = "";
  for (let i = 0; i < 18; i++) lei += rng.pick(ALPHANUMERIC);
  return { counterpartyId: `CP${String(index + 1).padStart(3, "0")}`, name, lei: `${lei}00`, ssis };
}

function accountNumber(rng: Random): string {
  return `${rng.int(1000, 9999)}-${rng.int(100_000, 999_999)}`;
}

function uniqueIsin(rng: Random, country: string, issued: Set<string>): string {
  for (;;) {
    let body = country;
    for (let i = 0; i < 9; i++) body += rng.pick(ALPHANUMERIC);
    const isin = body + isinCheckDigit(body);
    if (!issued.has(isin)) {
      issued.add(isin);
      return isin;
    }
  }
}

/**
 * ISO 6166 check digit: letters become two digits (A=10), then Luhn from the right.
 *
 * @example
 * isinCheckDigit("US037833100"); // "5" (Apple, US0378331005)
 */
export function isinCheckDigit(body: string): string {
  const digits = [...body].map((c) => Number.parseInt(c, 36).toString()).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function roundTo4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
