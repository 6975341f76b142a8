import type { BreakCategory, BreakField } from "../breaks.ts";
import { TradingDataError } from "../errors.ts";
import type { Confirmation, Economics, Side, Trade } from "../model/index.ts";
import { comparePrice, DEFAULT_TOLERANCES, pipSize, quantityWithin } from "../tolerances.ts";
import type { Random } from "./random.ts";
import {
  type Book,
  type Broker,
  type BrokerEntity,
  entityFor,
  type Listing,
  round,
  type Universe,
} from "./reference.ts";
import type { Chunk, Trap, TrapKind } from "./types.ts";

/** Bookings run from 07:00 to 21:30 UTC on the business date. */
const BOOKING_START_UTC_HOUR = 7;
const BOOKING_WINDOW_MS = 14.5 * 3_600_000;
/** Regular executions scatter this far around the close. */
const EXECUTION_SPREAD = 0.005;

/** Who a trade is booked for and with, and which way. */
export interface Booking {
  readonly listing: Listing;
  readonly book: Book;
  readonly account: string;
  readonly broker: Broker;
  readonly entity: BrokerEntity;
  readonly side: Side;
}

/** A trade's lifecycle beyond `NEW`: earlier versions, each with the fields it had that differ now. */
export interface Lifecycle {
  readonly status: "AMENDED" | "CANCELLED";
  /** Oldest first. A cancellation needs one (often empty) entry: the version it cancelled. */
  readonly earlier: readonly Partial<Economics>[];
}

/** What a confirmation may state differently from the trade it confirms. */
export interface ConfirmationOverrides {
  /** Our trade id as quoted: `undefined` quotes it exactly, `null` leaves the field out. */
  readonly ref?: string | null;
  readonly instrumentId?: string;
  readonly account?: string;
  readonly side?: Side;
  readonly quantity?: number;
  readonly price?: number;
  readonly currency?: string;
  readonly tradeDate?: string;
  readonly settleDate?: string;
  /** FX: `undefined` derives it from quantity × price, `null` leaves it out. */
  readonly counterAmount?: number | null;
  /** `null` leaves the counterparty out. */
  readonly counterparty?: { name?: string; lei: string } | null;
  readonly ssiId?: string | null;
  readonly receivedAtMs?: number;
}

/** Thrown when a designed case does not come out as designed: a bug here, never bad input. */
export class GeneratorInvariantError extends TradingDataError {
  constructor(message: string) {
    super("Trading.GeneratorInvariant", message);
  }
}

/**
 * The generator's workbench: draws bookings, quantities and prices, writes trades and
 * confirmations into the current {@link Chunk}, and keeps what makes the designed cases
 * unambiguous under the matching rules:
 *
 * - Regular trades have quantities in whole lots ({@link Listing.step}); designed trades never
 *   do, so an unreferenced confirmation can only ever pair with the trade it was built for.
 * - Every designed quantity (each version's, each unreferenced fill's, each sum of two or more
 *   unreferenced fills) is reserved on its economic key (broker, account, instrument, side), so no
 *   two designed trades meet on key and quantity unless a case wants them to (twins, duplicates).
 * - At most one case leaves unreferenced confirmations unpaired on a key (partial fills before
 *   their pass, an unknown confirmation), so fills never mix across cases.
 */
export class Builder {
  readonly rng: Random;
  readonly universe: Universe;
  readonly businessDate: string;
  private readonly compactDate: string;
  private readonly dayStartMs: number;
  private readonly dayEndMs: number;
  private readonly slotMs: number;
  private tradeCount = 0;
  private confirmationCount = 0;
  private readonly reserved = new Set<string>();
  private readonly leftoverKeys = new Set<string>();
  private readonly knownIds: Set<string>;
  private readonly brokerWeights: number[];
  private readonly listingWeights: number[];
  private current: Chunk = emptyChunk(true);

