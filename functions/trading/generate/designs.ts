import type { BreakCategory } from "../breaks.ts";
import { addBusinessDays, conventionalSettleDate } from "../calendars/index.ts";
import { type Confirmation, oppositeSide, type Trade } from "../model/index.ts";
import { comparePrice, DEFAULT_TOLERANCES, pipSize } from "../tolerances.ts";
import { type Booking, type Builder, GeneratorInvariantError, type Lifecycle, ssiOf } from "./builder.ts";
import { cusipOf, digits, isinOf } from "./identifiers.ts";
import type { Random } from "./random.ts";
import { type Listing, round, type ThinSpec } from "./reference.ts";
import type { DesignedTrapKind } from "./types.ts";

/**
 * The designed cases: every break category and every trap, each in variants. The n-th case of a
 * kind is built by variant n mod (number of variants), so a day with as many cases as variants
 * has them all, and the near-threshold variants come first. A variant books exactly `size` trades.
 */
export interface Variant {
  readonly name: string;
  /** Trades it books (0 for a confirmation with no trade behind it, or an untraded instrument). */
  readonly size: number;
  readonly build: (b: Builder, instance: number) => void;
}

/** Unpaired-on-purpose keys are scarce (one case per key): these cases are capped per day. */
export const MAX_LEFTOVER_CASES = 64;

// Which listings a case can use ------------------------------------------------------------------

type Filter = (l: Listing) => boolean;
const isEquity: Filter = (l) => l.instrument.type === "EQUITY";
/** Equities quoted in cents (2 decimals): exact arithmetic for the basis-point cases. */
const isCentEquity: Filter = (l) => isEquity(l) && l.decimals === 2;
const isFx: Filter = (l) => l.instrument.type === "FX_SPOT";
const isFxNonJpy: Filter = (l) => l.instrument.type === "FX_SPOT" && l.instrument.quoteCurrency !== "JPY";
const isFxJpy: Filter = (l) => l.instrument.type === "FX_SPOT" && l.instrument.quoteCurrency === "JPY";
const isTreasury: Filter = (l) => l.treasury;
const isCorp: Filter = (l) => l.instrument.type === "CORP_BOND";
const isGovtNonUs: Filter = (l) => l.instrument.type === "GOVT_BOND" && !l.treasury;
const isBond: Filter = (l) => l.instrument.type === "GOVT_BOND" || l.instrument.type === "CORP_BOND";
const hasAlias =
  (alias: string, also: Filter = () => true): Filter =>
  (l) =>
    l.aliases[alias] !== undefined && also(l);

function quoteOf(l: Listing): string {
  return l.instrument.type === "FX_SPOT" ? l.instrument.quoteCurrency : l.instrument.currency;
}

// Price moves, in each type's own unit -----------------------------------------------------------

type Move = (ours: number, sign: 1 | -1, l: Listing) => number;
/** Basis points of our price; six decimals keep 2-decimal prices exact. */
const bps =
  (x: number): Move =>
  (ours, sign) =>
    round(ours * (1 + (sign * x) / 10_000), 6);
const pips =
  (x: number): Move =>
  (ours, sign, l) =>
    round(ours + sign * x * pipSize(quoteOf(l)), quoteOf(l) === "JPY" ? 4 : 6);
/** 32nds of a point: exact in binary. */
const thirtySeconds =
  (x: number): Move =>
  (ours, sign) =>
    ours + (sign * x) / 32;
const points =
  (x: number): Move =>
  (ours, sign) =>
    round(ours + sign * x, 4);

/** A move far outside any tolerance: a fat finger, an off-market fill. */
function grossMove(b: Builder, l: Listing, ours: number): number {
  const sign = b.rng.sign();
  if (l.treasury) return ours + (sign * b.rng.int(6, 24)) / 32;
  switch (l.instrument.type) {
    case "EQUITY":
      return round(ours * (1 + sign * b.rng.between(0.01, 0.03)), l.decimals);
    case "FX_SPOT":
      return round(ours + sign * b.rng.int(15, 60) * pipSize(quoteOf(l)), l.decimals);
    default:
      return round(ours + sign * b.rng.between(0.25, 1.5), 3);
  }
}

type Outcome = { readonly break: BreakCategory } | { readonly trap: DesignedTrapKind };

/** One designed trade confirmed at a price moved by `move`: a price break, or a trap within tolerance. */
function priceCase(name: string, filter: Filter, move: Move, outcome: Outcome): Variant {
  return {
    name,
    size: 1,
    build: (b) => {
      const l = b.listing(filter);
      const { trade } = b.designTrade(l);
      const theirs = move(trade.price, b.rng.sign(), l);
      b.checkPrice(l, trade.price, theirs, "break" in outcome ? "over" : "within");
      const c = b.confirm(trade, l, { price: theirs });
      if ("break" in outcome) b.expect(outcome.break, [trade], [c], l.instrument.instrumentId, "price");
      else b.trap(outcome.trap, [trade], [c], `${name}: ${b.describe(l, trade.price, theirs)}`);
    },
  };
}

