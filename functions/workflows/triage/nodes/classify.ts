import { type DetectedBreak, settlementDate } from "#data";
import type { ConfirmationLookup, PriceView, TradeView } from "#tools";
import { agentTools } from "../context.ts";
import { formatUsd, MECHANICAL_KINDS, severityOf } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { ClassifiedBreak, FaultSide } from "../types.ts";

/** What the classifier looked up for one break. */
interface Facts {
  readonly trade: TradeView;
  readonly confirmation: ConfirmationLookup["confirmation"];
  readonly price: PriceView;
}

/**
 * Classifies each break from the facts behind it — the booking, the broker's confirmation and
 * the market price, each fetched through a tool — into severity, fault side and fixability,
 * with the evidence spelled out.
 */
export async function classify(state: TriageStateValue): Promise<TriageUpdate> {
  const { tools, calls } = agentTools("classifier", state.dataset);
  const classified: ClassifiedBreak[] = [];
  for (const exception of state.exceptions) {
    // For a duplicate, act on the extra booking: the original is the confirmed one.
    const primaryTradeId =
      (exception.kind === "duplicate_booking" ? exception.tradeIds[1] : exception.tradeIds[0]) ?? "";
    const trade = await tools.get_trade.invoke({ tradeId: primaryTradeId });
    const { confirmation } = await tools.get_confirmation.invoke({
      tradeId: exception.tradeIds[0] ?? primaryTradeId,
    });
    const price = await tools.get_market_price.invoke({ instrumentId: trade.instrumentId });
    classified.push(classifyOne(exception, primaryTradeId, { trade, confirmation, price }));
  }
  const fixable = classified.filter((c) => c.fixable).length;
  return {
    classified,
    steps: [
      {
        node: "classify",
        did: `classified ${classified.length} breaks from trade, confirmation and price lookups; ${fixable} mechanically fixable`,
        toolCalls: calls(),
      },
    ],
  };
}

function classifyOne(exception: DetectedBreak, primaryTradeId: string, facts: Facts): ClassifiedBreak {
  const { faultSide, impactUsd, evidence } = assess(exception, facts);
  return {
    breakId: exception.breakId,
    kind: exception.kind,
    tradeIds: exception.tradeIds,
    primaryTradeId,
    desk: exception.desk,
    counterparty: exception.counterparty,
    instrumentId: facts.trade.instrumentId,
    severity: severityOf(exception.kind, impactUsd),
    impactUsd: Math.round(impactUsd),
    faultSide,
    fixable: MECHANICAL_KINDS.has(exception.kind) && (faultSide === "internal" || faultSide === "data"),
    evidence,
  };
}

function assess(
  exception: DetectedBreak,
  { trade, confirmation, price }: Facts,
): { faultSide: FaultSide; impactUsd: number; evidence: string[] } {
  const notional = trade.notionalUsd;
  switch (exception.kind) {
    case "price_outside_tolerance": {
      const confirmed = confirmation?.price ?? trade.price;
      const bookedOff = bpsFrom(trade.price, price.price);
      const confirmedOff = bpsFrom(confirmed, price.price);
      // Whichever side is farther from the market made the mistake.
      const faultSide: FaultSide = bookedOff > confirmedOff ? "internal" : "broker";
      return {
        faultSide,
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
        faultSide: "unknown",
        impactUsd: (notional * Math.abs(trade.quantity - confirmed)) / trade.quantity,
        evidence: [`booked ${trade.quantity} vs confirmed ${confirmed} of ${trade.instrumentSymbol}`],
      };
    }
    case "missing_confirmation":
      return {
        faultSide: "unknown",
        impactUsd: notional,
        evidence: [
          `no confirmation from ${trade.counterparty} for ${formatUsd(notional)} booked at ${trade.bookedAt}`,
        ],
      };
    case "settle_date_mismatch": {
      const convention = settlementDate(trade.tradeDate, trade.assetClass);
      const confirmed = confirmation?.settleDate ?? trade.settleDate;
      const faultSide: FaultSide = trade.settleDate === convention ? "broker" : "internal";
      return {
        faultSide,
        impactUsd: notional,
        evidence: [
          `booked settle ${trade.settleDate} vs confirmed ${confirmed}; ${trade.assetClass} convention is ${convention}`,
        ],
      };
    }
    case "duplicate_booking":
      return {
        faultSide: "internal",
        impactUsd: notional,
        evidence: [
          `${trade.tradeId} repeats ${exception.tradeIds[0]}: same account, instrument, side, quantity, price and counterparty`,
          `broker confirmed only ${confirmation?.tradeRef ?? "neither"}`,
        ],
      };
    case "counterparty_ssi_mismatch":
      return {
        faultSide: "unknown",
        impactUsd: notional,
        evidence: [
          `our SSI ${trade.ssi} vs broker's ${confirmation?.ssi ?? "none"}: cash could settle to the wrong account`,
        ],
      };
    case "stale_price":
      return {
        faultSide: "data",
        impactUsd: notional,
        evidence: [`${price.symbol} last priced ${price.asOf}, ${price.ageHours} hours before valuation`],
      };
  }
}

function bpsFrom(value: number, reference: number): number {
  return (Math.abs(value - reference) / reference) * 10_000;
}
