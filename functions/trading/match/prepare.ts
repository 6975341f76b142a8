import type { Confirmation, Side } from "../model/index.ts";
import { oppositeSide } from "../model/index.ts";
import type { InstrumentIndex } from "./instruments.ts";
import { resolveRef } from "./references.ts";

/**
 * A confirmation restated in our terms, ready to pair and compare: its reference resolved to
 * one of our trade ids (or none), its instrument resolved to ours, and an FX confirmation quoted
 * in the inverse pair turned round (pair reversed, side flipped, amounts swapped, rate
 * inverted). Plain JSON, so the orchestrator can write it into a worker's partition.
 */
export interface PreparedConfirmation {
  readonly confirmationId: string;
  readonly broker: string;
  readonly brokerRef: string;
  readonly account: string;
  readonly receivedAt: string;
  /** Our trade id the reference names; absent when missing or not ours. */
  readonly ref?: string;
  /** Our instrument id; the id as quoted when it names none of ours (`knownInstrument` false). */
  readonly instrumentId: string;
  readonly knownInstrument: boolean;
  /** The broker quoted the inverse FX pair; the figures below are already turned round. */
  readonly inverted: boolean;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  readonly currency: string;
  readonly tradeDate: string;
  readonly settleDate: string;
  readonly counterAmount?: number;
  /**
   * How far `quantity` may be off because we derived it: an inverse FX confirmation without its
   * counter amount gives our base amount only as its quantity × its rate, and a rate rounded to
   * n decimals knows that product to ±quantity × 0.5 × 10⁻ⁿ. Absent when the broker stated it.
   */
  readonly quantityUncertainty?: number;
  readonly lei?: string;
  readonly ssiId?: string;
}

/**
 * Restates a confirmation in our terms (see {@link PreparedConfirmation}).
 *
 * @example
 * // The broker confirms USD/EUR: we sold 1,085,000 USD at 0.921659 EUR per USD.
 * prepareConfirmation(conf, index, ids); // EURUSD, BUY 1,000,000 EUR at 1.085000
 */
export function prepareConfirmation(
  confirmation: Confirmation,
  instruments: InstrumentIndex,
  ourIdByNormalized: ReadonlyMap<string, string>,
): PreparedConfirmation {
  const resolved = instruments.resolve(confirmation.instrumentId);
  const ref = resolveRef(confirmation.tradeRef, ourIdByNormalized);
  const common = {
    confirmationId: confirmation.confirmationId,
    broker: confirmation.broker,
    brokerRef: confirmation.brokerRef,
    account: confirmation.account,
    receivedAt: confirmation.receivedAt,
    ...(ref ? { ref } : {}),
    tradeDate: confirmation.tradeDate,
    settleDate: confirmation.settleDate,
    ...(confirmation.counterparty?.lei ? { lei: confirmation.counterparty.lei } : {}),
    ...(confirmation.ssiId ? { ssiId: confirmation.ssiId } : {}),
  };
  if (!resolved?.inverted || resolved.instrument.type !== "FX_SPOT") {
    return {
      ...common,
      instrumentId: resolved?.instrument.instrumentId ?? confirmation.instrumentId,
      knownInstrument: resolved !== undefined,
      inverted: false,
      side: confirmation.side,
      quantity: confirmation.quantity,
      price: confirmation.price,
      currency: confirmation.currency,
      ...(confirmation.counterAmount ? { counterAmount: confirmation.counterAmount } : {}),
    };
  }
  const instrument = resolved.instrument;
  // Quoted as QUOTE/BASE: its base amount is our counter amount, its counter amount our base.
  const baseAmount = confirmation.counterAmount ?? confirmation.quantity * confirmation.price;
  const derived = confirmation.counterAmount === undefined;
  return {
    ...common,
    instrumentId: instrument.instrumentId,
    knownInstrument: true,
    inverted: true,
    side: oppositeSide(confirmation.side),
    quantity: baseAmount,
    price: 1 / confirmation.price,
    // Its price currency is our base; anything else is a genuine currency difference, kept as sent.
    currency:
      confirmation.currency === instrument.baseCurrency ? instrument.quoteCurrency : confirmation.currency,
    counterAmount: confirmation.quantity,
    ...(derived
      ? { quantityUncertainty: confirmation.quantity * 0.5 * 10 ** -decimalsOf(confirmation.price) }
      : {}),
  };
}

/** The decimals a number was written with (`0.92166` → 5); 10 for one only an exponent can show. */
export function decimalsOf(value: number): number {
  const text = String(value);
  if (text.includes("e")) return 10;
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}