/** One designed trade and one confirmation, the confirmation changed by `change`. */
function fieldCase(
  name: string,
  filter: Filter,
  category: BreakCategory,
  field: "side" | "quantity" | "currency" | "settleDate" | "counterparty.lei" | "ssiId",
  change: (b: Builder, l: Listing, trade: Trade, booking: Booking) => Parameters<Builder["confirm"]>[2],
): Variant {
  return {
    name,
    size: 1,
    build: (b) => {
      const l = b.listing(filter);
      const { trade, booking } = b.designTrade(l);
      const c = b.confirm(trade, l, { price: trade.price, ...change(b, l, trade, booking) });
      b.expect(category, [trade], [c], l.instrument.instrumentId, field);
    },
  };
}

const ANY: Filter = () => true;

// Breaks ------------------------------------------------------------------------------------------

const PRICE_MISMATCH: readonly Variant[] = [
  priceCase("equity 5.2 bps over", isCentEquity, bps(5.2), { break: "PRICE_MISMATCH" }),
  priceCase("FX 1.1 pips over", isFxNonJpy, pips(1.1), { break: "PRICE_MISMATCH" }),
  priceCase("JPY-quoted FX 1.2 pips (of 0.01) over", isFxJpy, pips(1.2), { break: "PRICE_MISMATCH" }),
  priceCase("US Treasury 1/32 off", isTreasury, thirtySeconds(1), { break: "PRICE_MISMATCH" }),
  priceCase("corporate bond 0.02 points off", isCorp, points(0.02), { break: "PRICE_MISMATCH" }),
  {
    name: "fat-fingered booking price",
    size: 1,
    build: (b) => {
      const l = b.listing(ANY);
      const booking = b.booking(l);
      const executed = b.executionPrice(l);
      const booked = grossMove(b, l, executed);
      const trade = b.trade(booking, { quantity: b.designQuantity(booking), price: booked });
      b.checkPrice(l, booked, executed, "over");
      const c = b.confirm(trade, l, { price: executed });
      b.expect("PRICE_MISMATCH", [trade], [c], l.instrument.instrumentId, "price");
    },
  },
  priceCase("government bond 0.02 points off", isGovtNonUs, points(0.02), { break: "PRICE_MISMATCH" }),
];

const QUANTITY_MISMATCH: readonly Variant[] = [
  fieldCase("FX base amount 2e-6 relative off", isFx, "QUANTITY_MISMATCH", "quantity", (b, l, trade) => {
    const quantity = round(trade.quantity * (1 + b.rng.sign() * 2e-6), 2);
    b.checkQuantity(l, trade.quantity, quantity, "over");
    return { quantity };
  }),
  fieldCase("equity one share off", isEquity, "QUANTITY_MISMATCH", "quantity", (b, l, trade) => {
    const quantity = trade.quantity + b.rng.sign();
    b.checkQuantity(l, trade.quantity, quantity, "over");
    return { quantity };
  }),
  fieldCase("bond 1,000 face off", isBond, "QUANTITY_MISMATCH", "quantity", (b, l, trade) => {
    const quantity = trade.quantity + b.rng.sign() * 1_000;
    b.checkQuantity(l, trade.quantity, quantity, "over");
    return { quantity };
  }),
  fieldCase("equity block short-filled", isEquity, "QUANTITY_MISMATCH", "quantity", (b, l, trade) => {
    const block = 100 * b.rng.int(1, 20);
    const quantity = trade.quantity > block ? trade.quantity - block : trade.quantity + block;
    b.checkQuantity(l, trade.quantity, quantity, "over");
    return { quantity };
  }),
];

const SIDE_MISMATCH: readonly Variant[] = [
  fieldCase("equity side flipped", isEquity, "SIDE_MISMATCH", "side", (_b, _l, t) => ({
    side: oppositeSide(t.side),
  })),
  fieldCase("FX side flipped", isFx, "SIDE_MISMATCH", "side", (_b, _l, t) => ({
    side: oppositeSide(t.side),
  })),
  fieldCase("bond side flipped", isBond, "SIDE_MISMATCH", "side", (_b, _l, t) => ({
    side: oppositeSide(t.side),
  })),
];

const CURRENCY_MISMATCH: readonly Variant[] = [
  fieldCase(
    "non-USD equity confirmed in USD",
    (l) => isEquity(l) && l.instrument.currency !== "USD",
    "CURRENCY_MISMATCH",
    "currency",
    () => ({ currency: "USD" }),
  ),
  fieldCase(
    "bond confirmed in EUR",
    (l) => isBond(l) && l.instrument.currency !== "EUR",
    "CURRENCY_MISMATCH",
    "currency",
    () => ({ currency: "EUR" }),
  ),
  fieldCase(
    "US equity confirmed in CAD",
    (l) => isEquity(l) && l.instrument.currency === "USD",
    "CURRENCY_MISMATCH",
    "currency",
    () => ({ currency: "CAD" }),
  ),
];

const SETTLE_DATE_MISMATCH: readonly Variant[] = [
  {
    name: "broker ignored a local holiday",
    size: 1,
    build: (b) => {
      const crossing = b.universe.tradable.filter((l) => l.naiveSettleDate !== l.settleDate);
      const l = crossing.length > 0 ? b.rng.pick(crossing) : b.listing(ANY);
      const { trade } = b.designTrade(l);
      const settleDate =
        crossing.length > 0 ? l.naiveSettleDate : addBusinessDays(l.calendar, l.settleDate, 1);
      const c = b.confirm(trade, l, { price: trade.price, settleDate });
      b.expect("SETTLE_DATE_MISMATCH", [trade], [c], l.instrument.instrumentId, "settleDate");
    },
  },
  fieldCase("one business day late", ANY, "SETTLE_DATE_MISMATCH", "settleDate", (_b, l) => ({
    settleDate: addBusinessDays(l.calendar, l.settleDate, 1),
  })),
  fieldCase("one business day early", ANY, "SETTLE_DATE_MISMATCH", "settleDate", (b, l) => {
    const early = addBusinessDays(l.calendar, l.settleDate, -1);
    return { settleDate: early > b.businessDate ? early : addBusinessDays(l.calendar, l.settleDate, 2) };
  }),
];

