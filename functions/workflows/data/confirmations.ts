import { addBusinessDays } from "./calendar.ts";
import { roundTo } from "./money.ts";
import type { Random } from "./random.ts";
import { otherSsi } from "./reference.ts";
import { type DraftTrade, offMarket, stepOf } from "./trades.ts";
import type { Confirmation, InjectedBreak } from "./types.ts";

/** Clean confirmations may differ from the booking by broker rounding, at most this many bps. */
export const CLEAN_PRICE_NOISE_BPS = 2;

/**
 * Writes the brokers' confirmations for the drafted trades, applying the broker-side breaks,
 * and records every injected break as ground truth.
 *
 * Missing confirmations and the second booking of a duplicate get no confirmation: the broker
 * only ever saw one trade.
 */
export function confirmTrades(
  drafts: readonly DraftTrade[],
  rng: Random,
): { confirmations: Confirmation[]; groundTruth: InjectedBreak[] } {
  const confirmations: Confirmation[] = [];
  const groundTruth: InjectedBreak[] = [];
  const sequence = new Map<string, number>();

  for (const draft of drafts) {
    const { trade, instrument } = draft;
    if (draft.duplicateOf) {
      groundTruth.push({
        kind: "duplicate_booking",
        tradeIds: [draft.duplicateOf.trade.tradeId, trade.tradeId],
        details: { originalTradeId: draft.duplicateOf.trade.tradeId, duplicateTradeId: trade.tradeId },
      });
      continue;
    }
    if (draft.kind === "missing_confirmation") {
      groundTruth.push({ kind: "missing_confirmation", tradeIds: [trade.tradeId], details: {} });
      continue;
    }

    const n = (sequence.get(trade.counterparty) ?? 0) + 1;
    sequence.set(trade.counterparty, n);
    let confirmation: Confirmation = {
      confirmationId: `${trade.counterparty}-C${String(n).padStart(6, "0")}`,
      tradeRef: trade.tradeId,
      counterparty: trade.counterparty,
      instrumentId: trade.instrumentId,
      side: trade.side,
      quantity: trade.quantity,
      price: draft.kind ? draft.executedPrice : brokerRounding(draft, rng),
      currency: trade.currency,
      tradeDate: trade.tradeDate,
      settleDate: draft.agreedSettleDate,
      ssi: trade.ssi,
      receivedAt: new Date(Date.parse(trade.bookedAt) + rng.int(2, 90) * 60_000).toISOString(),
    };

    switch (draft.kind) {
      case "price_outside_tolerance":
        if (draft.faultSide === "broker") {
          confirmation = { ...confirmation, price: offMarket(draft.executedPrice, instrument, rng) };
        }
        groundTruth.push({
          kind: draft.kind,
          tradeIds: [trade.tradeId],
          details: {
            faultSide: draft.faultSide ?? "",
            bookedPrice: trade.price,
            confirmedPrice: confirmation.price,
          },
        });
        break;
      case "quantity_mismatch": {
        const delta = stepOf(instrument) * rng.int(1, 5);
        const quantity = trade.quantity > delta ? trade.quantity - delta : trade.quantity + delta;
        confirmation = { ...confirmation, quantity };
        groundTruth.push({
          kind: draft.kind,
          tradeIds: [trade.tradeId],
          details: { bookedQuantity: trade.quantity, confirmedQuantity: quantity },
        });
        break;
      }
      case "settle_date_mismatch":
        if (draft.faultSide === "broker") {
          confirmation = { ...confirmation, settleDate: addBusinessDays(draft.agreedSettleDate, 1) };
        }
        groundTruth.push({
          kind: draft.kind,
          tradeIds: [trade.tradeId],
          details: {
            faultSide: draft.faultSide ?? "",
            bookedSettleDate: trade.settleDate,
            confirmedSettleDate: confirmation.settleDate,
          },
        });
        break;
      case "counterparty_ssi_mismatch": {
        confirmation = { ...confirmation, ssi: otherSsi(rng, trade.ssi) };
        groundTruth.push({
          kind: draft.kind,
          tradeIds: [trade.tradeId],
          details: { bookedSsi: trade.ssi, confirmedSsi: confirmation.ssi },
        });
        break;
      }
      case "stale_price":
        // The break lives in the price feed; see `priceTheDay`.
        groundTruth.push({
          kind: draft.kind,
          tradeIds: [trade.tradeId],
          details: { instrumentId: trade.instrumentId },
        });
        break;
      default:
        break;
    }
    confirmations.push(confirmation);
  }
  confirmations.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return { confirmations, groundTruth };
}

/** One clean confirmation in ten quotes a rounded average price a hair away from the booking. */
function brokerRounding(draft: DraftTrade, rng: Random): number {
  const booked = draft.trade.price;
  if (!rng.chance(0.1)) return booked;
  const quoted = roundTo(booked * (1 + rng.between(-1, 1) * 1e-4), draft.instrument.priceDecimals);
  return Math.abs(quoted - booked) / booked <= CLEAN_PRICE_NOISE_BPS / 10_000 ? quoted : booked;
}
