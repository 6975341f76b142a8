import { tool } from "@langchain/core/tools";
import { z } from "zod";
import {
  aggregate,
  businessDaysBetween,
  calendarOf,
  conventionalSettleDate,
  latestBusinessDay,
  notionalOf,
  settlementConvention,
  type Trade,
} from "#trading";
// `earlierVersions` is the matcher's own rule for filling in an earlier version (not yet on `#trading`'s face).
import { earlierVersions } from "../../trading/match/versions.ts";
import { NotFoundError } from "../errors.ts";
import { ConfirmationIdArg, InstrumentIdArg, TradeIdArg } from "./schemas.ts";
import { type HeldConfirmation, instrumentOfTrade, type TradingDayStore } from "./store.ts";
import type {
  ConfirmationRecord,
  ConfirmationView,
  InstrumentRecord,
  MarketPriceRecord,
  SettlementConventionRecord,
  TradeConfirmations,
  TradeRecord,
  TradeVersionView,
} from "./views.ts";

/** `get_trade`: a booking by id, its notional, and every earlier version of its economics. */
export function getTradeTool(store: TradingDayStore) {
  return tool(
    async ({ tradeId }): Promise<TradeRecord> => {
      const trade = tradeOrThrow(store, tradeId);
      const instrument = instrumentOfTrade(store, trade);
      const size = instrument ? notionalOf(instrument, trade.quantity, trade.price) : undefined;
      const { versions: _versions, ...booked } = structuredClone(trade);
      const validity = new Map(trade.versions.map((v) => [v.version, v]));
      return {
        ...booked,
        instrumentType: instrument?.type ?? null,
        notional: size?.notional ?? null,
        notionalCurrency: size?.currency ?? null,
        earlierVersions: earlierVersions(trade).map(({ current: _, ...v }): TradeVersionView => {
          const valid = validity.get(v.version);
          return {
            ...v,
            current: false,
            ...(valid ? { validFrom: valid.validFrom, validTo: valid.validTo } : {}),
          };
        }),
      };
    },
    {
      name: "get_trade",
      description:
        "Look up one of our trades by trade id: the current version (status, economics, counterparty LEI, SSI, desk, broker), its notional, and every earlier version's economics, newest first.",
      schema: z.object({ tradeId: TradeIdArg }),
    },
  );
}

/** `get_confirmations`: every confirmation paired with a trade, how, and their aggregate. */
export function getConfirmationsTool(store: TradingDayStore) {
  return tool(
    async ({ tradeId }): Promise<TradeConfirmations> => {
      tradeOrThrow(store, tradeId);
      const paired = store.confirmationsOf(tradeId);
      return {
        tradeId,
        confirmations: paired.map((p) => ({ ...viewOf(p), pairedBy: p.pairedBy })),
        confirmed: paired.length > 0 ? aggregate(paired.map((p) => p.prepared)) : null,
      };
    },
    {
      name: "get_confirmations",
      description:
        "All broker confirmations paired with one of our trades (by its reference or by economics; an inverse FX quote turned into our terms), each with pairedBy, and their aggregate: quantity summed, price the VWAP, settle dates. confirmations is empty when the broker has not confirmed.",
      schema: z.object({ tradeId: TradeIdArg }),
    },
  );
}

/** `get_confirmation`: one confirmation by id, in our terms, and the trade it is paired with. */
export function getConfirmationTool(store: TradingDayStore) {
  return tool(
    async ({ confirmationId }): Promise<ConfirmationRecord> => {
      const held = store.confirmation(confirmationId);
      if (!held) throw new NotFoundError("confirmation", confirmationId);
      return { ...viewOf(held), pairedWith: store.pairingOf(confirmationId) ?? null };
    },
    {
      name: "get_confirmation",
      description:
        "Look up one broker confirmation by confirmation id, in our terms, with the trade it is paired with (pairedWith: null when it pairs with none of ours).",
      schema: z.object({ confirmationId: ConfirmationIdArg }),
    },
  );
}

/** `get_instrument`: an instrument by any of its ids, with the calendar it is dated on. */
export function getInstrumentTool(store: TradingDayStore) {
  return tool(
    async ({ instrumentId }): Promise<InstrumentRecord> => {
      const resolved = store.instrument(instrumentId);
      if (!resolved) throw new NotFoundError("instrument", instrumentId);
      return {
        ...structuredClone(resolved.instrument),
        quotedAs: instrumentId,
        inverted: resolved.inverted,
        calendar: calendarOf(resolved.instrument),
      };
    },
    {
      name: "get_instrument",
      description:
        "Look up an instrument by any of its ids (ISIN, CUSIP, SEDOL, ticker, currency pair either way round): its type, currency (FX: base and quote), listing or issuer, and business-day calendar.",
      schema: z.object({ instrumentId: InstrumentIdArg }),
    },
  );
}

