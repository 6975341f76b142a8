import { BREAK_CATEGORIES, type BreakCategory } from "../breaks.ts";
import type { Confirmation, Instrument, MarketPrice, Trade } from "../model/index.ts";
import { Builder, GeneratorInvariantError } from "./builder.ts";
import {
  BREAK_DESIGNS,
  MAX_LEFTOVER_CASES,
  STALE_THIN,
  TRAP_DESIGNS,
  TRAP_THIN,
  type Variant,
} from "./designs.ts";
import { seededRandom } from "./random.ts";
import { buildUniverse, type Listing, type ThinSpec, type Universe } from "./reference.ts";
import { type DaySpec, type ResolvedDaySpec, resolveDaySpec } from "./spec.ts";
import {
  type Chunk,
  DESIGNED_TRAP_KINDS,
  type DesignedTrapKind,
  type ExpectedBreak,
  type Trap,
} from "./types.ts";

/** Trap cases per kind, per trade (at least one of each variant where the day has room). */
export const TRAP_RATE = 0.002;
/** Each stale-price case needs a thin instrument of its own: the universe stays small. */
export const MAX_STALE_PRICE_BREAKS = 8;

/** One kind of case and how many the day gets. */
export interface PlannedKind {
  readonly kind: BreakCategory | DesignedTrapKind;
  readonly isBreak: boolean;
  readonly variants: readonly Variant[];
  readonly count: number;
}

export interface Plan {
  readonly kinds: readonly PlannedKind[];
  /** Cases in all. */
  readonly cases: number;
  /** Trades the cases book; the rest are regular. */
  readonly caseTrades: number;
}

function tradesOf(variants: readonly Variant[], count: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) total += (variants[i % variants.length] as Variant).size;
  return total;
}

/**
 * How many cases of each kind a day gets: `round(trades × breakRate / 12)` per break category
 * (stale prices capped at {@link MAX_STALE_PRICE_BREAKS}), `max(variants, round(trades × TRAP_RATE))`
 * per trap kind. When the cases would book more trades than the day has, traps give way first,
 * then breaks, the most numerous first.
 *
 * @example
 * planDay(resolveDaySpec({ trades: 2000 })).kinds.find((k) => k.kind === "PRICE_MISMATCH")?.count; // 5
 */
export function planDay(spec: ResolvedDaySpec): Plan {
  const perCategory = Math.round((spec.trades * spec.breakRate) / BREAK_CATEGORIES.length);
  const perTrap = Math.round(spec.trades * TRAP_RATE);
  const counts = new Map<BreakCategory | DesignedTrapKind, number>();
  for (const category of BREAK_CATEGORIES) {
    counts.set(
      category,
      category === "STALE_PRICE" ? Math.min(perCategory, MAX_STALE_PRICE_BREAKS) : perCategory,
    );
  }
  for (const kind of DESIGNED_TRAP_KINDS) {
    const variants = TRAP_DESIGNS[kind].length;
    const count =
      kind === "STALE_PRICE_NOT_FLAGGED"
        ? variants
        : kind === "PARTIAL_FILLS_UNREFERENCED"
          ? Math.min(Math.max(variants, perTrap), MAX_LEFTOVER_CASES)
          : Math.max(variants, perTrap);
    counts.set(kind, count);
  }
  const variantsOf = (kind: BreakCategory | DesignedTrapKind): readonly Variant[] =>
    (BREAK_CATEGORIES as readonly string[]).includes(kind)
      ? BREAK_DESIGNS[kind as BreakCategory]
      : TRAP_DESIGNS[kind as DesignedTrapKind];
  const total = () => [...counts].reduce((sum, [kind, count]) => sum + tradesOf(variantsOf(kind), count), 0);
  let booked = total();
  while (booked > spec.trades) {
    // Drop the last case of the most numerous kind whose last case books trades, traps first.
    let victim: BreakCategory | DesignedTrapKind | undefined;
    for (const traps of [true, false]) {
      let most = 0;
      for (const [kind, count] of counts) {
        const isTrap = !(BREAK_CATEGORIES as readonly string[]).includes(kind);
        const variants = variantsOf(kind);
        if (
          isTrap !== traps ||
          count === 0 ||
          (variants[(count - 1) % variants.length] as Variant).size === 0
        )
          continue;
        if (count > most) {
          most = count;
          victim = kind;
        }
      }
      if (victim) break;
    }
    if (!victim) break;
    counts.set(victim, (counts.get(victim) as number) - 1);
    booked = total();
  }
  const kinds = [...counts].map(
    ([kind, count]): PlannedKind => ({
      kind,
      isBreak: (BREAK_CATEGORIES as readonly string[]).includes(kind),
      variants: variantsOf(kind),
      count,
    }),
  );
  return {
    kinds,
    cases: kinds.reduce((sum, k) => sum + k.count, 0),
    caseTrades: booked,
  };
}

