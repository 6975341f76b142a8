import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { type Instrument, notionalOf, usdRateTable } from "#trading";
import { NotFoundError } from "../errors.ts";
import { CurrencyArg, DeskArg, InstrumentIdArg } from "./schemas.ts";
import type { TradingDayStore } from "./store.ts";
import type { DeskExposureRecord, PositionRecord, PositionSummary, UsdRateRecord } from "./views.ts";

/** Positions `get_desk_exposure` lists, largest first. */
export const LARGEST_POSITIONS = 5;

/**
 * The exposure tools: what a desk holds after the day's active trades, valued at the latest
 * close and converted to US dollars with the day's own FX closes. Everything is derived from the
 * canonical day (no positions or rates file): a desk's position in an instrument is the signed
 * sum of its `NEW` and `AMENDED` trades (cancelled trades hold nothing).
 */

interface Held {
  readonly rates: ReadonlyMap<string, UsdRateRecord>;
  /** desk → our instrument id → position. */
  readonly positions: ReadonlyMap<string, ReadonlyMap<string, PositionRecord>>;
}

const held = new WeakMap<TradingDayStore, Held>();

/** The rates and positions of a store's day, computed on first use, once per store. */
function exposureOf(store: TradingDayStore): Held {
  let found = held.get(store);
  if (!found) {
    const rates = usdRateTable(store.instruments(), (id) => store.latestPrice(id));
    found = { rates, positions: positionsOf(store, rates) };
    held.set(store, found);
  }
  return found;
}

function positionsOf(
  store: TradingDayStore,
  rates: ReadonlyMap<string, UsdRateRecord>,
): Map<string, Map<string, PositionRecord>> {
  interface Sum {
    instrument: Instrument;
    bought: number;
    sold: number;
    trades: number;
    value: number;
  }
  const sums = new Map<string, Map<string, Sum>>();
  for (const trade of store.trades()) {
    // A desk whose every trade is cancelled is known, and flat.
    const desk = sums.get(trade.desk) ?? new Map<string, Sum>();
    sums.set(trade.desk, desk);
    if (trade.status === "CANCELLED") continue;
    const instrument = store.instrument(trade.instrumentId)?.instrument;
    if (!instrument) continue;
    const sum = desk.get(instrument.instrumentId) ?? { instrument, bought: 0, sold: 0, trades: 0, value: 0 };
    desk.set(instrument.instrumentId, sum);
    if (trade.side === "BUY") sum.bought += trade.quantity;
    else sum.sold += trade.quantity;
    sum.trades++;
    sum.value += trade.quantity * trade.price;
  }
  const positions = new Map<string, Map<string, PositionRecord>>();
  for (const [desk, byInstrument] of sums) {
    const records = new Map<string, PositionRecord>();
    for (const [instrumentId, sum] of byInstrument) {
      const close = store.latestPrice(instrumentId);
      const booked = sum.value / (sum.bought + sum.sold);
      records.set(
        instrumentId,
        positionRecord(desk, sum.instrument, sum.bought, sum.sold, sum.trades, rates, {
          price: close?.price ?? booked,
          source: close ? "close" : "booked",
          priceDate: close ? close.asOf.slice(0, 10) : null,
        }),
      );
    }
    positions.set(desk, records);
  }
  return positions;
}

function positionRecord(
  desk: string,
  instrument: Instrument,
  bought: number,
  sold: number,
  trades: number,
  rates: ReadonlyMap<string, UsdRateRecord>,
  valuation: PositionRecord["valuation"],
): PositionRecord {
  const netQuantity = round(bought - sold, 6);
  const { notional, currency } = notionalOf(instrument, Math.abs(netQuantity), valuation.price);
  const sign = netQuantity < 0 ? -1 : 1;
  const usdPerUnit = rates.get(currency)?.usdPerUnit ?? null;
  return {
    desk,
    instrumentId: instrument.instrumentId,
    instrumentType: instrument.type,
    netQuantity,
    bought: round(bought, 6),
    sold: round(sold, 6),
    trades,
    valuation,
    marketValue: round(sign * notional, 2),
    valueCurrency: currency,
    usdPerUnit,
    marketValueUsd: round(sign * notional * (usdPerUnit ?? 1), 2),
  };
}