  constructor(universe: Universe, rng: Random, totalTrades: number) {
    this.rng = rng;
    this.universe = universe;
    this.businessDate = universe.businessDate;
    this.compactDate = universe.businessDate.replaceAll("-", "");
    this.dayStartMs = Date.parse(`${universe.businessDate}T00:00:00Z`) + BOOKING_START_UTC_HOUR * 3_600_000;
    this.dayEndMs = Date.parse(`${universe.businessDate}T23:59:59Z`);
    this.slotMs = BOOKING_WINDOW_MS / Math.max(1, totalTrades);
    this.knownIds = new Set(
      universe.listings.flatMap((l) => [l.instrument.instrumentId, ...(l.instrument.altIds ?? [])]),
    );
    this.brokerWeights = cumulative(universe.brokers.map((b) => b.weight));
    this.listingWeights = cumulative(universe.tradable.map((l) => l.weight));
  }

  /** Starts the next chunk; everything written until the next call goes into it. */
  begin(regular: boolean): Chunk {
    this.current = emptyChunk(regular);
    return this.current;
  }

  get chunk(): Chunk {
    return this.current;
  }

  // Choosing -----------------------------------------------------------------------------------

  /** A tradable listing by weight (the day's flow). */
  flowListing(): Listing {
    return this.universe.tradable[pickIndex(this.rng, this.listingWeights)] as Listing;
  }

  /** A tradable listing satisfying `filter`, uniformly. */
  listing(filter: (l: Listing) => boolean): Listing {
    const matching = this.universe.tradable.filter(filter);
    if (matching.length === 0) throw new GeneratorInvariantError("no listing fits the case");
    return this.rng.pick(matching);
  }

  broker(): Broker {
    return this.universe.brokers[pickIndex(this.rng, this.brokerWeights)] as Broker;
  }

  /**
   * A booking: book, account, broker and its entity, side. With `leftover`, the key is one no
   * other case leaves unpaired confirmations on, and is claimed.
   */
  booking(listing: Listing, options: { leftover?: boolean; side?: Side } = {}): Booking {
    for (let attempt = 0; attempt < 200; attempt++) {
      const book = this.rng.pick(listing.books);
      const broker = this.broker();
      const booking: Booking = {
        listing,
        book,
        account: this.rng.pick(book.accounts),
        broker,
        entity: entityFor(broker, listing.instrument.currency),
        side: options.side ?? (this.rng.chance(0.5) ? "BUY" : "SELL"),
      };
      if (!options.leftover) return booking;
      const key = keyOf(booking, booking.side);
      if (!this.leftoverKeys.has(key)) {
        this.leftoverKeys.add(key);
        return booking;
      }
    }
    throw new GeneratorInvariantError("no free economic key left for a case");
  }

  /** Another entity of the same broker: a different LEI for the same name on the blotter. */
  sisterEntity(booking: Booking): BrokerEntity {
    const others = booking.broker.entities.filter((e) => e.lei !== booking.entity.lei);
    return this.rng.pick(others);
  }

  // Quantities and prices ----------------------------------------------------------------------

  /** A regular quantity: whole lots. */
  regularQuantity(listing: Listing): number {
    const { type, currency } = listing.instrument;
    switch (type) {
      case "EQUITY":
        return listing.step * (currency === "JPY" ? this.rng.int(1, 100) : this.rng.int(1, 250));
      case "GOVT_BOND":
        return listing.step * this.rng.int(10, 400);
      case "CORP_BOND":
        return listing.step * this.rng.int(2, 100);
      case "FX_SPOT":
        return listing.step * this.rng.int(5, 400);
    }
  }

  /**
   * A designed quantity: whole lots plus an odd remainder in `unit`s (never whole lots), reserved
   * on the booking's key. `unit` defaults to the listing's.
   */
  designQuantity(booking: Booking, unit = booking.listing.unit): number {
    const { step } = booking.listing;
    const odd = step / unit;
    for (let attempt = 0; attempt < 500; attempt++) {
      const quantity = this.regularQuantity(booking.listing) + unit * this.rng.int(1, odd - 1);
      if (this.reserve(booking, quantity)) return quantity;
    }
    throw new GeneratorInvariantError("no free quantity left on a key");
  }