const COUNTERPARTY_SSI_MISMATCH: readonly Variant[] = [
  fieldCase(
    "sister entity's LEI",
    ANY,
    "COUNTERPARTY_SSI_MISMATCH",
    "counterparty.lei",
    (b, _l, _t, booking) => {
      const sister = b.sisterEntity(booking);
      return { counterparty: { name: sister.name, lei: sister.lei } };
    },
  ),
  fieldCase("superseded SSI", ANY, "COUNTERPARTY_SSI_MISMATCH", "ssiId", (_b, l, _t, booking) => ({
    ssiId: ssiOf(booking.entity, l.instrument.currency).previous,
  })),
];

const MISSING_CONFIRMATION: readonly Variant[] = [
  {
    name: "no confirmation",
    size: 1,
    build: (b) => {
      const l = b.flowListing();
      const { trade } = b.designTrade(l);
      b.expect("MISSING_CONFIRMATION", [trade], [], l.instrument.instrumentId);
    },
  },
  {
    name: "near-twin of a confirmed trade, price 5.2 bps apart (not a duplicate)",
    size: 2,
    build: (b) => {
      const l = b.listing(isCentEquity);
      const { trade: twin, booking } = b.designTrade(l);
      b.confirm(twin, l, { price: twin.price });
      const price = bps(5.2)(twin.price, b.rng.sign(), l);
      b.checkPrice(l, twin.price, price, "over");
      b.checkPrice(l, price, twin.price, "over");
      const trade = b.trade(booking, { quantity: twin.quantity, price });
      b.expect("MISSING_CONFIRMATION", [trade], [], l.instrument.instrumentId);
    },
  },
  {
    name: "near-twin of a confirmed trade facing a sister entity (another LEI)",
    size: 2,
    build: (b) => {
      const l = b.flowListing();
      const { trade: twin, booking } = b.designTrade(l);
      b.confirm(twin, l);
      const trade = b.trade(booking, {
        quantity: twin.quantity,
        price: twin.price,
        entity: b.sisterEntity(booking),
      });
      b.expect("MISSING_CONFIRMATION", [trade], [], l.instrument.instrumentId);
    },
  },
];

function unknownForeignAccount(b: Builder): void {
  const l = b.flowListing();
  const booking = b.booking(l);
  const c = b.confirmNothing(booking, {
    account: b.rng.pick(b.universe.foreignAccounts),
    quantity: b.regularQuantity(l),
    price: b.executionPrice(l),
    tradeDate: b.businessDate,
    settleDate: l.settleDate,
    ref: b.rng.chance(0.5) ? b.foreignRef() : null,
  });
  b.expect("UNKNOWN_CONFIRMATION", [], [c], l.instrument.instrumentId);
}

const UNKNOWN_CONFIRMATION: readonly Variant[] = [
  { name: "another firm's account", size: 0, build: unknownForeignAccount },
  {
    name: "an instrument we do not hold",
    size: 0,
    build: (b) => {
      const l = b.listing((x) => isEquity(x) && x.instrument.currency === "USD");
      let isin = "";
      do isin = isinOf("US", cusipOf(`${digits(b.rng, 3)}${digits(b.rng, 3)}`, "10"));
      while (!b.isUnknownId(isin) || !b.isUnknownId(isin.slice(2, 11)));
      const c = b.confirmNothing(b.booking(l), {
        instrumentId: isin,
        quantity: 100 * b.rng.int(1, 50),
        price: round(b.rng.between(10, 200), 2),
        tradeDate: b.businessDate,
        settleDate: l.settleDate,
      });
      b.expect("UNKNOWN_CONFIRMATION", [], [c], isin);
    },
  },
  {
    name: "yesterday's trade, quoting yesterday's id",
    size: 0,
    build: (b) => {
      const l = b.flowListing();
      const yesterday = addBusinessDays(l.calendar, b.businessDate, -1);
      const c = b.confirmNothing(b.booking(l), {
        quantity: b.regularQuantity(l),
        price: b.executionPrice(l),
        tradeDate: yesterday,
        settleDate: conventionalSettleDate(l.instrument, yesterday),
        ref: `T${yesterday.replaceAll("-", "")}-${digits(b.rng, 7)}`,
      });
      b.expect("UNKNOWN_CONFIRMATION", [], [c], l.instrument.instrumentId);
    },
  },
  {
    name: "our key, a quantity no trade has",
    size: 0,
    build: (b, instance) => {
      // Each such case claims a key of its own; past the cap, fall back to a foreign account.
      if (Math.floor(instance / 4) >= MAX_LEFTOVER_CASES) return unknownForeignAccount(b);
      const l = b.flowListing();
      const booking = b.booking(l, { leftover: true });
      const c = b.confirmNothing(booking, {
        quantity: b.designQuantity(booking),
        price: b.executionPrice(l),
        tradeDate: b.businessDate,
        settleDate: l.settleDate,
        ref: b.rng.chance(0.5) ? b.foreignRef() : null,
      });
      b.expect("UNKNOWN_CONFIRMATION", [], [c], l.instrument.instrumentId);
    },
  },
];

