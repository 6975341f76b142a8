import { type BreakKind, settlementDate } from "#data";
import { definePolicy, readConversation } from "#models";
import type { ConfirmationLookup, PriceView, TradeView } from "#tools";
import { formatUsd, MECHANICAL_KINDS, severityOf } from "../routing.ts";
import type { FaultSide } from "../types.ts";
import { answer, called, errorsOf, resultOf } from "./read.ts";

interface Subject {
  readonly kind: BreakKind;
  readonly tradeIds: readonly string[];
  readonly primaryTradeId: string;
}

/**
 * `triage.classifier`, offline: look up the booking and the broker's confirmation, then the
 * market price of the instrument the booking names; classify from those answers alone.
 */
export const classifierPolicy = definePolicy("triage.classifier", (messages) => {
  const { subject, calls } = readConversation(messages);
  const s = subject as unknown as Subject;
  if (!called(calls, "get_trade")) {
    return {
      toolCalls: [
        { name: "get_trade", args: { tradeId: s.primaryTradeId } },
        { name: "get_confirmation", args: { tradeId: s.tradeIds[0] ?? s.primaryTradeId } },
      ],
    };
  }
  const trade = resultOf<TradeView>(calls, "get_trade");
  if (!trade) return answer({ error: errorsOf(calls).join("; ") });
  if (!called(calls, "get_market_price")) {
    return { toolCalls: [{ name: "get_market_price", args: { instrumentId: trade.instrumentId } }] };
  }
  const price = resultOf<PriceView>(calls, "get_market_price");
  if (!price) return answer({ error: errorsOf(calls).join("; ") });
  const confirmation = resultOf<ConfirmationLookup>(calls, "get_confirmation")?.confirmation ?? null;
  const { faultSide, impactUsd, evidence } = assess(s, { trade, confirmation, price });
  return answer({
    instrumentId: trade.instrumentId,
    severity: severityOf(s.kind, impactUsd),
    impactUsd: Math.round(impactUsd),
    faultSide,
    fixable: MECHANICAL_KINDS.has(s.kind) && (faultSide === "internal" || faultSide === "data"),
    evidence,
  });
});

interface Facts {
  readonly trade: TradeView;
  readonly confirmation: ConfirmationLookup["confirmation"];
  readonly price: PriceView;
}

function assess(s: Subject, { trade, confirmation, price }: Facts) {
  const notional = trade.notionalUsd;
  const unknown = (evidence: string) => ({
    faultSide: "unknown" as FaultSide,
    impactUsd: notional,
    evidence: [evidence],
  });
  switch (s.kind) {
    case "price_outside_tolerance": {
      const confirmed = confirmation?.price ?? trade.price;
      const bookedOff = bpsFrom(trade.price, price.price);
      const confirmedOff = bpsFrom(confirmed, price.price);
      // Whichever side is farther from the market made the mistake.
      return {
        faultSide: (bookedOff > confirmedOff ? "internal" : "broker") as FaultSide,
        impactUsd: (notional * Math.abs(trade.price - confirmed)) / trade.price,
        evidence: [
          `booked ${trade.price} vs confirmed ${confirmed} (${bpsFrom(trade.price, confirmed).toFixed(1)} bps)`,
          `market ${price.price} as of ${price.asOf}: booked ${bookedOff.toFixed(1)} bps off, confirmed ${confirmedOff.toFixed(1)} bps off`,
        ],
      };
    }
    case "quantity_mismatch": {
      const confirmed = confirmation?.quantity ?? trade.quantity;
      return {
        faultSide: "unknown" as FaultSide,
        impactUsd: (notional * Math.abs(trade.quantity - confirmed)) / trade.quantity,
        evidence: [`booked ${trade.quantity} vs confirmed ${confirmed} of ${trade.instrumentSymbol}`],
      };
    }
    case "missing_confirmation":
      return unknown(
        `no confirmation from ${trade.counterparty} for ${formatUsd(notional)} booked at ${trade.bookedAt}`,
      );
    case "settle_date_mismatch": {
      const convention = settlementDate(trade.tradeDate, trade.assetClass);
      return {
        faultSide: (trade.settleDate === convention ? "broker" : "internal") as FaultSide,
        impactUsd: notional,
        evidence: [
          `booked settle ${trade.settleDate} vs confirmed ${confirmation?.settleDate ?? trade.settleDate}; ${trade.assetClass} convention is ${convention}`,
        ],
      };
    }
    case "duplicate_booking":
      return {
        faultSide: "internal" as FaultSide,
        impactUsd: notional,
        evidence: [
          `${trade.tradeId} repeats ${s.tradeIds[0]}: same account, instrument, side, quantity, price and counterparty`,
          `broker confirmed only ${confirmation?.tradeRef ?? "neither"}`,
        ],
      };
    case "counterparty_ssi_mismatch":
      return unknown(
        `our SSI ${trade.ssi} vs broker's ${confirmation?.ssi ?? "none"}: cash could settle to the wrong account`,
      );
    case "stale_price":
      return {
        faultSide: "data" as FaultSide,
        impactUsd: notional,
        evidence: [`${price.symbol} last priced ${price.asOf}, ${price.ageHours} hours before valuation`],
      };
  }
}

function bpsFrom(value: number, reference: number): number {
  return (Math.abs(value - reference) / reference) * 10_000;
}