  /** Whether `quantity` is still free on the booking's key. */
  isFree(booking: Booking, quantity: number, side: Side = booking.side): boolean {
    return !this.reserved.has(`${keyOf(booking, side)}|${quantity}`);
  }

  /** Claims `quantity` on the booking's key; false when a designed trade or fill already has it. */
  reserve(booking: Booking, quantity: number, side: Side = booking.side): boolean {
    const key = `${keyOf(booking, side)}|${quantity}`;
    if (this.reserved.has(key)) return false;
    this.reserved.add(key);
    return true;
  }

  /** A price the market traded at today, on the listing's booking grid. */
  executionPrice(listing: Listing): number {
    const { instrument } = listing;
    if (listing.treasury) return listing.close + this.rng.int(-10, 10) / 64;
    switch (instrument.type) {
      case "EQUITY":
        return round(
          listing.close * (1 + this.rng.between(-EXECUTION_SPREAD, EXECUTION_SPREAD)),
          listing.decimals,
        );
      case "FX_SPOT": {
        // Mostly full precision; some dealers quote a decimal less.
        const decimals = this.rng.chance(0.25) ? listing.decimals - 1 : listing.decimals;
        return round(listing.close * (1 + this.rng.between(-0.002, 0.002)), decimals);
      }
      default:
        return round(listing.close + this.rng.between(-0.35, 0.35), listing.decimals);
    }
  }

  /**
   * The broker's figure for our price on a clean confirmation: mostly the same, sometimes its
   * own rounding of an average, never more than a quarter of the tolerance away.
   */
  cleanPrice(listing: Listing, ours: number): number {
    if (!this.rng.chance(0.3)) return ours;
    const { instrument } = listing;
    let theirs: number;
    if (listing.treasury) theirs = ours + this.rng.sign() / 256;
    else if (instrument.type === "EQUITY") theirs = round(ours * (1 + this.rng.between(-0.8e-4, 0.8e-4)), 4);
    else if (instrument.type === "FX_SPOT") {
      const pip = pipSize(instrument.quoteCurrency);
      theirs = round(ours + pip * this.rng.between(-0.15, 0.15), instrument.quoteCurrency === "JPY" ? 4 : 6);
    } else theirs = round(ours + this.rng.sign() * 0.001 * this.rng.int(1, 2), 4);
    const d = comparePrice(instrument, ours, theirs, DEFAULT_TOLERANCES);
    return theirs > 0 && d.difference <= d.tolerance / 4 ? theirs : ours;
  }

  /** Asserts a designed price lands within tolerance, or over it by a clear margin. */
  checkPrice(listing: Listing, ours: number, theirs: number, want: "within" | "over"): void {
    const d = comparePrice(listing.instrument, ours, theirs, DEFAULT_TOLERANCES);
    const ok = want === "within" ? d.withinTolerance : d.difference > d.tolerance * 1.02;
    if (!ok) {
      throw new GeneratorInvariantError(
        `${listing.instrument.instrumentId}: ${ours} vs ${theirs} is ${d.difference} ${d.unit}, wanted ${want}`,
      );
    }
  }

  /** Asserts a designed quantity lands within tolerance or not. */
  checkQuantity(listing: Listing, ours: number, theirs: number, want: "within" | "over"): void {
    const within = quantityWithin(listing.instrument, ours, theirs, DEFAULT_TOLERANCES);
    if (within !== (want === "within")) {
      throw new GeneratorInvariantError(`${listing.instrument.instrumentId}: quantity ${ours} vs ${theirs}`);
    }
  }

  /** The difference as the tolerance measures it, for notes. */
  describe(listing: Listing, ours: number, theirs: number): string {
    const d = comparePrice(listing.instrument, ours, theirs, DEFAULT_TOLERANCES);
    return `${ours} vs ${theirs}: ${d.difference} ${d.unit} (tolerance ${d.tolerance})`;
  }

