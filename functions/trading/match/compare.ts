import type { Break, BreakField } from "../breaks.ts";
import type { Instrument, Trade } from "../model/index.ts";
import { comparePrice, quantityWithin, type Tolerances } from "../tolerances.ts";
import { show, tradeBreak } from "./breaks-of.ts";
import type { Paired } from "./pair.ts";
import type { PreparedConfirmation } from "./prepare.ts";
import { currentEconomics, ECONOMIC_FIELDS, earlierVersions, type VersionEconomics } from "./versions.ts";

/** What the broker confirmed for one trade, over all its fills. */
export interface ConfirmedEconomics {
  readonly fills: number;
  /** The common side, or `MIXED` when fills disagree. */
  readonly side: string;
  readonly quantity: number;
  /** What the summed quantity is known to, when some of it was derived (see `quantityUncertainty`). */
  readonly quantityUncertainty: number;
  /** Quantity-weighted average price (VWAP) of the fills. */
  readonly price: number;
  /** The common currency, or the distinct ones joined with `/`. */
  readonly currency: string;
  readonly settleDates: readonly string[];
}

/**
 * Aggregates a trade's fills: quantity summed, price the quantity-weighted average.
 *
 * @example
 * aggregate([fill(600, 10.0), fill(400, 10.05)]); // { quantity: 1000, price: 10.02, fills: 2, ... }
 */
export function aggregate(fills: readonly PreparedConfirmation[]): ConfirmedEconomics {
  const quantity = fills.reduce((sum, f) => sum + f.quantity, 0);
  const value = fills.reduce((sum, f) => sum + f.quantity * f.price, 0);
  return {
    fills: fills.length,
    side: distinct(fills.map((f) => f.side)).join("/") || "",
    quantity,
    quantityUncertainty: fills.reduce((sum, f) => sum + (f.quantityUncertainty ?? 0), 0),
    price: quantity > 0 ? value / quantity : 0,
    currency: distinct(fills.map((f) => f.currency)).join("/"),
    settleDates: distinct(fills.map((f) => f.settleDate)),
  };
}

/**
 * The breaks of one trade that has confirmations (see docs/data.md, "Matching rules"):
 * - a cancelled trade: `CANCELLED_BUT_CONFIRMED`, nothing else;
 * - confirmed economics that differ from the current version but agree with an earlier one:
 *   `AMENDMENT_NOT_CONFIRMED` (not a price or quantity break);
 * - otherwise one break per field that differs from the current version beyond its tolerance;
 * - in every case, a counterparty LEI or SSI different from ours: `COUNTERPARTY_SSI_MISMATCH`.
 */
export function compareTrade(
  trade: Trade,
  paired: readonly Paired[],
  instrument: Instrument,
  tolerances: Tolerances,
): Break[] {
  const fills = paired.map((p) => p.confirmation);
  const confirmationIds = fills.map((f) => f.confirmationId);
  if (trade.status === "CANCELLED") {
    return [
      tradeBreak("CANCELLED_BUT_CONFIRMED", [trade], instrument, {
        confirmationIds,
        ours: "CANCELLED",
        theirs: `${fills.length} confirmation${fills.length === 1 ? "" : "s"}`,
        detail: `trade v${trade.version} is cancelled but ${confirmationIds.join(", ")} confirm${fills.length === 1 ? "s" : ""} it; tell the broker to cancel`,
      }),
    ];
  }
  const confirmed = aggregate(fills);
  const current = currentEconomics(trade);
  const breaks: Break[] = [];
  const currentDiffs = differences(current, confirmed, instrument, tolerances);
  const earlier =
    currentDiffs.length > 0
      ? earlierVersions(trade).find((v) => differences(v, confirmed, instrument, tolerances).length === 0)
      : undefined;
  if (earlier) {
    const changed = ECONOMIC_FIELDS.find((f) => String(earlier[f]) !== String(current[f])) ?? "price";
    breaks.push(
      tradeBreak("AMENDMENT_NOT_CONFIRMED", [trade], instrument, {
        confirmationIds,
        field: changed,
        ours: current[changed],
        theirs: earlier[changed],
        detail: `confirmed at v${earlier.version} economics (${changed} ${display(earlier[changed])}); we amended to v${current.version} (${changed} ${display(current[changed])}); chase the broker for an amended confirmation`,
      }),
    );
  } else {
    for (const diff of currentDiffs) {
      breaks.push(tradeBreak(diff.category, [trade], instrument, { confirmationIds, ...diff }));
    }
  }
  breaks.push(...partyBreaks(trade, fills, instrument));
  return breaks;
}

