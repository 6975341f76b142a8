import type { Break } from "../breaks.ts";
import type { Instrument, Trade } from "../model/index.ts";
import { comparePrice, type Tolerances } from "../tolerances.ts";
import { show, tradeBreak } from "./breaks-of.ts";
import { bookedOrder } from "./pair.ts";
import { isActive } from "./versions.ts";

/**
 * The breaks of active trades no confirmation pairs with. Such a trade is a `DUPLICATE_BOOKING`
 * when an active, confirmed trade is its twin — same account, broker, instrument, side, quantity,
 * trade date and counterparty LEI, and a price within tolerance — for then the broker confirmed
 * one trade and we booked it twice. Otherwise it is a `MISSING_CONFIRMATION`. Two genuine
 * identical trades that are both confirmed are not duplicates: neither is unconfirmed.
 */
export function unconfirmedBreaks(
  trades: readonly Trade[],
  confirmed: ReadonlySet<string>,
  instrumentOf: (trade: Trade) => Instrument,
  tolerances: Tolerances,
): Break[] {
  const confirmedTwins = new Map<string, Trade[]>();
  for (const trade of trades) {
    if (!isActive(trade) || !confirmed.has(trade.tradeId)) continue;
    const key = twinKey(trade);
    const list = confirmedTwins.get(key);
    if (list) list.push(trade);
    else confirmedTwins.set(key, [trade]);
  }
  const breaks: Break[] = [];
  for (const trade of trades) {
    if (!isActive(trade) || confirmed.has(trade.tradeId)) continue;
    const instrument = instrumentOf(trade);
    const twin = (confirmedTwins.get(twinKey(trade)) ?? [])
      .filter((t) => comparePrice(instrument, t.price, trade.price, tolerances).withinTolerance)
      .sort(bookedOrder)[0];
    breaks.push(
      twin
        ? tradeBreak("DUPLICATE_BOOKING", [twin, trade], instrument, {
            detail: `${trade.tradeId} repeats confirmed ${twin.tradeId} (${trade.side} ${show(trade.quantity)} ${trade.instrumentId} @ ${show(trade.price)}, account ${trade.account}) and has no confirmation of its own; cancel the duplicate`,
          })
        : tradeBreak("MISSING_CONFIRMATION", [trade], instrument, {
            detail: `no confirmation from ${trade.broker} for ${trade.side} ${show(trade.quantity)} ${trade.instrumentId} @ ${show(trade.price)} traded ${trade.tradeDate}; chase the broker`,
          }),
    );
  }
  return breaks;
}

function twinKey(trade: Trade): string {
  const code = (text: string) => text.replace(/\s+/g, "").toUpperCase();
  return [
    code(trade.account),
    code(trade.broker),
    trade.instrumentId,
    trade.side,
    trade.quantity,
    trade.tradeDate,
    trade.counterparty.lei,
  ].join("|");
}
