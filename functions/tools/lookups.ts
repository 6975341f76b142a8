import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { notionalUsd } from "#data";
import { NotFoundError } from "./errors.ts";
import { DeskSchema, InstrumentIdSchema, TradeIdSchema } from "./schemas.ts";
import type { TradeDataStore } from "./store.ts";
import type { ConfirmationLookup, PositionView, PriceView, TradeView } from "./types.ts";

const HOUR_MS = 3_600_000;

/** `get_trade`: a booking by trade id, with its US-dollar notional. */
export function getTradeTool(store: TradeDataStore) {
  return tool(
    async ({ tradeId }): Promise<TradeView> => {
      const trade = store.trade(tradeId);
      if (!trade) throw new NotFoundError("trade", tradeId);
      const instrument = store.instrument(trade.instrumentId);
      if (!instrument) throw new NotFoundError("instrument", trade.instrumentId);
      return {
        ...trade,
        notionalUsd: Math.round(notionalUsd(instrument, trade.quantity, trade.price)),
        instrumentSymbol: instrument.symbol,
      };
    },
    {
      name: "get_trade",
      description:
        "Look up an internally booked trade by trade id. Returns the booking and its USD notional.",
      schema: z.object({ tradeId: TradeIdSchema }),
    },
  );
}

/** `get_confirmation`: the broker's confirmation of a trade, or null if none arrived. */
export function getConfirmationTool(store: TradeDataStore) {
  return tool(
    async ({ tradeId }): Promise<ConfirmationLookup> => {
      if (!store.trade(tradeId)) throw new NotFoundError("trade", tradeId);
      return { tradeId, confirmation: store.confirmationFor(tradeId) ?? null };
    },
    {
      name: "get_confirmation",
      description:
        "Look up the broker confirmation quoting a trade id. Returns confirmation: null when the broker has not confirmed.",
      schema: z.object({ tradeId: TradeIdSchema }),
    },
  );
}

/** `get_market_price`: the end-of-day vendor price of an instrument and how old it is. */
export function getMarketPriceTool(store: TradeDataStore) {
  return tool(
    async ({ instrumentId }): Promise<PriceView> => {
      const price = store.price(instrumentId);
      const instrument = store.instrument(instrumentId);
      if (!price || !instrument) throw new NotFoundError("market price", instrumentId);
      return {
        ...price,
        ageHours: Math.round(((Date.parse(store.asOf) - Date.parse(price.asOf)) / HOUR_MS) * 10) / 10,
        symbol: instrument.symbol,
        assetClass: instrument.assetClass,
        priceFactor: instrument.priceFactor,
      };
    },
    {
      name: "get_market_price",
      description:
        "End-of-day market price of an instrument (by ISIN), with its as-of time and age in hours.",
      schema: z.object({ instrumentId: InstrumentIdSchema }),
    },
  );
}

/** `get_position`: a desk's end-of-day position in an instrument (flat if it holds none). */
export function getPositionTool(store: TradeDataStore) {
  return tool(
    async ({ desk, instrumentId }): Promise<PositionView> => {
      if (!store.hasDesk(desk)) throw new NotFoundError("desk", desk);
      if (!store.instrument(instrumentId)) throw new NotFoundError("instrument", instrumentId);
      return store.position(desk, instrumentId) ?? { desk, instrumentId, quantity: 0, notionalUsd: 0 };
    },
    {
      name: "get_position",
      description:
        "A desk's end-of-day position in an instrument: signed quantity and absolute USD notional.",
      schema: z.object({ desk: DeskSchema, instrumentId: InstrumentIdSchema }),
    },
  );
}