  // Records ------------------------------------------------------------------------------------

  /** Books a trade (next id, next booking time) into the current chunk. */
  trade(
    booking: Booking,
    economics: { quantity: number; price: number; settleDate?: string; entity?: BrokerEntity },
    lifecycle?: Lifecycle,
  ): Trade {
    const { listing } = booking;
    const { instrument } = listing;
    const index = this.tradeCount++;
    const slot = Math.floor(this.slotMs);
    const bookedMs =
      this.dayStartMs + Math.floor(index * this.slotMs) + (slot > 1 ? this.rng.int(0, slot - 1) : 0);
    const entity = economics.entity ?? booking.entity;
    const fx = instrument.type === "FX_SPOT";
    const earlier = lifecycle?.earlier ?? [];
    const versions: Trade["versions"] = [];
    let validFrom = bookedMs;
    earlier.forEach((fields, i) => {
      const validTo = Math.min(
        this.dayEndMs - (earlier.length - i),
        validFrom + this.rng.int(3, 45) * 60_000,
      );
      const version: Trade["versions"][number] = {
        version: i + 1,
        validFrom: iso(validFrom),
        validTo: iso(validTo),
        ...fields,
      };
      if (fx && (fields.quantity !== undefined || fields.price !== undefined)) {
        version.counterAmount = round(
          (fields.quantity ?? economics.quantity) * (fields.price ?? economics.price),
          2,
        );
      }
      versions.push(version);
      validFrom = validTo;
    });
    const trade: Trade = {
      tradeId: `T${this.compactDate}-${String(index + 1).padStart(7, "0")}`,
      version: earlier.length + 1,
      status: lifecycle?.status ?? "NEW",
      desk: booking.book.desk,
      book: booking.book.book,
      account: booking.account,
      broker: booking.broker.code,
      counterparty: { name: entity.name, lei: entity.lei },
      ssiId: ssiOf(entity, instrument.currency).current,
      instrumentId: instrument.instrumentId,
      side: booking.side,
      quantity: economics.quantity,
      price: economics.price,
      currency: instrument.currency,
      tradeDate: this.businessDate,
      settleDate: economics.settleDate ?? listing.settleDate,
      ...(fx ? { counterAmount: round(economics.quantity * economics.price, 2) } : {}),
      bookedAt: iso(bookedMs),
      ...(earlier.length > 0 ? { updatedAt: iso(validFrom) } : {}),
      versions,
    };
    this.current.trades.push(trade);
    return trade;
  }

  /** A designed trade: a fresh booking (unless given), a reserved odd quantity, today's price. */
  designTrade(
    listing: Listing,
    options: { booking?: Booking; leftover?: boolean; lifecycle?: Lifecycle; price?: number } = {},
  ): { trade: Trade; booking: Booking } {
    const booking = options.booking ?? this.booking(listing, { leftover: options.leftover ?? false });
    const quantity = this.designQuantity(booking);
    const price = options.price ?? this.executionPrice(listing);
    return { trade: this.trade(booking, { quantity, price }, options.lifecycle), booking };
  }

  /** A clean confirmation of a trade by its broker, as overridden. */
  confirm(trade: Trade, listing: Listing, o: ConfirmationOverrides = {}): Confirmation {
    const broker = this.brokerByCode(trade.broker);
    const entity =
      broker.entities.find((e) => e.lei === trade.counterparty.lei) ?? entityFor(broker, trade.currency);
    const startMs = Date.parse(trade.updatedAt ?? trade.bookedAt);
    return this.emit(broker, entity, listing, {
      ref: o.ref === undefined ? trade.tradeId : o.ref,
      account: o.account ?? trade.account,
      instrumentId: o.instrumentId ?? trade.instrumentId,
      side: o.side ?? trade.side,
      quantity: o.quantity ?? trade.quantity,
      price: o.price ?? this.cleanPrice(listing, trade.price),
      currency: o.currency ?? trade.currency,
      tradeDate: o.tradeDate ?? trade.tradeDate,
      settleDate: o.settleDate ?? trade.settleDate,
      counterAmount: o.counterAmount,
      counterparty: o.counterparty,
      ssiId: o.ssiId === undefined ? trade.ssiId : o.ssiId,
      receivedAtMs: o.receivedAtMs ?? startMs + this.rng.int(2, 90) * 60_000,
    });
  }

