import type { Confirmation } from "./confirmation.ts";
import type { Instrument } from "./instrument.ts";
import type { MarketPrice } from "./price.ts";
import type { Trade } from "./trade.ts";

/** The four kinds of record a trading day is made of, by the name of their file. */
export const RECORD_KINDS = ["instruments", "trades", "confirmations", "prices"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * One business day's data in the canonical model, validated. `businessDate` is the date the
 * reconciliation is for: prices are judged stale against it.
 */
export interface TradingDay {
  readonly businessDate: string;
  readonly instruments: readonly Instrument[];
  readonly trades: readonly Trade[];
  readonly confirmations: readonly Confirmation[];
  readonly prices: readonly MarketPrice[];
}
