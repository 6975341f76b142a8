import { addBusinessDays, settlementDate } from "./calendar.ts";
import { roundTo } from "./money.ts";
import type { BreakPlan } from "./plan.ts";
import type { Random } from "./random.ts";
import { newBond, type ReferenceData } from "./reference.ts";
import type { AssetClass, BreakKind, Counterparty, Instrument, Side, Trade } from "./types.ts";

/** Which side of the trade got it wrong, for breaks where either could have. */
export type FaultSide = "internal" | "broker";

/** A trade being drawn, with what the confirmation step needs to know about its break. */
export interface DraftTrade {
  trade: Trade;
  instrument: Instrument;
  counterparty: Counterparty;
  /** The price actually agreed with the broker; the booking may differ if we fat-fingered it. */
  executedPrice: number;
  /** The conventional settlement date, which the booking may differ from. */
  agreedSettleDate: string;
  kind?: BreakKind;
  faultSide?: FaultSide;
  /** Set on the second booking of a duplicate pair. */
  duplicateOf?: DraftTrade;
}

/** Executions scatter this far around the close; injected price breaks start well beyond it. */
const EXECUTION_SPREAD = 0.003;
const BOOKING_START_UTC_HOUR = 8;
const BOOKING_WINDOW_SECONDS = 9 * 3600;

/**
 * Draws the day's trades following `plan`, books the duplicates, orders everything by booking
 * time and assigns trade ids. Internal-side breaks (a mistyped price or settle date) are applied
 * to the booking here; broker-side ones are applied to the confirmation later.
 */
export function draftTrades(
  date: string,
  plan: BreakPlan,
  reference: ReferenceData,
  rng: Random,
): DraftTrade[] {
  const pools = poolsByAssetClass(reference.instruments);
  const settleDates: Record<AssetClass, string> = {
    equity: settlementDate(date, "equity"),
    bond: settlementDate(date, "bond"),
    fx: settlementDate(date, "fx"),
  };
  const bondDesks = reference.desks.filter((d) => d.assetClasses.includes("bond"));
  const economicKeys = new Set<string>();
  const drafts: (DraftTrade & { bookedAtMs: number })[] = [];
  const dayStart = Date.parse(`${date}T00:00:00Z`) + BOOKING_START_UTC_HOUR * 3_600_000;

  for (let index = 0; index < plan.baseCount; index++) {
    const kind = plan.kinds.get(index);
    // A stale price must hit only the trade it was injected for, so those trades get an
    // illiquid bond of their own.
    const desk = kind === "stale_price" ? rng.pick(bondDesks) : rng.pick(reference.desks);
    let instrument: Instrument;
    if (kind === "stale_price") {
      instrument = newBond(rng, reference.issued, reference.closes, `ILLIQ${index}`);
      reference.instruments.push(instrument);
    } else {
      instrument = rng.pick(pools[rng.pick(desk.assetClasses)]);
    }
    const counterparty = rng.pick(reference.counterparties);
    const account = rng.pick(desk.accounts);
    const side: Side = rng.chance(0.5) ? "BUY" : "SELL";
    const close = reference.closes.get(instrument.instrumentId) as number;
    const executedPrice = roundTo(
      close * (1 + rng.between(-EXECUTION_SPREAD, EXECUTION_SPREAD)),
      instrument.priceDecimals,
    );
    const faultSide: FaultSide | undefined =
      kind === "price_outside_tolerance" || kind === "settle_date_mismatch"
        ? rng.chance(0.5)
          ? "internal"
          : "broker"
        : undefined;
    const bookedPrice =
      kind === "price_outside_tolerance" && faultSide === "internal"
        ? offMarket(executedPrice, instrument, rng)
        : executedPrice;
    let quantity = drawQuantity(instrument, rng);
    // Two clean trades with identical economics would look like a duplicate booking.
    while (economicKeys.has(economicKey(account, instrument, side, quantity, bookedPrice, counterparty))) {
      quantity += stepOf(instrument);
    }
    economicKeys.add(economicKey(account, instrument, side, quantity, bookedPrice, counterparty));

    const agreedSettleDate = settleDates[instrument.assetClass];
    const bookedAtMs = dayStart + rng.int(0, BOOKING_WINDOW_SECONDS) * 1000;
    const trade: Trade = {
      tradeId: "",
      bookedAt: new Date(bookedAtMs).toISOString(),
      account,
      desk: desk.desk,
      instrumentId: instrument.instrumentId,
      assetClass: instrument.assetClass,
      side,
      quantity,
      price: bookedPrice,
      currency: instrument.currency,
      tradeDate: date,
      settleDate:
        kind === "settle_date_mismatch" && faultSide === "internal"
          ? addBusinessDays(agreedSettleDate, 1)
          : agreedSettleDate,
      counterparty: counterparty.counterpartyId,
      ssi: counterparty.ssis[instrument.currency],
    };
    drafts.push({
      trade,
      instrument,
      counterparty,
      executedPrice,
      agreedSettleDate,
      bookedAtMs,
      ...(kind ? { kind } : {}),
      ...(faultSide ? { faultSide } : {}),
    });
  }

  for (const index of plan.originals) {
    const original = drafts[index];
    if (!original) continue;
    const bookedAtMs = original.bookedAtMs + rng.int(5, 180) * 1000;
    drafts.push({
      ...original,
      trade: { ...original.trade, bookedAt: new Date(bookedAtMs).toISOString() },
      bookedAtMs,
      kind: "duplicate_booking",
      duplicateOf: original,
    });
  }

  // Stable sort: equal booking times keep drawing order, so ids are deterministic.
  drafts.sort((a, b) => a.bookedAtMs - b.bookedAtMs);
  const compactDate = date.replaceAll("-", "");
  drafts.forEach((draft, i) => {
    draft.trade = { ...draft.trade, tradeId: `T${compactDate}-${String(i + 1).padStart(6, "0")}` };
  });
  return drafts;
}

/**
 * A price 100–400 bps away from `price`, far outside any sensible tolerance and the execution
 * spread, rounded to the instrument's quote precision.
 */
export function offMarket(price: number, instrument: Instrument, rng: Random): number {
  const bps = rng.int(100, 400) * (rng.chance(0.5) ? 1 : -1);
  return roundTo(price * (1 + bps / 10_000), instrument.priceDecimals);
}

function drawQuantity(instrument: Instrument, rng: Random): number {
  switch (instrument.assetClass) {
    case "equity":
      return rng.int(1, 500) * 100;
    case "bond":
      return rng.int(4, 400) * 25_000;
    case "fx":
      return rng.int(1, 100) * 250_000;
  }
}

/** The step quantities move in: a round lot for equities, the minimum piece for bonds and FX. */
export function stepOf(instrument: Instrument): number {
  return instrument.assetClass === "equity" ? 100 : instrument.assetClass === "bond" ? 25_000 : 250_000;
}

function economicKey(
  account: string,
  instrument: Instrument,
  side: Side,
  quantity: number,
  price: number,
  counterparty: Counterparty,
): string {
  return `${account}|${instrument.instrumentId}|${side}|${quantity}|${price}|${counterparty.counterpartyId}`;
}

function poolsByAssetClass(instruments: readonly Instrument[]) {
  const byClass: Record<AssetClass, Instrument[]> = { equity: [], bond: [], fx: [] };
  for (const instrument of instruments) byClass[instrument.assetClass].push(instrument);
  return byClass;
}