const DUPLICATE_BOOKING: readonly Variant[] = [
  {
    name: "booked twice",
    size: 2,
    build: (b) => {
      const l = b.flowListing();
      const { trade: original, booking } = b.designTrade(l);
      b.confirm(original, l);
      const duplicate = b.trade(booking, { quantity: original.quantity, price: original.price });
      b.expect("DUPLICATE_BOOKING", [original, duplicate], [], l.instrument.instrumentId);
    },
  },
  {
    name: "booked twice, the second 5 bps higher (exactly at tolerance)",
    size: 2,
    build: (b) => {
      const l = b.listing(isCentEquity);
      const { trade: original, booking } = b.designTrade(l);
      b.confirm(original, l, { price: original.price });
      // Higher, so that the gap is within 5 bps whichever price it is measured against.
      const price = bps(5)(original.price, 1, l);
      b.checkPrice(l, original.price, price, "within");
      b.checkPrice(l, price, original.price, "within");
      const duplicate = b.trade(booking, { quantity: original.quantity, price });
      b.expect("DUPLICATE_BOOKING", [original, duplicate], [], l.instrument.instrumentId);
    },
  },
  {
    name: "booked twice, the second 0.5 pip away",
    size: 2,
    build: (b) => {
      const l = b.listing(isFx);
      const { trade: original, booking } = b.designTrade(l);
      b.confirm(original, l, { price: original.price });
      const price = pips(0.5)(original.price, b.rng.sign(), l);
      b.checkPrice(l, original.price, price, "within");
      const duplicate = b.trade(booking, { quantity: original.quantity, price });
      b.expect("DUPLICATE_BOOKING", [original, duplicate], [], l.instrument.instrumentId);
    },
  },
];

const CANCELLED: Lifecycle = { status: "CANCELLED", earlier: [{}] };

const CANCELLED_BUT_CONFIRMED: readonly Variant[] = [
  {
    name: "cancelled, confirmed by reference",
    size: 1,
    build: (b) => {
      const l = b.flowListing();
      const { trade } = b.designTrade(l, { lifecycle: CANCELLED });
      const c = b.confirm(trade, l, { receivedAtMs: Date.parse(trade.bookedAt) + b.rng.int(1, 20) * 60_000 });
      b.expect("CANCELLED_BUT_CONFIRMED", [trade], [c], l.instrument.instrumentId);
    },
  },
  {
    name: "cancelled, confirmed without a reference",
    size: 1,
    build: (b) => {
      const l = b.flowListing();
      const { trade } = b.designTrade(l, { lifecycle: CANCELLED });
      const c = b.confirm(trade, l, { ref: null });
      b.expect("CANCELLED_BUT_CONFIRMED", [trade], [c], l.instrument.instrumentId);
    },
  },
  {
    name: "cancelled, confirmed at another price (still only cancelled-but-confirmed)",
    size: 1,
    build: (b) => {
      const l = b.flowListing();
      const { trade } = b.designTrade(l, { lifecycle: CANCELLED });
      const c = b.confirm(trade, l, { price: grossMove(b, l, trade.price) });
      b.expect("CANCELLED_BUT_CONFIRMED", [trade], [c], l.instrument.instrumentId);
    },
  },
];

/** A trade amended once; the broker confirmed the version before. */
function amendmentCase(
  name: string,
  field: "quantity" | "price" | "settleDate",
  referenced: boolean,
): Variant {
  return {
    name,
    size: 1,
    build: (b) => {
      const l = b.flowListing();
      const booking = b.booking(l);
      const quantity = b.designQuantity(booking);
      const price = b.executionPrice(l);
      let earlier: Lifecycle["earlier"][number];
      let current = { quantity, price };
      if (field === "quantity") {
        earlier = { quantity };
        current = { quantity: b.designQuantity(booking), price };
      } else if (field === "price") {
        const amended = grossMove(b, l, price);
        b.checkPrice(l, amended, price, "over");
        earlier = { price };
        current = { quantity, price: amended };
      } else {
        earlier = { settleDate: addBusinessDays(l.calendar, l.settleDate, 1) };
      }
      const trade = b.trade(booking, current, { status: "AMENDED", earlier: [earlier] });
      const c = b.confirm(trade, l, {
        ref: referenced ? undefined : null,
        quantity,
        price,
        settleDate: earlier.settleDate ?? trade.settleDate,
        receivedAtMs: Date.parse(trade.bookedAt) + 60_000,
      });
      b.expect("AMENDMENT_NOT_CONFIRMED", [trade], [c], l.instrument.instrumentId, field);
    },
  };
}

const AMENDMENT_NOT_CONFIRMED: readonly Variant[] = [
  amendmentCase("quantity amended, old quantity confirmed", "quantity", true),
  amendmentCase("price amended, old price confirmed", "price", true),
  amendmentCase("settle date amended, old date confirmed", "settleDate", true),
  amendmentCase("quantity amended, old quantity confirmed without a reference", "quantity", false),
];

/** The thin instruments the stale-price breaks use, variant by variant. */
export const STALE_THIN: readonly ThinSpec[] = [
  { market: "0", staleDays: 1, lateStamp: true },
  { market: "1", staleDays: 1 },
  { market: "bond:EUR", staleDays: 3 },
  { market: "2", staleDays: 2 },
];