  /** A confirmation no trade of ours stands behind (an unknown confirmation). */
  confirmNothing(
    booking: Booking,
    fields: Required<Pick<ConfirmationOverrides, "quantity" | "price" | "tradeDate" | "settleDate">> &
      ConfirmationOverrides,
  ): Confirmation {
    const { listing, broker, entity } = booking;
    return this.emit(broker, entity, listing, {
      ref: fields.ref ?? null,
      account: fields.account ?? booking.account,
      instrumentId: fields.instrumentId ?? listing.instrument.instrumentId,
      side: fields.side ?? booking.side,
      quantity: fields.quantity,
      price: fields.price,
      currency: fields.currency ?? listing.instrument.currency,
      tradeDate: fields.tradeDate,
      settleDate: fields.settleDate,
      counterAmount: fields.counterAmount,
      counterparty: fields.counterparty,
      ssiId: fields.ssiId === undefined ? ssiOf(entity, listing.instrument.currency).current : fields.ssiId,
      receivedAtMs:
        fields.receivedAtMs ?? this.dayStartMs + this.rng.int(0, BOOKING_WINDOW_MS / 60_000) * 60_000,
    });
  }

  private emit(
    broker: Broker,
    entity: BrokerEntity,
    listing: Listing,
    c: Omit<Required<ConfirmationOverrides>, "counterAmount" | "counterparty"> &
      Pick<ConfirmationOverrides, "counterAmount" | "counterparty">,
  ): Confirmation {
    const n = ++this.confirmationCount;
    const fx = listing.instrument.type === "FX_SPOT";
    const counterAmount =
      c.counterAmount === null
        ? undefined
        : (c.counterAmount ?? (fx ? round(c.quantity * c.price, 2) : undefined));
    const counterparty =
      c.counterparty === null
        ? undefined
        : (c.counterparty ??
          (broker.sendsName ? { name: entity.name, lei: entity.lei } : { lei: entity.lei }));
    const confirmation: Confirmation = {
      confirmationId: `C${this.compactDate}-${String(n).padStart(7, "0")}`,
      broker: broker.code,
      brokerRef: this.brokerRef(broker, n),
      ...(c.ref === null ? {} : { tradeRef: c.ref }),
      channel: fx ? "SWIFT MT300" : broker.channel,
      receivedAt: iso(c.receivedAtMs),
      account: c.account,
      instrumentId: c.instrumentId,
      side: c.side,
      quantity: c.quantity,
      price: c.price,
      currency: c.currency,
      tradeDate: c.tradeDate,
      settleDate: c.settleDate,
      ...(counterAmount === undefined ? {} : { counterAmount }),
      ...(counterparty ? { counterparty } : {}),
      ...(c.ssiId === null ? {} : { ssiId: c.ssiId }),
    };
    this.current.confirmations.push(confirmation);
    return confirmation;
  }

  /** The broker's own reference for its n-th confirmation, in the broker's own style. */
  brokerRef(broker: Broker, n: number): string {
    switch (broker.code.charCodeAt(0) % 3) {
      case 0:
        return `${broker.code}-${String((n * 7919 + 1_000_003) % 100_000_000).padStart(8, "0")}`;
      case 1:
        return `${broker.code}/${this.compactDate}/${String(n).padStart(7, "0")}`;
      default:
        return `E${String((n * 104_729 + 77_777) % 10_000_000_000).padStart(10, "0")}`;
    }
  }

