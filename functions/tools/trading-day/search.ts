import { tool } from "@langchain/core/tools";
import { z } from "zod";
import type { BreakCategory } from "#trading";
import { NotFoundError } from "../errors.ts";
import { CategoryArg, InstrumentIdArg, TradeIdArg } from "./schemas.ts";
import type { TradingDayStore } from "./store.ts";
import type { TradingDayBreakSearch } from "./views.ts";

/**
 * `search_breaks`: the day's breaks as `reconcileDay` finds them over the whole day (so a
 * duplicate is still one when the filter names only its second booking), kept when inside the
 * filter. Reconciling runs once per store; every search after the first only filters.
 */
export function searchBreaksTool(store: TradingDayStore) {
  return tool(
    async ({ categories, tradeIds, instrumentId, desk, broker, limit }): Promise<TradingDayBreakSearch> => {
      for (const tradeId of tradeIds ?? [])
        if (!store.trade(tradeId)) throw new NotFoundError("trade", tradeId);
      const instrument = instrumentId === undefined ? undefined : store.instrument(instrumentId)?.instrument;
      if (instrumentId !== undefined && !instrument) throw new NotFoundError("instrument", instrumentId);
      const wanted = tradeIds ? new Set(tradeIds) : undefined;
      const found = store
        .breaks()
        .filter(
          (b) =>
            (!categories || categories.includes(b.category)) &&
            (!wanted || b.tradeIds.some((id) => wanted.has(id))) &&
            (!instrument || b.instrumentId === instrument.instrumentId) &&
            (desk === undefined || b.desk === desk) &&
            (broker === undefined || b.broker === broker),
        );
      const counts: Partial<Record<BreakCategory, number>> = {};
      for (const b of found) counts[b.category] = (counts[b.category] ?? 0) + 1;
      return {
        businessDate: store.businessDate,
        count: found.length,
        breaks: structuredClone(found.slice(0, limit)),
        categories: counts,
      };
    },
    {
      name: "search_breaks",
      description:
        "Find the day's reconciliation breaks (twelve categories), optionally filtered by categories, trade ids, instrument, desk or broker; returns the count, counts by category and at most limit breaks.",
      schema: z.object({
        categories: z.array(CategoryArg).min(1).optional(),
        tradeIds: z.array(TradeIdArg).min(1).max(1_000).optional(),
        instrumentId: InstrumentIdArg.optional(),
        desk: z.string().trim().min(1).optional(),
        broker: z.string().trim().min(1).optional(),
        limit: z.number().int().min(1).max(500).default(50),
      }),
    },
  );
}