/** `get_market_price`: the latest close of an instrument, its date, and its age in business days. */
export function getMarketPriceTool(store: TradingDayStore) {
  return tool(
    async ({ instrumentId }): Promise<MarketPriceRecord> => {
      const resolved = store.instrument(instrumentId);
      const price = resolved && store.latestPrice(resolved.instrument.instrumentId);
      if (!resolved || !price) throw new NotFoundError("market price", instrumentId);
      const { instrument } = resolved;
      const calendar = calendarOf(instrument);
      const { businessDate, tolerances } = store;
      const priceDate = price.asOf.slice(0, 10);
      const ageBusinessDays = businessDaysBetween(calendar, priceDate, businessDate);
      const expectedCloseDate = latestBusinessDay(calendar, businessDate);
      const sources = [...store.pricesOf(instrument.instrumentId)].reverse().map((p) => p.source);
      return {
        instrumentId: instrument.instrumentId,
        price: price.price,
        currency: price.currency,
        asOf: price.asOf,
        source: price.source,
        priceDate,
        businessDate,
        calendar,
        ageBusinessDays,
        maxAgeBusinessDays: tolerances.priceMaxAgeBusinessDays,
        stale: ageBusinessDays > tolerances.priceMaxAgeBusinessDays,
        expectedCloseDate,
        marketOpenOnBusinessDate: expectedCloseDate === businessDate,
        sources: [...new Set(sources)],
      };
    },
    {
      name: "get_market_price",
      description:
        "The latest market close of an instrument (any of its ids): price, source, its date, the business date, its age in business days of the instrument's calendar, whether that is stale, and every source that priced it.",
      schema: z.object({ instrumentId: InstrumentIdArg }),
    },
  );
}

/** `get_settlement_convention`: the contractual settle date of a trade on the real calendars. */
export function getSettlementConventionTool(store: TradingDayStore) {
  return tool(
    async ({ tradeId }): Promise<SettlementConventionRecord> => {
      const trade = tradeOrThrow(store, tradeId);
      const instrument = instrumentOfTrade(store, trade);
      if (!instrument) throw new NotFoundError("instrument", trade.instrumentId);
      const convention = settlementConvention(instrument, trade.tradeDate);
      return {
        tradeId,
        instrumentId: instrument.instrumentId,
        tradeDate: trade.tradeDate,
        rule: convention.rule,
        lagDays: convention.lagDays,
        calendar: convention.calendar,
        conventionalSettleDate: conventionalSettleDate(instrument, trade.tradeDate),
        bookedSettleDate: trade.settleDate,
      };
    },
    {
      name: "get_settlement_convention",
      description:
        "The market's settlement convention for one of our trades: the rule (e.g. US equities T+1), the calendar it counts on, and the conventional settle date from its trade date, beside our booked settle date.",
      schema: z.object({ tradeId: TradeIdArg }),
    },
  );
}

export function tradeOrThrow(store: TradingDayStore, tradeId: string): Trade {
  const trade = store.trade(tradeId);
  if (!trade) throw new NotFoundError("trade", tradeId);
  return trade;
}

/** A confirmation in our terms, with the broker's own reference and quote beside it. */
export function viewOf({ confirmation, prepared }: HeldConfirmation): ConfirmationView {
  return {
    confirmationId: prepared.confirmationId,
    broker: prepared.broker,
    brokerRef: prepared.brokerRef,
    ...(confirmation.tradeRef !== undefined ? { tradeRef: confirmation.tradeRef } : {}),
    channel: confirmation.channel,
    receivedAt: prepared.receivedAt,
    account: prepared.account,
    instrumentId: prepared.instrumentId,
    quotedInstrumentId: confirmation.instrumentId,
    knownInstrument: prepared.knownInstrument,
    inverted: prepared.inverted,
    side: prepared.side,
    quantity: prepared.quantity,
    price: prepared.price,
    currency: prepared.currency,
    tradeDate: prepared.tradeDate,
    settleDate: prepared.settleDate,
    ...(prepared.counterAmount !== undefined ? { counterAmount: prepared.counterAmount } : {}),
    ...(confirmation.counterparty ? { counterparty: { ...confirmation.counterparty } } : {}),
    ...(confirmation.ssiId !== undefined ? { ssiId: confirmation.ssiId } : {}),
  };
}
