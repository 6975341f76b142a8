import { type Break, type BreakCategory, type BreakField, type BreakValue, breakIdOf } from "../breaks.ts";
import type { Instrument, Trade } from "../model/index.ts";

/**
 * The notional a break is ranked by, in the currency it is stated in: shares × price for
 * equities, face × price / 100 for bonds (price in % of par), the base amount for FX.
 */
export function notionalOf(
  instrument: Instrument,
  quantity: number,
  price: number,
): { notional: number; currency: string } {
  switch (instrument.type) {
    case "EQUITY":
      return { notional: round2(quantity * price), currency: instrument.currency };
    case "FX_SPOT":
      return { notional: round2(quantity), currency: instrument.baseCurrency };
    default:
      return { notional: round2((quantity * price) / 100), currency: instrument.currency };
  }
}

/** A break about one or more of our trades, the first of which gives desk, broker and size. */
export function tradeBreak(
  category: BreakCategory,
  trades: readonly Trade[],
  instrument: Instrument,
  fields: {
    confirmationIds?: readonly string[];
    field?: BreakField;
    ours?: BreakValue;
    theirs?: BreakValue;
    detail: string;
  },
): Break {
  const first = trades[0] as Trade;
  const base = {
    category,
    tradeIds: trades.map((t) => t.tradeId),
    confirmationIds: [...(fields.confirmationIds ?? [])].sort(),
    instrumentId: instrument.instrumentId,
    ...(fields.field ? { field: fields.field } : {}),
  };
  return {
    breakId: breakIdOf(base),
    ...base,
    ...(fields.ours !== undefined ? { ours: fields.ours } : {}),
    ...(fields.theirs !== undefined ? { theirs: fields.theirs } : {}),
    ...notionalOf(instrument, first.quantity, first.price),
    desk: first.desk,
    broker: first.broker,
    counterparty: first.counterparty.name,
    detail: fields.detail,
  };
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * A number as a person reads it in a detail line: thousands grouped, up to 8 decimals, no float
 * noise. Hand-rolled: `toLocaleString` with options costs microseconds a call, and a big day
 * writes a detail line per break.
 */
export function show(value: number): string {
  const fixed = Number(value.toFixed(8)).toString();
  if (fixed.includes("e")) return fixed;
  const [whole = "", fraction] = fixed.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction ? `${sign}${grouped}.${fraction}` : `${sign}${grouped}`;
}