/** `get_usd_rate`: US dollars per unit of a currency, from the day's FX closes. */
export function getUsdRateTool(store: TradingDayStore) {
  return tool(
    async ({ currency }): Promise<UsdRateRecord> =>
      exposureOf(store).rates.get(currency) ?? { currency, usdPerUnit: null, pair: null, priceDate: null },
    {
      name: "get_usd_rate",
      description:
        "US dollars per one unit of a currency, from the day's latest FX close against the dollar (EURUSD, USDJPY...), with the pair and its date. usdPerUnit is null when no close of the day prices the currency against the dollar.",
      schema: z.object({ currency: CurrencyArg }),
    },
  );
}

/** `get_position`: a desk's net position in one instrument after the day's active trades, valued at the latest close. */
export function getPositionTool(store: TradingDayStore) {
  return tool(
    async ({ desk, instrumentId }): Promise<PositionRecord> => {
      const { positions, rates } = exposureOf(store);
      const ofDesk = positions.get(desk);
      if (!ofDesk) throw new NotFoundError("desk", desk);
      const instrument = store.instrument(instrumentId)?.instrument;
      if (!instrument) throw new NotFoundError("instrument", instrumentId);
      const found = ofDesk.get(instrument.instrumentId);
      if (found) return structuredClone(found);
      const close = store.latestPrice(instrument.instrumentId);
      return positionRecord(desk, instrument, 0, 0, 0, rates, {
        price: close?.price ?? 0,
        source: close ? "close" : "booked",
        priceDate: close ? close.asOf.slice(0, 10) : null,
      });
    },
    {
      name: "get_position",
      description:
        "A desk's net position in one instrument (any of its ids) from the day's active trades (NEW and AMENDED; cancelled trades hold nothing): quantity bought, sold and net, valued at the latest close (at the average booked price when the instrument has no close), in its currency and in US dollars at the day's FX closes. A desk with no trades in the instrument is flat.",
      schema: z.object({ desk: DeskArg, instrumentId: InstrumentIdArg }),
    },
  );
}

/** `get_desk_exposure`: a desk's gross and net exposure in US dollars over all its positions. */
export function getDeskExposureTool(store: TradingDayStore) {
  return tool(
    async ({ desk }): Promise<DeskExposureRecord> => {
      const ofDesk = exposureOf(store).positions.get(desk);
      if (!ofDesk) throw new NotFoundError("desk", desk);
      const open = [...ofDesk.values()].filter((p) => p.netQuantity !== 0);
      const summary = (p: PositionRecord): PositionSummary => ({
        instrumentId: p.instrumentId,
        netQuantity: p.netQuantity,
        marketValueUsd: p.marketValueUsd,
      });
      return {
        desk,
        businessDate: store.businessDate,
        positions: open.length,
        grossUsd: round(
          open.reduce((sum, p) => sum + Math.abs(p.marketValueUsd), 0),
          2,
        ),
        netUsd: round(
          open.reduce((sum, p) => sum + p.marketValueUsd, 0),
          2,
        ),
        largest: [...open]
          .sort(
            (a, b) =>
              Math.abs(b.marketValueUsd) - Math.abs(a.marketValueUsd) ||
              (a.instrumentId < b.instrumentId ? -1 : 1),
          )
          .slice(0, LARGEST_POSITIONS)
          .map(summary),
        valuedAtBookedPrice: open
          .filter((p) => p.valuation.source === "booked")
          .map((p) => p.instrumentId)
          .sort(),
        currenciesWithoutUsdRate: [
          ...new Set(open.filter((p) => p.usdPerUnit === null).map((p) => p.valueCurrency)),
        ].sort(),
      };
    },
    {
      name: "get_desk_exposure",
      description:
        "A desk's exposure over all its positions from the day's active trades, valued at the latest closes and converted to US dollars at the day's FX closes: gross (sum of absolute position values) and net, the largest positions, and which positions lack a close or a dollar rate.",
      schema: z.object({ desk: DeskArg }),
    },
  );
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