function staleCase(name: string, active: number, cancelled: number): Variant {
  return {
    name,
    size: active + cancelled,
    build: (b, instance) => {
      const l = b.universe.staleListings[instance];
      if (!l) throw new GeneratorInvariantError(`no thin listing for stale case ${instance}`);
      const trades: Trade[] = [];
      for (let i = 0; i < active; i++) {
        const { trade } = b.designTrade(l);
        b.confirm(trade, l);
        trades.push(trade);
      }
      for (let i = 0; i < cancelled; i++) b.designTrade(l, { lifecycle: CANCELLED });
      trades.sort((x, y) => (x.tradeId < y.tradeId ? -1 : 1));
      b.expect("STALE_PRICE", trades, [], l.instrument.instrumentId, "price.asOf");
    },
  };
}

const STALE_PRICE: readonly Variant[] = [
  staleCase("one business day old, stamped late (UTC already the next day)", 2, 0),
  staleCase("one business day old", 1, 0),
  staleCase("three business days old; a cancelled trade is not listed", 2, 1),
  staleCase("two business days old", 1, 0),
];

export const BREAK_DESIGNS: Readonly<Record<BreakCategory, readonly Variant[]>> = {
  PRICE_MISMATCH,
  QUANTITY_MISMATCH,
  SIDE_MISMATCH,
  CURRENCY_MISMATCH,
  SETTLE_DATE_MISMATCH,
  COUNTERPARTY_SSI_MISMATCH,
  MISSING_CONFIRMATION,
  UNKNOWN_CONFIRMATION,
  DUPLICATE_BOOKING,
  CANCELLED_BUT_CONFIRMED,
  AMENDMENT_NOT_CONFIRMED,
  STALE_PRICE,
};

// Traps -------------------------------------------------------------------------------------------

const AT: Outcome = { trap: "PRICE_AT_TOLERANCE" };
const UNDER: Outcome = { trap: "PRICE_JUST_UNDER_TOLERANCE" };

/** One designed trade, one clean confirmation quoting it differently; `referenced` or by economics. */
function quotedCase(
  kind: DesignedTrapKind,
  name: string,
  filter: Filter,
  quote: (b: Builder, l: Listing, trade: Trade) => Parameters<Builder["confirm"]>[2],
): Variant {
  return {
    name,
    size: 1,
    build: (b) => {
      const l = b.listing(filter);
      const { trade } = b.designTrade(l);
      const overrides = quote(b, l, trade);
      const c = b.confirm(trade, l, overrides);
      b.trap(kind, [trade], [c], `${name}: ${describeRef(c)}, instrument quoted as ${c.instrumentId}`);
    },
  };
}

function describeRef(c: Confirmation): string {
  return c.tradeRef === undefined ? "no tradeRef" : `tradeRef ${JSON.stringify(c.tradeRef)}`;
}

function fxQuantityCase(name: string, relative: number): Variant {
  return {
    name,
    size: 1,
    build: (b) => {
      const l = b.listing(isFx);
      const booking = b.booking(l);
      // A multiple of 10,000: one millionth of it is a whole number of cents.
      const quantity = b.designQuantity(booking, 10_000);
      const trade = b.trade(booking, { quantity, price: b.executionPrice(l) });
      const theirs = round(quantity * (1 + b.rng.sign() * relative), 2);
      b.checkQuantity(l, quantity, theirs, "within");
      const c = b.confirm(trade, l, { quantity: theirs });
      b.trap("FX_QUANTITY_WITHIN_TOLERANCE", [trade], [c], `${name}: base amount ${quantity} vs ${theirs}`);
    },
  };
}

/** Splits `total` into `n` positive parts, none under a half of an even share. */
function split(rng: Random, total: number, n: number): number[] | undefined {
  const least = Math.max(1, Math.floor(total / (2 * n)));
  const spare = total - least * n;
  if (spare < 0) return undefined;
  const weights = Array.from({ length: n }, () => rng.next() + 0.05);
  const sum = weights.reduce((s, w) => s + w, 0);
  const parts = weights.map((w) => least + Math.floor((spare * w) / sum));
  parts[n - 1] = (parts[n - 1] as number) + total - parts.reduce((s, p) => s + p, 0);
  return parts;
}

/** Sums of every subset of two or more, short of all of them. */
function partialSums(parts: readonly number[]): number[] {
  const sums: number[] = [];
  for (let mask = 1; mask < (1 << parts.length) - 1; mask++) {
    const chosen = parts.filter((_, i) => mask & (1 << i));
    if (chosen.length >= 2) sums.push(chosen.reduce((s, q) => s + q, 0));
  }
  return sums;
}

/** A fill price this far from the middle, in the type's own unit, on the broker's grid. */
function fillPrice(l: Listing, middle: number, offset: number): number {
  if (l.treasury) return middle + offset / 32;
  switch (l.instrument.type) {
    case "EQUITY":
      return round(middle * (1 + offset / 10_000), l.decimals);
    case "FX_SPOT":
      return round(middle + offset * pipSize(quoteOf(l)), l.decimals);
    default:
      return round(middle + offset / 100, 3);
  }
}

/** Our booking of the average price: finer than any fill. */
function averagePrice(l: Listing, vwap: number): number {
  if (l.treasury) return Math.round(vwap * 256) / 256;
  if (l.instrument.type === "FX_SPOT") return round(vwap, l.decimals + 1);
  return round(vwap, l.instrument.type === "EQUITY" ? l.decimals + 2 : 4);
}

