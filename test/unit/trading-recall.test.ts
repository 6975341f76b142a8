import { describe, expect, it } from "vitest";
import { BREAK_CATEGORIES, type BreakCategory, DEFAULT_TOLERANCES, reconcileDay } from "#trading";
import { generateDay } from "#trading/generate";

/**
 * Recall and precision per category on generated days: the generator (functions/trading/generate)
 * injects breaks with their ground truth and, around them, traps that must not be flagged —
 * differences at and just under every tolerance, dirty and foreign references, partial fills,
 * inverse FX, alternative instrument ids, identical twins, amendments, cancellations, holidays.
 * It knows nothing of the matcher's code; both follow docs/data.md.
 */

interface Keyed {
  readonly category: string;
  readonly tradeIds: readonly string[];
  readonly confirmationIds: readonly string[];
  readonly field?: string | undefined;
}

const keyOf = (b: Keyed) =>
  `${b.category}|${[...b.tradeIds].sort().join("+")}|${[...b.confirmationIds].sort().join("+")}|${b.field ?? ""}`;

function scoreByCategory(expected: readonly Keyed[], found: readonly Keyed[]) {
  const scores = {} as Record<
    BreakCategory,
    { expected: number; found: number; recall: number; precision: number }
  >;
  for (const category of BREAK_CATEGORIES) {
    const want = new Set(expected.filter((b) => b.category === category).map(keyOf));
    const got = new Set(found.filter((b) => b.category === category).map(keyOf));
    const hits = [...got].filter((k) => want.has(k)).length;
    scores[category] = {
      expected: want.size,
      found: got.size,
      recall: want.size === 0 ? 1 : hits / want.size,
      precision: got.size === 0 ? 1 : hits / got.size,
    };
  }
  return scores;
}

describe.each([
  { trades: 2_000, seed: 42, businessDate: "2026-11-24" },
  { trades: 2_000, seed: 7, businessDate: "2026-12-28" },
  { trades: 2_000, seed: 11, businessDate: "2026-11-27" },
  { trades: 50_000, seed: 42, businessDate: "2026-11-24" },
])("a generated day of $trades trades (seed $seed, $businessDate)", (spec) => {
  it("gives recall = precision = 1.0 in every one of the twelve categories, and flags no trap", () => {
    // Prepare
    const { day, expected, traps } = generateDay(spec);
    // Act
    const { breaks } = reconcileDay(day, DEFAULT_TOLERANCES);
    // Assess
    const scores = scoreByCategory(expected, breaks);
    for (const category of BREAK_CATEGORIES) {
      expect(scores[category], category).toMatchObject({ recall: 1, precision: 1 });
      expect(scores[category].expected, category).toBeGreaterThan(0);
    }
    // Every break touching a trap's records is one that was injected there on purpose.
    const expectedKeys = new Set(expected.map(keyOf));
    const trapTrades = new Set(traps.flatMap((t) => t.tradeIds));
    const trapConfirmations = new Set(traps.flatMap((t) => t.confirmationIds));
    const onTraps = breaks.filter(
      (b) =>
        b.tradeIds.some((id) => trapTrades.has(id)) ||
        b.confirmationIds.some((id) => trapConfirmations.has(id)),
    );
    expect(onTraps.filter((b) => !expectedKeys.has(keyOf(b)))).toEqual([]);
    expect(traps.length).toBeGreaterThan(50);
  });
});