/**
 * Generates a day step by step — one regular trade or one designed case per step — so that a day
 * of any size can be streamed to disk; {@link generateDay} collects the same steps in memory.
 * Cases land among the regular trades by selection sampling (Knuth's algorithm S), which needs
 * no list of positions: a million-trade day holds only the plan and the reserved keys.
 */
export class DayGenerator {
  readonly spec: ResolvedDaySpec;
  readonly plan: Plan;
  readonly universe: Universe;
  readonly instruments: readonly Instrument[];
  readonly prices: readonly MarketPrice[];

  constructor(spec: Partial<DaySpec> = {}) {
    this.spec = resolveDaySpec(spec);
    this.plan = planDay(this.spec);
    const count = (kind: string) => this.plan.kinds.find((k) => k.kind === kind)?.count ?? 0;
    this.universe = buildUniverse(seededRandom(this.spec.seed, "universe"), this.spec.businessDate, {
      stale: Array.from(
        { length: count("STALE_PRICE") },
        (_, i) => STALE_THIN[i % STALE_THIN.length] as ThinSpec,
      ),
      traps: Array.from(
        { length: count("STALE_PRICE_NOT_FLAGGED") },
        (_, i) => TRAP_THIN[i % TRAP_THIN.length] as ThinSpec,
      ),
    });
    this.instruments = this.universe.listings.map((l) => l.instrument);
    this.prices = this.universe.listings.flatMap((l) => (l.price ? [l.price] : []));
  }

  /** Breaks the day holds: one per break case. */
  get expectedCount(): number {
    return this.plan.kinds.filter((k) => k.isBreak).reduce((sum, k) => sum + k.count, 0);
  }

  /** The day's steps, in order. Each call starts the same day afresh. */
  *chunks(): Generator<Chunk> {
    const { spec, plan } = this;
    const builder = new Builder(this.universe, seededRandom(spec.seed, "trades"), spec.trades);
    const placement = seededRandom(spec.seed, "plan");
    const remaining = plan.kinds.map((k) => k.count);
    const built = plan.kinds.map(() => 0);
    let casesLeft = plan.cases;
    let stepsLeft = spec.trades - plan.caseTrades + plan.cases;
    for (; stepsLeft > 0; stepsLeft--) {
      if (placement.next() * stepsLeft < casesLeft) {
        let r = placement.int(0, casesLeft - 1);
        let i = 0;
        while (r >= (remaining[i] as number)) r -= remaining[i++] as number;
        const kind = plan.kinds[i] as PlannedKind;
        const instance = built[i] as number;
        const variant = kind.variants[instance % kind.variants.length] as Variant;
        remaining[i] = (remaining[i] as number) - 1;
        built[i] = instance + 1;
        casesLeft--;
        const chunk = builder.begin(false);
        const before = builder.tradesWritten;
        variant.build(builder, instance);
        if (builder.tradesWritten - before !== variant.size) {
          throw new GeneratorInvariantError(
            `${kind.kind} "${variant.name}" booked the wrong number of trades`,
          );
        }
        yield chunk;
      } else {
        const chunk = builder.begin(true);
        builder.regular();
        yield chunk;
      }
    }
    if (builder.tradesWritten !== spec.trades) {
      throw new GeneratorInvariantError(`booked ${builder.tradesWritten} trades, not ${spec.trades}`);
    }
  }
}

