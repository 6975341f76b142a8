import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { BREAK_KINDS, detectBreaks, TolerancesSchema } from "#data";
import { NotFoundError } from "./errors.ts";
import { DeskSchema, TradeIdSchema } from "./schemas.ts";
import type { TradeDataStore } from "./store.ts";
import type { BreakSearchResult } from "./types.ts";

/**
 * `search_breaks`: runs the break detector over the day and keeps the breaks inside the filter.
 * The detector always sees the whole day, so a duplicate is still recognised when the filter
 * holds only one of its two bookings.
 */
export function searchBreaksTool(store: TradeDataStore) {
  return tool(
    async ({ desk, counterparty, tradeIds, kinds, tolerances }): Promise<BreakSearchResult> => {
      if (desk !== undefined && !store.hasDesk(desk)) throw new NotFoundError("desk", desk);
      if (counterparty !== undefined && !store.hasCounterparty(counterparty)) {
        throw new NotFoundError("counterparty", counterparty);
      }
      for (const tradeId of tradeIds ?? []) {
        if (!store.trade(tradeId)) throw new NotFoundError("trade", tradeId);
      }
      const wanted = tradeIds ? new Set(tradeIds) : undefined;
      const input = store.scanInput();
      const inScope = (t: { desk: string; counterparty: string; tradeId?: string }) =>
        (desk === undefined || t.desk === desk) &&
        (counterparty === undefined || t.counterparty === counterparty);
      const breaks = detectBreaks(input, tolerances).filter(
        (b) =>
          inScope(b) &&
          (!kinds || kinds.includes(b.kind)) &&
          (!wanted || b.tradeIds.some((id) => wanted.has(id))),
      );
      const tradesScanned = input.trades.filter(
        (t) => inScope(t) && (!wanted || wanted.has(t.tradeId)),
      ).length;
      return { asOf: input.asOf, tradesScanned, count: breaks.length, breaks };
    },
    {
      name: "search_breaks",
      description:
        "Find reconciliation breaks (bookings vs broker confirmations vs market prices), optionally filtered by desk, counterparty id, trade ids or kinds, with optional tolerances.",
      schema: z.object({
        desk: DeskSchema.optional(),
        counterparty: z.string().min(1).optional().describe("Counterparty id, e.g. CP001"),
        tradeIds: z.array(TradeIdSchema).min(1).max(10_000).optional(),
        kinds: z.array(z.enum(BREAK_KINDS)).min(1).optional(),
        tolerances: TolerancesSchema.partial().optional(),
      }),
    },
  );
}
