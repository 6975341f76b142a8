/**
 * Synthetic trading data: a seeded trade day with injected breaks (and their ground truth),
 * a memo to regenerate it from a small spec, and the break detector that reads the data only.
 */
export { addBusinessDays, isBusinessDay, SETTLEMENT_LAG, settlementDate } from "./calendar.ts";
export { type BreakScanInput, type DetectedBreak, detectBreaks } from "./detect.ts";
export { DatasetSpecError } from "./errors.ts";
export { generateTradeDay, VALUATION_UTC_TIME } from "./generate.ts";
export { loadTradeDay } from "./memo.ts";
export { notionalUsd, USD_PER_UNIT } from "./money.ts";
export { isinCheckDigit } from "./reference.ts";
export { DatasetSpecSchema, DEFAULT_DATASET, MAX_TRADES, resolveDatasetSpec } from "./spec.ts";
export { DEFAULT_TOLERANCES, type Tolerances, TolerancesSchema } from "./tolerances.ts";
export {
  type AssetClass,
  BREAK_KINDS,
  type BreakDetails,
  type BreakKind,
  type Confirmation,
  type Counterparty,
  type Currency,
  type DatasetSpec,
  type Desk,
  type DeskLimit,
  type GeneratedTradeDay,
  type InjectedBreak,
  type Instrument,
  type MarketPrice,
  type Position,
  type Side,
  type Trade,
  type TradeDay,
} from "./types.ts";
export { TRADE_DAY_FILES, writeTradeDay } from "./write.ts";