/** The offset range of a fill from the middle: several tolerances (bps, pips, 32nds, hundredths). */
function offsetRange(l: Listing): [number, number] {
  if (l.treasury) return [2, 4];
  switch (l.instrument.type) {
    case "EQUITY":
      return [15, 40];
    case "FX_SPOT":
      return [2, 5];
    default:
      return [4, 12];
  }
}

/**
 * One trade filled by `n` confirmations whose average is within tolerance of our price while no
 * fill on its own is; unreferenced fills are reserved so that only their own sum fills a trade.
 */
function fillsCase(name: string, filter: Filter, n: number, referenced: boolean): Variant {
  return {
    name,
    size: 1,
    build: (b) => {
      const l = b.listing(filter);
      const booking = b.booking(l, { leftover: !referenced });
      const quantity = b.designQuantity(booking);
      const { step, unit } = l;
      const [low, high] = offsetRange(l);
      for (let attempt = 0; attempt < 200; attempt++) {
        const parts = split(b.rng, quantity / unit, n)?.map((p) => p * unit);
        if (!parts || parts.some((q) => q <= 0 || q % step === 0) || new Set(parts).size < n) continue;
        if (!referenced && ![...parts, ...partialSums(parts)].every((q) => b.isFree(booking, q))) continue;
        const middle = b.executionPrice(l);
        const first = b.rng.sign();
        const prices = parts.map((_, i) => {
          const magnitude = l.treasury ? b.rng.int(low, high) : round(b.rng.between(low, high), 1);
          return fillPrice(l, middle, (i % 2 === 0 ? first : -first) * magnitude);
        });
        const vwap = parts.reduce((s, q, i) => s + q * (prices[i] as number), 0) / quantity;
        const ours = averagePrice(l, vwap);
        const average = comparePrice(l.instrument, ours, vwap, DEFAULT_TOLERANCES);
        const fillsOff = prices.every(
          (p) => comparePrice(l.instrument, ours, p, DEFAULT_TOLERANCES).difference > average.tolerance * 1.5,
        );
        if (!(average.difference <= average.tolerance / 4 && fillsOff && ours > 0)) continue;
        if (!referenced) for (const q of [...parts, ...partialSums(parts)]) b.reserve(booking, q);
        const trade = b.trade(booking, { quantity, price: ours });
        const startMs = Date.parse(trade.bookedAt);
        const fills = parts.map((q, i) =>
          b.confirm(trade, l, {
            ref: referenced ? undefined : null,
            quantity: q,
            price: prices[i] as number,
            receivedAtMs: startMs + (i + 1) * b.rng.int(3, 20) * 60_000,
          }),
        );
        const detail = parts.map((q, i) => `${q}@${prices[i]}`).join(", ");
        b.trap(
          referenced ? "PARTIAL_FILLS_REFERENCED" : "PARTIAL_FILLS_UNREFERENCED",
          [trade],
          fills,
          `${name}: ${detail}; VWAP ${round(vwap, 8)} vs our ${ours} (${average.difference} ${average.unit}, tolerance ${average.tolerance})`,
        );
        return;
      }
      throw new GeneratorInvariantError(
        `no split of ${quantity} into ${n} fills for ${l.instrument.instrumentId}`,
      );
    },
  };
}

const bigEnoughEquity: Filter = (l) => isEquity(l) && l.close >= 10;

function dirtyRefCase(name: string, dirty: (id: string) => string): Variant {
  return quotedCase("DIRTY_REF", name, ANY, (_b, _l, trade) => ({ ref: dirty(trade.tradeId) }));
}

function inverseCase(name: string, slash: boolean, referenced: boolean): Variant {
  return {
    name,
    size: 1,
    build: (b) => {
      const l = b.listing(isFx);
      if (l.instrument.type !== "FX_SPOT") throw new GeneratorInvariantError("not a pair");
      const { baseCurrency: base, quoteCurrency: quote } = l.instrument;
      const { trade } = b.designTrade(l);
      const rate = Number((1 / trade.price).toPrecision(10));
      const check = comparePrice(l.instrument, trade.price, 1 / rate, DEFAULT_TOLERANCES);
      if (check.difference > check.tolerance / 10)
        throw new GeneratorInvariantError("inverse rate too coarse");
      const c = b.confirm(trade, l, {
        ref: referenced ? undefined : null,
        instrumentId: slash ? `${quote}/${base}` : `${quote}${base}`,
        side: oppositeSide(trade.side),
        quantity: trade.counterAmount as number,
        price: rate,
        currency: base,
        counterAmount: trade.quantity,
      });
      b.trap(
        "INVERSE_FX_PAIR",
        [trade],
        [c],
        `${name}: ${c.instrumentId} ${c.side} ${c.quantity} ${quote} at ${rate} = our ${trade.side} ${trade.quantity} ${base} at ${trade.price}`,
      );
    },
  };
}

function aliasCase(name: string, alias: string, filter: Filter, referenced: boolean): Variant {
  return quotedCase("ALT_INSTRUMENT_ID", name, hasAlias(alias, filter), (_b, l) => ({
    ref: referenced ? undefined : null,
    instrumentId: l.aliases[alias] as string,
  }));
}