  /** Another firm's trade id, in our field: never one of ours. */
  foreignRef(): string {
    return this.rng.chance(0.5)
      ? `ORD-${this.rng.int(10_000_000, 99_999_999)}`
      : `TRD${this.compactDate}${this.rng.int(100_000, 999_999)}`;
  }

  /** An id no instrument of ours has (an ISIN with a valid check digit). */
  isUnknownId(id: string): boolean {
    return !this.knownIds.has(id);
  }

  expect(
    category: BreakCategory,
    trades: readonly Trade[],
    confirmations: readonly Confirmation[],
    instrumentId: string,
    field?: BreakField,
  ): void {
    this.current.expected.push({
      category,
      tradeIds: trades.map((t) => t.tradeId),
      confirmationIds: confirmations.map((c) => c.confirmationId).sort(),
      instrumentId,
      ...(field ? { field } : {}),
    });
  }

  trap(kind: TrapKind, trades: readonly Trade[], confirmations: readonly Confirmation[], note: string): void {
    const trap: Trap = {
      kind,
      tradeIds: trades.map((t) => t.tradeId),
      confirmationIds: confirmations.map((c) => c.confirmationId).sort(),
      note,
    };
    this.current.traps.push(trap);
  }

  /** A regular trade, confirmed cleanly by reference. */
  regular(): void {
    const listing = this.flowListing();
    const booking = this.booking(listing);
    const trade = this.trade(booking, {
      quantity: this.regularQuantity(listing),
      price: this.executionPrice(listing),
    });
    this.confirm(trade, listing);
  }

  private brokerByCode(code: string): Broker {
    const broker = this.universe.brokers.find((b) => b.code === code);
    if (!broker) throw new GeneratorInvariantError(`no broker ${code}`);
    return broker;
  }

  /** Trades written so far. */
  get tradesWritten(): number {
    return this.tradeCount;
  }
}

/** The economic key pairing compares on (the trade date is the business date throughout). */
export function keyOf(booking: Booking, side: Side): string {
  return `${booking.broker.code}|${booking.account}|${booking.listing.instrument.instrumentId}|${side}`;
}

export function ssiOf(entity: BrokerEntity, currency: string): { current: string; previous: string } {
  const ssi = entity.ssis[currency];
  if (!ssi) throw new GeneratorInvariantError(`no SSI for ${currency}`);
  return ssi;
}

let isoDayStart = Number.NaN;
let isoDayPrefix = "";

/**
 * `Date#toISOString`, without a `Date` for instants on the day last formatted: a day's records
 * carry two or three timestamps each, all on or about the business date.
 */
export function iso(ms: number): string {
  const offset = ms - isoDayStart;
  if (!(offset >= 0 && offset < 86_400_000)) {
    const text = new Date(ms).toISOString();
    isoDayStart = ms - (ms % 86_400_000);
    isoDayPrefix = text.slice(0, 11);
    return text;
  }
  const h = Math.floor(offset / 3_600_000);
  const m = Math.floor(offset / 60_000) % 60;
  const s = Math.floor(offset / 1000) % 60;
  const milli = offset % 1000;
  return `${isoDayPrefix}${h < 10 ? "0" : ""}${h}:${m < 10 ? "0" : ""}${m}:${s < 10 ? "0" : ""}${s}.${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
}

function emptyChunk(regular: boolean): Chunk {
  return { trades: [], confirmations: [], expected: [], traps: [], regular };
}

function cumulative(weights: readonly number[]): number[] {
  let total = 0;
  return weights.map((w) => (total += w));
}

function pickIndex(rng: Random, cumulativeWeights: readonly number[]): number {
  const total = cumulativeWeights.at(-1) ?? 0;
  const r = rng.next() * total;
  let low = 0;
  let high = cumulativeWeights.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((cumulativeWeights[mid] as number) > r) high = mid;
    else low = mid + 1;
  }
  return low;
}
