import { DEFAULT_TOLERANCES, type Tolerances } from "./tolerances.ts";
import type { BreakDetails, BreakKind, Confirmation, MarketPrice, Trade, TradeDay } from "./types.ts";

/** The data a break scan reads: a whole day or any subset of it. Never the ground truth. */
export type BreakScanInput = Pick<TradeDay, "asOf" | "trades" | "confirmations" | "prices">;

/** A break found in the data. `id` is stable: the same break gets the same id on every scan. */
export interface DetectedBreak {
  readonly breakId: string;
  readonly kind: BreakKind;
  /** The affected trades; for a duplicate, the confirmed original first. */
  readonly tradeIds: readonly string[];
  readonly desk: string;
  readonly counterparty: string;
  readonly details: BreakDetails;
}

const HOUR_MS = 3_600_000;

/**
 * Finds breaks by comparing bookings with broker confirmations and the price feed.
 *
 * Rules, in order, per trade:
 * - bookings with identical economics (account, instrument, side, quantity, price, counterparty,
 *   trade date) are one `duplicate_booking`; the extra bookings are not checked further, since
 *   their missing confirmation is the duplicate's symptom, not a break of its own;
 * - no confirmation quotes the trade: `missing_confirmation`;
 * - otherwise each of price, quantity, settle date and SSI that disagrees with the confirmation
 *   beyond tolerance is a break, as is a market price older than `staleAfterHours`.
 * Duplicates are found only among the trades given, so scan a whole day and filter the result.
 *
 * @example
 * const breaks = detectBreaks(loadTradeDay({ seed: 42, trades: 2000, date: "2026-11-24" }));
 * breaks.filter((b) => b.kind === "stale_price").length; // 5
 */
export function detectBreaks(input: BreakScanInput, tolerances: Partial<Tolerances> = {}): DetectedBreak[] {
  const limits = { ...DEFAULT_TOLERANCES, ...tolerances };
  const confirmationOf = new Map<string, Confirmation>();
  for (const confirmation of input.confirmations) confirmationOf.set(confirmation.tradeRef, confirmation);
  const stalePrices = findStalePrices(input, limits.staleAfterHours);

  const found: DetectedBreak[] = [];
  const duplicates = findDuplicates(input.trades, confirmationOf);
  const extraBookings = new Set<string>();
  for (const group of duplicates) {
    const [original, ...extras] = group;
    if (!original) continue;
    for (const extra of extras) extraBookings.add(extra.tradeId);
    found.push(
      breakOf("duplicate_booking", group, {
        originalTradeId: original.tradeId,
        duplicateTradeIds: extras.map((t) => t.tradeId),
      }),
    );
  }

  for (const trade of input.trades) {
    if (extraBookings.has(trade.tradeId)) continue;
    const confirmation = confirmationOf.get(trade.tradeId);
    if (!confirmation) {
      found.push(breakOf("missing_confirmation", [trade], {}));
    } else {
      found.push(...compareWithConfirmation(trade, confirmation, limits));
    }
    const stale = stalePrices.get(trade.instrumentId);
    if (stale) {
      found.push(
        breakOf("stale_price", [trade], {
          instrumentId: trade.instrumentId,
          priceAsOf: stale.price.asOf,
          ageHours: Math.round(stale.ageHours * 10) / 10,
          staleAfterHours: limits.staleAfterHours,
        }),
      );
    }
  }
  return found;
}

function compareWithConfirmation(
  trade: Trade,
  confirmation: Confirmation,
  limits: Tolerances,
): DetectedBreak[] {
  const found: DetectedBreak[] = [];
  const diffBps = (Math.abs(confirmation.price - trade.price) / trade.price) * 10_000;
  if (diffBps > limits.priceBps) {
    found.push(
      breakOf("price_outside_tolerance", [trade], {
        bookedPrice: trade.price,
        confirmedPrice: confirmation.price,
        diffBps: Math.round(diffBps * 100) / 100,
        toleranceBps: limits.priceBps,
        confirmationId: confirmation.confirmationId,
      }),
    );
  }
  if (Math.abs(confirmation.quantity - trade.quantity) > limits.quantityUnits) {
    found.push(
      breakOf("quantity_mismatch", [trade], {
        bookedQuantity: trade.quantity,
        confirmedQuantity: confirmation.quantity,
        confirmationId: confirmation.confirmationId,
      }),
    );
  }
  if (confirmation.settleDate !== trade.settleDate) {
    found.push(
      breakOf("settle_date_mismatch", [trade], {
        bookedSettleDate: trade.settleDate,
        confirmedSettleDate: confirmation.settleDate,
        confirmationId: confirmation.confirmationId,
      }),
    );
  }
  if (confirmation.ssi !== trade.ssi) {
    found.push(
      breakOf("counterparty_ssi_mismatch", [trade], {
        bookedSsi: trade.ssi,
        confirmedSsi: confirmation.ssi,
        confirmationId: confirmation.confirmationId,
      }),
    );
  }
  return found;
}

/** Prices older than the limit at valuation time, by instrument (parsed once, not once per trade). */
function findStalePrices(
  input: BreakScanInput,
  staleAfterHours: number,
): Map<string, { price: MarketPrice; ageHours: number }> {
  const valuationMs = Date.parse(input.asOf);
  const stale = new Map<string, { price: MarketPrice; ageHours: number }>();
  for (const price of input.prices) {
    const ageHours = (valuationMs - Date.parse(price.asOf)) / HOUR_MS;
    if (ageHours > staleAfterHours) stale.set(price.instrumentId, { price, ageHours });
  }
  return stale;
}

/** Groups of bookings with identical economics, the confirmed (else earliest) booking first. */
function findDuplicates(
  trades: readonly Trade[],
  confirmationOf: ReadonlyMap<string, Confirmation>,
): Trade[][] {
  const groups = new Map<string, Trade[]>();
  for (const trade of trades) {
    const key = [
      trade.account,
      trade.instrumentId,
      trade.side,
      trade.quantity,
      trade.price,
      trade.counterparty,
      trade.tradeDate,
    ].join("|");
    const group = groups.get(key);
    if (group) group.push(trade);
    else groups.set(key, [trade]);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) =>
      [...group].sort(
        (a, b) =>
          Number(confirmationOf.has(b.tradeId)) - Number(confirmationOf.has(a.tradeId)) ||
          a.bookedAt.localeCompare(b.bookedAt),
      ),
    );
}

function breakOf(kind: BreakKind, trades: readonly Trade[], details: BreakDetails): DetectedBreak {
  const first = trades[0] as Trade;
  const tradeIds = trades.map((t) => t.tradeId);
  return {
    breakId: `${kind}:${tradeIds.join("+")}`,
    kind,
    tradeIds,
    desk: first.desk,
    counterparty: first.counterparty,
    details,
  };
}
