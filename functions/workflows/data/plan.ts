import type { Random } from "./random.ts";
import { BREAK_KINDS, type BreakKind, type DatasetSpec } from "./types.ts";

/**
 * Which trades get which break, decided before any trade is drawn so each broken trade carries
 * exactly one break and every other trade stays clean.
 *
 * Duplicates are extra bookings of an otherwise clean original, so the day is drawn as
 * `baseCount` trades plus one copy per duplicate: the total stays `spec.trades`.
 */
export interface BreakPlan {
  readonly baseCount: number;
  /** Base-trade index → the break it carries (never `duplicate_booking`). */
  readonly kinds: ReadonlyMap<number, BreakKind>;
  /** Base-trade indexes that will be booked twice. */
  readonly originals: readonly number[];
}

/**
 * Draws `round(trades × breakRate)` breaks, a seventh of them duplicates and the rest spread
 * round-robin over the other kinds, so every kind appears once there are at least seven breaks
 * (a floor applied from 28 trades up when breakRate > 0).
 *
 * @example
 * planBreaks({ seed: 42, trades: 2000, date: "2026-11-24", breakRate: 0.02 }, rng).kinds.size; // 34
 */
export function planBreaks(spec: Required<DatasetSpec>, rng: Random): BreakPlan {
  const breakCount = countBreaks(spec);
  const duplicates = Math.round(breakCount / BREAK_KINDS.length);
  const baseCount = spec.trades - duplicates;
  const chosen = sampleIndexes(baseCount, breakCount, rng);
  const singleKinds = BREAK_KINDS.filter((kind) => kind !== "duplicate_booking");
  const kinds = new Map<number, BreakKind>();
  const singles = breakCount - duplicates;
  for (let i = 0; i < singles; i++) {
    const index = chosen[i];
    const kind = singleKinds[i % singleKinds.length];
    if (index !== undefined && kind !== undefined) kinds.set(index, kind);
  }
  return { baseCount, kinds, originals: chosen.slice(singles) };
}

function countBreaks(spec: Required<DatasetSpec>): number {
  if (spec.breakRate === 0) return 0;
  const wanted = Math.round(spec.trades * spec.breakRate);
  const floor = spec.trades >= 4 * BREAK_KINDS.length ? BREAK_KINDS.length : 0;
  return Math.max(wanted, floor);
}

/** `count` distinct indexes in [0, size), by a partial Fisher–Yates shuffle. */
function sampleIndexes(size: number, count: number, rng: Random): number[] {
  const pool = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, size - 1);
    const a = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = a;
  }
  return pool.slice(0, count);
}