type FieldDiff = {
  category:
    | "SIDE_MISMATCH"
    | "QUANTITY_MISMATCH"
    | "PRICE_MISMATCH"
    | "CURRENCY_MISMATCH"
    | "SETTLE_DATE_MISMATCH";
  field: BreakField;
  ours: string | number;
  theirs: string | number;
  detail: string;
};

/** Every economic field where the confirmed figures differ from a version beyond tolerance. */
function differences(
  version: VersionEconomics,
  confirmed: ConfirmedEconomics,
  instrument: Instrument,
  tolerances: Tolerances,
): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const fills = confirmed.fills > 1 ? ` (${confirmed.fills} fills)` : "";
  if (confirmed.side !== version.side) {
    diffs.push({
      category: "SIDE_MISMATCH",
      field: "side",
      ours: version.side,
      theirs: confirmed.side,
      detail: `we ${version.side}, the broker confirms ${confirmed.side}${fills}`,
    });
  }
  if (
    !quantityWithin(
      instrument,
      version.quantity,
      confirmed.quantity,
      tolerances,
      confirmed.quantityUncertainty,
    )
  ) {
    diffs.push({
      category: "QUANTITY_MISMATCH",
      field: "quantity",
      ours: version.quantity,
      theirs: confirmed.quantity,
      detail: `quantity ours ${show(version.quantity)}, confirmed ${show(confirmed.quantity)}${fills} (difference ${show(confirmed.quantity - version.quantity)})`,
    });
  }
  const price = comparePrice(instrument, version.price, confirmed.price, tolerances);
  if (!price.withinTolerance) {
    diffs.push({
      category: "PRICE_MISMATCH",
      field: "price",
      ours: version.price,
      theirs: roundPrice(confirmed.price),
      detail: `price ours ${show(version.price)}, confirmed ${show(roundPrice(confirmed.price))}${confirmed.fills > 1 ? ` (VWAP of ${confirmed.fills} fills)` : ""}: ${show(price.difference)} ${price.unit} > ${show(price.tolerance)} ${price.unit} tolerance`,
    });
  }
  if (confirmed.currency !== version.currency) {
    diffs.push({
      category: "CURRENCY_MISMATCH",
      field: "currency",
      ours: version.currency,
      theirs: confirmed.currency,
      detail: `currency ours ${version.currency}, confirmed ${confirmed.currency}`,
    });
  }
  const otherDates = confirmed.settleDates.filter((d) => d !== version.settleDate);
  if (otherDates.length > 0) {
    diffs.push({
      category: "SETTLE_DATE_MISMATCH",
      field: "settleDate",
      ours: version.settleDate,
      theirs: otherDates.join("/"),
      detail: `settle date ours ${version.settleDate}, confirmed ${otherDates.join("/")}`,
    });
  }
  return diffs;
}

/** LEI and SSI: the counterparty's identity and where the money goes; the name is never compared. */
function partyBreaks(trade: Trade, fills: readonly PreparedConfirmation[], instrument: Instrument): Break[] {
  const breaks: Break[] = [];
  const ourLei = trade.counterparty.lei;
  const otherLeis = distinct(fills.flatMap((f) => (f.lei && f.lei !== ourLei ? [f.lei] : [])));
  if (otherLeis.length > 0) {
    breaks.push(
      tradeBreak("COUNTERPARTY_SSI_MISMATCH", [trade], instrument, {
        confirmationIds: fills.filter((f) => f.lei && f.lei !== ourLei).map((f) => f.confirmationId),
        field: "counterparty.lei",
        ours: ourLei,
        theirs: otherLeis.join("/"),
        detail: `counterparty LEI ours ${ourLei} (${trade.counterparty.name}), confirmed ${otherLeis.join("/")}`,
      }),
    );
  }
  const ourSsi = normalizeCode(trade.ssiId);
  const otherSsis = distinct(
    fills.flatMap((f) => (f.ssiId && normalizeCode(f.ssiId) !== ourSsi ? [f.ssiId] : [])),
  );
  if (otherSsis.length > 0) {
    breaks.push(
      tradeBreak("COUNTERPARTY_SSI_MISMATCH", [trade], instrument, {
        confirmationIds: fills
          .filter((f) => f.ssiId && normalizeCode(f.ssiId) !== ourSsi)
          .map((f) => f.confirmationId),
        field: "ssiId",
        ours: trade.ssiId,
        theirs: otherSsis.join("/"),
        detail: `SSI ours ${trade.ssiId}, the broker will settle to ${otherSsis.join("/")}; fix before settlement`,
      }),
    );
  }
  return breaks;
}

function normalizeCode(code: string): string {
  return code.replace(/\s+/g, "").toUpperCase();
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** A VWAP to 10 significant digits: the figure a person compares, without float noise. */
function roundPrice(price: number): number {
  return Number(price.toPrecision(10));
}

function display(value: string | number): string {
  return typeof value === "number" ? show(value) : value;
}