const NAME_CHANGES: readonly ((name: string) => string)[] = [
  (n) => n.toUpperCase(),
  (n) =>
    n
      .replace("Securities", "Secs")
      .replace("International", "Intl")
      .replace("Capital Markets", "Cap. Mkts")
      .replace("Global Markets", "Global Mkts"),
  (n) =>
    n
      .replace(/ LLC$/, ", L.L.C.")
      .replace(/ plc$/, " PLC")
      .replace(/ SE$/, " S.E.")
      .replace(" Co., Ltd.", " K.K."),
  (n) => n.replace("&", "and").replace(/[.,]/g, ""),
];

function nameVariant(rng: Random, name: string): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    let variant = rng.pick(NAME_CHANGES)(name);
    if (rng.chance(0.5)) variant = rng.pick(NAME_CHANGES)(variant);
    if (variant !== name) return variant;
  }
  return name.toUpperCase();
}

function nameCase(name: string, referenced: boolean): Variant {
  return quotedCase("COUNTERPARTY_NAME_VARIANT", name, ANY, (b, _l, trade) => ({
    ref: referenced ? undefined : null,
    counterparty: { name: nameVariant(b.rng, trade.counterparty.name), lei: trade.counterparty.lei },
  }));
}

/** The thin instruments the stale-price traps use, variant by variant. */
export const TRAP_THIN: readonly ThinSpec[] = [
  { market: "3", staleDays: 5 },
  { market: "bond:USD", staleDays: 2 },
  { market: "4", staleDays: 0, noPrice: true },
];

