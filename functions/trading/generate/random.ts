/**
 * A small seeded PRNG (mulberry32) and the draws the generator needs. Never `Math.random`: the
 * same seed must give the same day on every machine, in every Lambda, streamed or in memory.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** +1 or -1, evenly. */
  sign(): 1 | -1;
}

/**
 * A mulberry32 generator; `stream` separates independent sequences of one seed, so that the
 * instrument universe, say, does not change when the trade count does.
 *
 * @example
 * const rng = seededRandom(42, "trades");
 * rng.int(1, 6); // the same value on every run
 */
export function seededRandom(seed: number, stream = ""): Random {
  let state = (Math.trunc(seed) ^ hashString(stream)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError("pick from an empty list");
      return item;
    },
    chance: (probability) => next() < probability,
    sign: () => (next() < 0.5 ? 1 : -1),
  };
}

/** FNV-1a, enough to turn a stream name into 32 bits. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
