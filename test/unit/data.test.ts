import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  BREAK_KINDS,
  type DatasetSpec,
  DatasetSpecError,
  type DetectedBreak,
  detectBreaks,
  generateTradeDay,
  type InjectedBreak,
  isBusinessDay,
  isinCheckDigit,
  loadTradeDay,
  SETTLEMENT_LAG,
  settlementDate,
  TRADE_DAY_FILES,
  writeTradeDay,
} from "#data";

// Factories -------------------------------------------------------------------------------

const aSpec = (overrides: Partial<DatasetSpec> = {}): Partial<DatasetSpec> => ({
  seed: 42,
  trades: 2000,
  date: "2026-11-24",
  ...overrides,
});

const keyOf = (b: InjectedBreak | DetectedBreak) => `${b.kind}:${b.tradeIds.join("+")}`;

/** Recall and precision of detected breaks against the injected ones, matched on kind and trades. */
function score(truth: readonly InjectedBreak[], found: readonly DetectedBreak[]) {
  const expected = new Set(truth.map(keyOf));
  const got = new Set(found.map(keyOf));
  const hits = [...got].filter((k) => expected.has(k)).length;
  return {
    recall: hits / expected.size,
    precision: hits / got.size,
    missed: [...expected].filter((k) => !got.has(k)),
  };
}

// Tests -----------------------------------------------------------------------------------

