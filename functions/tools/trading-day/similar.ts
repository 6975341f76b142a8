import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { quantityWithin, type Side, type Trade } from "#trading";
import { NotFoundError } from "../errors.ts";
import { tradeOrThrow } from "./lookups.ts";
import { ConfirmationIdArg, TradeIdArg } from "./schemas.ts";
import type { TradingDayStore } from "./store.ts";
import {
  SIMILARITY_FIELDS,
  type SimilarConfirmation,
  type SimilarityField,
  type SimilarTrade,
  type SimilarTrades,
} from "./views.ts";

/** Most trades (and confirmations) of each kind one answer lists, earliest booked first. */
export const MAX_SIMILAR = 20;

type Key = SimilarTrades["subject"];

/**
 * `find_similar_trades`: our trades like a trade or a confirmation — same broker, and the
 * account, instrument, side, quantity (within the quantity tolerance) and trade date all equal
 * (`twins`) or all but one (`near`). For a trade, also the unpaired confirmations like it. What
 * a duplicate, a cancel-and-rebook or a booking under the wrong account looks like.
 */
export function findSimilarTradesTool(store: TradingDayStore) {
  let byBroker: Map<string, Trade[]> | undefined;
  const tradesOf = (broker: string): readonly Trade[] => {
    if (!byBroker) {
      byBroker = new Map();
      for (const trade of store.trades()) {
        const key = code(trade.broker);
        const list = byBroker.get(key);
        if (list) list.push(trade);
        else byBroker.set(key, [trade]);
      }
    }
    return byBroker.get(code(broker)) ?? [];
  };
  return tool(
    async ({ tradeId, confirmationId }): Promise<SimilarTrades> => {
      const subject =
        tradeId !== undefined
          ? tradeKey(tradeOrThrow(store, tradeId))
          : confirmationKey(store, confirmationId);
      const differences = differencesFrom(store, subject);
      const twins: SimilarTrade[] = [];
      const near: SimilarTrade[] = [];
      for (const trade of tradesOf(subject.broker)) {
        if (subject.kind === "trade" && trade.tradeId === subject.id) continue;
        const differs = differences(tradeKey(trade));
        if (differs.length > 1) continue;
        (differs.length === 0 ? twins : near).push(similarTrade(store, trade, differs));
      }
      const unpairedConfirmations =
        subject.kind === "trade"
          ? store
              .unpairedConfirmations()
              .filter((c) => code(c.prepared.broker) === code(subject.broker))
              .flatMap(({ prepared: c }): SimilarConfirmation[] => {
                const differs = differences(c);
                return differs.length > 1
                  ? []
                  : [
                      {
                        confirmationId: c.confirmationId,
                        broker: c.broker,
                        account: c.account,
                        instrumentId: c.instrumentId,
                        side: c.side,
                        quantity: c.quantity,
                        price: c.price,
                        tradeDate: c.tradeDate,
                        differs,
                      },
                    ];
              })
              .slice(0, MAX_SIMILAR)
          : [];
      return { subject, twins: first(twins), near: first(near), unpairedConfirmations };
    },
    {
      name: "find_similar_trades",
      description:
        "Find our trades like one trade (tradeId) or one confirmation (confirmationId): same broker, and account, instrument, side, quantity and trade date all equal (twins) or all but one (near, with the field that differs). For a trade, also unpaired confirmations like it. Give exactly one of tradeId, confirmationId.",
      schema: z
        .object({ tradeId: TradeIdArg.optional(), confirmationId: ConfirmationIdArg.optional() })
        .refine((a) => (a.tradeId === undefined) !== (a.confirmationId === undefined), {
          message: "give exactly one of tradeId, confirmationId",
        }),
    },
  );
}

function tradeKey(trade: Trade): Key {
  return {
    kind: "trade",
    id: trade.tradeId,
    broker: trade.broker,
    account: trade.account,
    instrumentId: trade.instrumentId,
    side: trade.side,
    quantity: trade.quantity,
    tradeDate: trade.tradeDate,
  };
}

function confirmationKey(store: TradingDayStore, confirmationId: string | undefined): Key {
  const held = confirmationId === undefined ? undefined : store.confirmation(confirmationId);
  if (!held || confirmationId === undefined) throw new NotFoundError("confirmation", String(confirmationId));
  const c = held.prepared;
  return {
    kind: "confirmation",
    id: confirmationId,
    broker: c.broker,
    account: c.account,
    instrumentId: c.instrumentId,
    side: c.side,
    quantity: c.quantity,
    tradeDate: c.tradeDate,
  };
}

/** The key fields on which a trade or confirmation differs from `a`; quantities within the instrument's tolerance. */
function differencesFrom(store: TradingDayStore, a: Key) {
  const instrument = store.instrument(a.instrumentId)?.instrument;
  return (b: { account: string; instrumentId: string; side: Side; quantity: number; tradeDate: string }) => {
    const same: Record<SimilarityField, boolean> = {
      account: code(a.account) === code(b.account),
      instrumentId: code(a.instrumentId) === code(b.instrumentId),
      side: a.side === b.side,
      quantity: instrument
        ? quantityWithin(instrument, a.quantity, b.quantity, store.tolerances)
        : a.quantity === b.quantity,
      tradeDate: a.tradeDate === b.tradeDate,
    };
    return SIMILARITY_FIELDS.filter((field) => !same[field]);
  };
}

function similarTrade(store: TradingDayStore, trade: Trade, differs: SimilarityField[]): SimilarTrade {
  return {
    tradeId: trade.tradeId,
    status: trade.status,
    desk: trade.desk,
    account: trade.account,
    broker: trade.broker,
    instrumentId: trade.instrumentId,
    side: trade.side,
    quantity: trade.quantity,
    price: trade.price,
    tradeDate: trade.tradeDate,
    counterpartyLei: trade.counterparty.lei,
    bookedAt: trade.bookedAt,
    confirmed: store.confirmationsOf(trade.tradeId).length > 0,
    differs,
  };
}

function first(trades: SimilarTrade[]): SimilarTrade[] {
  return trades
    .sort((a, b) => Date.parse(a.bookedAt) - Date.parse(b.bookedAt) || (a.tradeId < b.tradeId ? -1 : 1))
    .slice(0, MAX_SIMILAR);
}

/** Codes compare as the matcher compares them: whitespace removed, upper-cased. */
function code(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}