/** The day collected in memory, with what the calendars make traps of. */
export function collectDay(generator: DayGenerator): {
  trades: Trade[];
  confirmations: Confirmation[];
  expected: ExpectedBreak[];
  traps: Trap[];
} {
  const trades: Trade[] = [];
  const confirmations: Confirmation[] = [];
  const expected: ExpectedBreak[] = [];
  const traps: Trap[] = [];
  const regular = new Map<string, { trade: Trade; confirmation: Confirmation }[]>();
  for (const chunk of generator.chunks()) {
    trades.push(...chunk.trades);
    confirmations.push(...chunk.confirmations);
    expected.push(...chunk.expected);
    traps.push(...chunk.traps);
    const [trade] = chunk.trades;
    const [confirmation] = chunk.confirmations;
    if (chunk.regular && trade && confirmation) {
      const list = regular.get(trade.instrumentId);
      if (list) list.push({ trade, confirmation });
      else regular.set(trade.instrumentId, [{ trade, confirmation }]);
    }
  }
  traps.push(...calendarTraps(generator.universe, trades, regular));
  return { trades, confirmations, expected, traps };
}

/**
 * The traps the calendars and the feed make: a close dated before today because the market was
 * closed today, a close stamped so late that its UTC instant is tomorrow, a settle date that skips
 * a local holiday. One per instrument, listing its active trades (regular ones, confirmed cleanly,
 * for the settle dates).
 */
function calendarTraps(
  universe: Universe,
  trades: readonly Trade[],
  regular: ReadonlyMap<string, { trade: Trade; confirmation: Confirmation }[]>,
): Trap[] {
  const active = new Map<string, string[]>();
  for (const t of trades) {
    if (t.status === "CANCELLED") continue;
    const list = active.get(t.instrumentId);
    if (list) list.push(t.tradeId);
    else active.set(t.instrumentId, [t.tradeId]);
  }
  const traps: Trap[] = [];
  const priced = (l: Listing) => l.price !== undefined && l.staleDays === 0;
  for (const l of universe.tradable) {
    const id = l.instrument.instrumentId;
    const tradeIds = (active.get(id) ?? []).sort();
    if (tradeIds.length === 0 || !priced(l)) continue;
    if (l.latestClose < universe.businessDate) {
      traps.push({
        kind: "PRICE_BEFORE_LOCAL_HOLIDAY",
        tradeIds,
        confirmationIds: [],
        note: `${id}: priced ${l.price?.asOf}, the latest close of its calendar (${String(l.calendar)}) on or before ${universe.businessDate}`,
      });
    }
    if (l.lateStamp) {
      traps.push({
        kind: "PRICE_STAMPED_LATE_LOCAL",
        tradeIds,
        confirmationIds: [],
        note: `${id}: priced ${l.price?.asOf} — dated by the local date, though in UTC it is the next day`,
      });
    }
  }
  for (const l of universe.tradable) {
    const clean = regular.get(l.instrument.instrumentId) ?? [];
    if (l.naiveSettleDate === l.settleDate || clean.length === 0) continue;
    traps.push({
      kind: "SETTLE_ACROSS_LOCAL_HOLIDAY",
      tradeIds: clean.map((r) => r.trade.tradeId),
      confirmationIds: clean.map((r) => r.confirmation.confirmationId).sort(),
      note: `${l.instrument.instrumentId}: settles ${l.settleDate} by convention, not ${l.naiveSettleDate} (the same lag counting weekends only): a local holiday lies between`,
    });
  }
  return traps;
}