export const TRAP_DESIGNS: Readonly<Record<DesignedTrapKind, readonly Variant[]>> = {
  PRICE_AT_TOLERANCE: [
    priceCase("equity exactly 5 bps", isCentEquity, bps(5), AT),
    priceCase("FX exactly 1 pip", isFxNonJpy, pips(1), AT),
    priceCase("JPY-quoted FX exactly 1 pip (0.01)", isFxJpy, pips(1), AT),
    priceCase("US Treasury exactly 0.5/32 (1/64)", isTreasury, thirtySeconds(0.5), AT),
    priceCase("corporate bond exactly 0.01 points", isCorp, points(0.01), AT),
    priceCase("government bond exactly 0.01 points", isGovtNonUs, points(0.01), AT),
  ],
  PRICE_JUST_UNDER_TOLERANCE: [
    priceCase("equity 4.9 bps", isCentEquity, bps(4.9), UNDER),
    priceCase("FX 0.9 pip", isFxNonJpy, pips(0.9), UNDER),
    priceCase("JPY-quoted FX 0.9 pip", isFxJpy, pips(0.9), UNDER),
    priceCase("US Treasury 0.375/32 (3/256)", isTreasury, thirtySeconds(0.375), UNDER),
    priceCase("corporate bond 0.009 points", isCorp, points(0.009), UNDER),
  ],
  FX_QUANTITY_WITHIN_TOLERANCE: [
    fxQuantityCase("FX base amount exactly 1e-6 relative off", 1e-6),
    fxQuantityCase("FX base amount 0.8e-6 relative off", 0.8e-6),
  ],
  DIRTY_REF: [
    dirtyRefCase("reference in lower case", (id) => id.toLowerCase()),
    dirtyRefCase("reference padded with spaces", (id) => `  ${id} `),
    dirtyRefCase("reference re-keyed with a space inside", (id) => `${id.slice(0, 9)} ${id.slice(9)}`),
    dirtyRefCase(
      "reference lower-cased, tab-padded, spaced",
      (id) => `\t${id.slice(0, 1).toLowerCase()} ${id.slice(1)} `,
    ),
  ],
  FOREIGN_REF: [
    quotedCase("FOREIGN_REF", "the broker's own execution id in our field", ANY, (b, _l, trade) => ({
      ref: `${trade.broker}X${digits(b.rng, 9)}`,
    })),
    quotedCase("FOREIGN_REF", "another firm's trade id in our field", ANY, (b) => ({ ref: b.foreignRef() })),
  ],
  MISSING_REF: [
    quotedCase("MISSING_REF", "no reference at all", ANY, () => ({ ref: null })),
    quotedCase("MISSING_REF", "a blank reference", ANY, () => ({ ref: "   " })),
  ],
  PARTIAL_FILLS_REFERENCED: [
    fillsCase("2 equity fills by reference", bigEnoughEquity, 2, true),
    fillsCase("3 FX fills by reference", isFx, 3, true),
    fillsCase("4 corporate bond fills by reference", isCorp, 4, true),
    fillsCase("2 US Treasury fills by reference", isTreasury, 2, true),
  ],
  PARTIAL_FILLS_UNREFERENCED: [
    fillsCase("2 bond fills without references", isBond, 2, false),
    fillsCase("3 equity fills without references", bigEnoughEquity, 3, false),
    fillsCase("4 FX fills without references", isFx, 4, false),
  ],
  INVERSE_FX_PAIR: [
    inverseCase("inverse pair by reference", false, true),
    inverseCase("inverse pair with a slash, by economics", true, false),
  ],
  ALT_INSTRUMENT_ID: [
    aliasCase("US Treasury by CUSIP", "CUSIP", isTreasury, true),
    aliasCase("UK equity by SEDOL, by economics", "SEDOL", isEquity, false),
    aliasCase("equity by ticker", "TICKER", isEquity, true),
    aliasCase("FX pair with a slash, by economics", "PAIR", isFx, false),
    aliasCase("US corporate bond by CUSIP, by economics", "CUSIP", isCorp, false),
    aliasCase("gilt by SEDOL", "SEDOL", isGovtNonUs, true),
  ],
  COUNTERPARTY_NAME_VARIANT: [
    nameCase("counterparty name spelled differently, same LEI", true),
    nameCase("counterparty name spelled differently, same LEI, by economics", false),
  ],
  IDENTICAL_TWINS_CONFIRMED: [
    {
      name: "two identical trades, both confirmed (one by reference, one by economics)",
      size: 2,
      build: (b) => {
        const l = b.flowListing();
        const { trade: first, booking } = b.designTrade(l);
        const second = b.trade(booking, { quantity: first.quantity, price: first.price });
        const c1 = b.confirm(first, l, { ref: null, price: first.price });
        const c2 = b.confirm(second, l, { price: second.price });
        b.trap(
          "IDENTICAL_TWINS_CONFIRMED",
          [first, second],
          [c1, c2],
          "genuine twins, each confirmed: not a duplicate booking",
        );
      },
    },
  ],
  AMENDED_CONFIRMED_AT_NEW: [
    {
      name: "quantity amended, new quantity confirmed",
      size: 1,
      build: (b) => {
        const l = b.flowListing();
        const booking = b.booking(l);
        const before = b.designQuantity(booking);
        const trade = b.trade(
          booking,
          { quantity: b.designQuantity(booking), price: b.executionPrice(l) },
          { status: "AMENDED", earlier: [{ quantity: before }] },
        );
        const c = b.confirm(trade, l);
        b.trap(
          "AMENDED_CONFIRMED_AT_NEW",
          [trade],
          [c],
          `quantity ${before} → ${trade.quantity}, confirmed at the new`,
        );
      },
    },
    {
      name: "price then settle date amended (two earlier versions), confirmed at the new by economics",
      size: 1,
      build: (b) => {
        const l = b.flowListing();
        const booking = b.booking(l);
        const price = b.executionPrice(l);
        const oldPrice = grossMove(b, l, price);
        const oldSettle = addBusinessDays(l.calendar, l.settleDate, 1);
        const trade = b.trade(
          booking,
          { quantity: b.designQuantity(booking), price },
          {
            status: "AMENDED",
            earlier: [{ price: oldPrice, settleDate: oldSettle }, { settleDate: oldSettle }],
          },
        );
        const c = b.confirm(trade, l, { ref: null });
        b.trap(
          "AMENDED_CONFIRMED_AT_NEW",
          [trade],
          [c],
          `v1 ${oldPrice}/${oldSettle} → v2 ${price}/${oldSettle} → v3 ${price}/${trade.settleDate}, confirmed at v3`,
        );
      },
    },
  ],
  CANCELLED_UNCONFIRMED: [
    {
      name: "cancelled, never confirmed",
      size: 1,
      build: (b) => {
        const l = b.flowListing();
        const { trade } = b.designTrade(l, { lifecycle: CANCELLED });
        b.trap("CANCELLED_UNCONFIRMED", [trade], [], "cancelled with no confirmation: nothing to do");
      },
    },
  ],
  CANCEL_AND_REBOOK: [
    {
      name: "cancelled and re-booked at the right price; the confirmation pairs with the re-booking",
      size: 2,
      build: (b) => {
        const l = b.flowListing();
        const booking = b.booking(l);
        const quantity = b.designQuantity(booking);
        const price = b.executionPrice(l);
        const wrong = b.trade(booking, { quantity, price: grossMove(b, l, price) }, CANCELLED);
        const rebooked = b.trade(booking, { quantity, price });
        const c = b.confirm(rebooked, l, { ref: null });
        b.trap(
          "CANCEL_AND_REBOOK",
          [wrong, rebooked],
          [c],
          `${wrong.tradeId} cancelled (price ${wrong.price}), re-booked as ${rebooked.tradeId} at ${price}; confirmation without a reference`,
        );
      },
    },
  ],
  STALE_PRICE_NOT_FLAGGED: [
    {
      name: "stale price on an instrument nobody traded",
      size: 0,
      build: (b, instance) => {
        const l = thinTrap(b, instance);
        b.trap(
          "STALE_PRICE_NOT_FLAGGED",
          [],
          [],
          `${l.instrument.instrumentId}: price ${l.price?.asOf}, no trades`,
        );
      },
    },
    {
      name: "stale price on an instrument with only a cancelled trade",
      size: 1,
      build: (b, instance) => {
        const l = thinTrap(b, instance);
        const { trade } = b.designTrade(l, { lifecycle: CANCELLED });
        b.trap(
          "STALE_PRICE_NOT_FLAGGED",
          [trade],
          [],
          `${l.instrument.instrumentId}: price ${l.price?.asOf}, only a cancelled trade`,
        );
      },
    },
    {
      name: "no price at all for a traded instrument",
      size: 1,
      build: (b, instance) => {
        const l = thinTrap(b, instance);
        const { trade } = b.designTrade(l);
        const c = b.confirm(trade, l);
        b.trap("STALE_PRICE_NOT_FLAGGED", [trade], [c], `${l.instrument.instrumentId}: no price in the feed`);
      },
    },
  ],
};

function thinTrap(b: Builder, instance: number): Listing {
  const l = b.universe.staleTrapListings[instance];
  if (!l) throw new GeneratorInvariantError(`no thin listing for stale-price trap ${instance}`);
  return l;
}