describe("generateTradeDay", () => {
  it("gives the same day for the same spec", () => {
    // Act
    const first = generateTradeDay(aSpec({ trades: 500 }));
    const second = generateTradeDay(aSpec({ trades: 500 }));
    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("gives a different day for a different seed", () => {
    // Act
    const a = generateTradeDay(aSpec({ seed: 1, trades: 500 }));
    const b = generateTradeDay(aSpec({ seed: 2, trades: 500 }));
    // Assess
    expect(b.day.trades.map((t) => t.instrumentId)).not.toEqual(a.day.trades.map((t) => t.instrumentId));
    expect(b.groundTruth.map(keyOf)).not.toEqual(a.groundTruth.map(keyOf));
  });

  it("keeps the instrument universe when only the trade count changes", () => {
    // Act
    const small = generateTradeDay(aSpec({ trades: 300 }));
    const large = generateTradeDay(aSpec({ trades: 3000 }));
    // Assess: stale-price bonds (ILLIQ…) are added per break; the regular universe is shared.
    const regular = (g: typeof small) =>
      g.day.instruments.filter((i) => !i.symbol.startsWith("ILLIQ")).map((i) => i.instrumentId);
    expect(regular(large)).toEqual(regular(small));
  });

  it("books the requested number of trades with unique ids and valid ISINs", () => {
    // Act
    const { day } = generateTradeDay(aSpec({ trades: 1234 }));
    // Assess
    expect(day.trades).toHaveLength(1234);
    expect(new Set(day.trades.map((t) => t.tradeId)).size).toBe(1234);
    for (const instrument of day.instruments) {
      expect(instrument.instrumentId).toMatch(/^[A-Z]{2}[A-Z0-9]{9}\d$/);
      expect(isinCheckDigit(instrument.instrumentId.slice(0, 11))).toBe(instrument.instrumentId.at(-1));
    }
  });

  it("settles clean trades on the asset-class convention, in business days", () => {
    // Prepare
    const { day, groundTruth } = generateTradeDay(aSpec());
    const broken = new Set(groundTruth.flatMap((b) => b.tradeIds));
    // Act
    const clean = day.trades.filter((t) => !broken.has(t.tradeId));
    // Assess
    for (const trade of clean) {
      expect(trade.settleDate).toBe(addBusinessDays(trade.tradeDate, SETTLEMENT_LAG[trade.assetClass]));
    }
    expect(new Set(clean.map((t) => t.settleDate))).toEqual(new Set(["2026-11-25", "2026-11-27"]));
  });

  it("injects every break kind, one break per affected trade", () => {
    // Act
    const { groundTruth } = generateTradeDay(aSpec());
    // Assess
    expect(groundTruth).toHaveLength(40);
    for (const kind of BREAK_KINDS)
      expect(groundTruth.filter((b) => b.kind === kind).length).toBeGreaterThan(0);
    const affected = groundTruth.flatMap((b) => b.tradeIds);
    expect(new Set(affected).size).toBe(affected.length);
    for (const duplicate of groundTruth.filter((b) => b.kind === "duplicate_booking")) {
      expect(duplicate.tradeIds).toHaveLength(2);
    }
  });

  it("generates no breaks at a break rate of zero", () => {
    // Act
    const { day, groundTruth } = generateTradeDay(aSpec({ trades: 300, breakRate: 0 }));
    // Assess
    expect(groundTruth).toEqual([]);
    expect(detectBreaks(day)).toEqual([]);
  });

  it("generates 50,000 trades in a couple of seconds", () => {
    // Act
    const started = performance.now();
    const { day } = generateTradeDay(aSpec({ trades: 50_000 }));
    const elapsedMs = performance.now() - started;
    // Assess
    expect(day.trades).toHaveLength(50_000);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it("rejects a spec it cannot honour with a typed error naming the field", () => {
    // Act
    const attempt = (spec: Partial<DatasetSpec>) => () => generateTradeDay(spec);
    // Assess
    expect(attempt({ date: "2026-11-28" })).toThrow(DatasetSpecError);
    expect(attempt({ date: "2026-11-28" })).toThrow(/date: must be a business day/);
    expect(attempt({ trades: 0 })).toThrow(/trades/);
    expect(attempt({ date: "2026-02-30" })).toThrow(/calendar date/);
    expect(attempt({ breakRate: 0.9 })).toThrow(expect.objectContaining({ code: "Data.InvalidSpec" }));
  });
});

describe("detectBreaks", () => {
  it.each([2_000, 50_000])("finds every injected break and nothing else at %i trades", (trades) => {
    // Prepare
    const { day, groundTruth } = generateTradeDay(aSpec({ trades }));
    // Act
    const found = detectBreaks(day);
    // Assess
    const { recall, precision, missed } = score(groundTruth, found);
    expect(missed).toEqual([]);
    expect(recall).toBe(1);
    expect(precision).toBe(1);
  });

  it("holds recall and precision across seeds", () => {
    for (const seed of [1, 7, 2026, 99_999]) {
      // Prepare
      const { day, groundTruth } = generateTradeDay(aSpec({ seed, trades: 3000 }));
      // Act
      const { recall, precision } = score(groundTruth, detectBreaks(day));
      // Assess
      expect({ seed, recall, precision }).toEqual({ seed, recall: 1, precision: 1 });
    }
  });

  it("applies the price tolerance: zero bps also flags the brokers' rounding", () => {
    // Prepare
    const { day, groundTruth } = generateTradeDay(aSpec());
    // Act
    const strict = detectBreaks(day, { priceBps: 0 });
    // Assess
    const injected = new Set(groundTruth.map(keyOf));
    const extra = strict.filter((b) => !injected.has(keyOf(b)));
    expect(extra.length).toBeGreaterThan(0);
    for (const b of extra) {
      expect(b.kind).toBe("price_outside_tolerance");
      expect(b.details.diffBps).toBeLessThanOrEqual(2);
    }
  });

  it("applies the stale-price age: a loose limit hides stale prices, a tight one flags fresh ones", () => {
    // Prepare
    const { day } = generateTradeDay(aSpec());
    const count = (breaks: DetectedBreak[]) => breaks.filter((b) => b.kind === "stale_price").length;
    // Act
    const loose = count(detectBreaks(day, { staleAfterHours: 24 * 30 }));
    const normal = count(detectBreaks(day));
    const tight = count(detectBreaks(day, { staleAfterHours: 1 }));
    // Assess
    expect(loose).toBe(0);
    expect(normal).toBe(5);
    expect(tight).toBeGreaterThan(normal);
  });

  it("reads the data only: removing a clean trade's confirmation creates a missing confirmation", () => {
    // Prepare
    const { day, groundTruth } = generateTradeDay(aSpec({ trades: 500 }));
    const broken = new Set(groundTruth.flatMap((b) => b.tradeIds));
    const victim = day.trades.find((t) => !broken.has(t.tradeId));
    if (!victim) throw new Error("no clean trade");
    // Act
    const found = detectBreaks({
      ...day,
      confirmations: day.confirmations.filter((c) => c.tradeRef !== victim.tradeId),
    });
    // Assess
    expect(found.map(keyOf)).toContain(`missing_confirmation:${victim.tradeId}`);
    expect(found).toHaveLength(groundTruth.length + 1);
  });

  it("scans a subset: one desk's trades give that desk's breaks", () => {
    // Prepare
    const { day } = generateTradeDay(aSpec());
    const all = detectBreaks(day);
    // Act
    const rates = detectBreaks({ ...day, trades: day.trades.filter((t) => t.desk === "Rates") });
    // Assess
    expect(rates.map((b) => b.breakId)).toEqual(all.filter((b) => b.desk === "Rates").map((b) => b.breakId));
  });
});

describe("loadTradeDay", () => {
  it("regenerates a day once per spec and serves it from memory", () => {
    // Act
    const first = loadTradeDay(aSpec({ trades: 400 }));
    const again = loadTradeDay(aSpec({ trades: 400 }));
    const other = loadTradeDay(aSpec({ trades: 400, seed: 43 }));
    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first).toEqual(generateTradeDay(aSpec({ trades: 400 })).day);
  });
});

describe("writeTradeDay", () => {
  it("writes the data files and the ground truth beside them", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), "switchyard-day-"));
    const generated = generateTradeDay(aSpec({ trades: 200 }));
    try {
      // Act
      const paths = await writeTradeDay(join(dir, "day"), generated);
      // Assess
      expect(paths.map((p) => p.split("/").at(-1))).toEqual([...TRADE_DAY_FILES]);
      const truth = JSON.parse(await readFile(join(dir, "day", "ground-truth.json"), "utf8"));
      expect(truth.breaks).toEqual(generated.groundTruth);
      const trades = JSON.parse(await readFile(join(dir, "day", "trades.json"), "utf8"));
      expect(trades).toEqual(generated.day.trades);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("business-day calendar", () => {
  it("skips weekends and Thanksgiving when settling", () => {
    // Assess
    expect(isBusinessDay("2026-11-26")).toBe(false);
    expect(isBusinessDay("2026-11-28")).toBe(false);
    expect(settlementDate("2026-11-24", "equity")).toBe("2026-11-25");
    expect(settlementDate("2026-11-24", "bond")).toBe("2026-11-27");
    expect(settlementDate("2026-11-25", "fx")).toBe("2026-11-30");
    expect(addBusinessDays("2026-11-30", -2)).toBe("2026-11-25");
  });

  it("computes ISIN check digits the ISO 6166 way", () => {
    // Assess: real ISINs.
    expect(isinCheckDigit("US037833100")).toBe("5");
    expect(isinCheckDigit("GB000263494")).toBe("6");
  });
});
