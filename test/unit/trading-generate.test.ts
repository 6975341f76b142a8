import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BREAK_CATEGORIES,
  breakIdOf,
  type Confirmation,
  ConfirmationSchema,
  comparePrice,
  DEFAULT_TOLERANCES,
  type Instrument,
  InstrumentSchema,
  isUsTreasury,
  PriceSchema,
  quantityWithin,
  type Trade,
  TradeSchema,
} from "#trading";
import {
  addBusinessDays,
  calendarOf,
  conventionalSettleDate,
  latestBusinessDay,
} from "../../functions/trading/calendars/index.ts";
import {
  cusipCheckDigit,
  isinCheckDigit,
  leiCheckDigits,
  sedolCheckDigit,
} from "../../functions/trading/generate/identifiers.ts";
import {
  CALENDAR_TRAP_KINDS,
  type DaySpec,
  DaySpecSchema,
  DESIGNED_TRAP_KINDS,
  flatten,
  GROUND_TRUTH_FILE,
  generateDay,
  isValidCusip,
  isValidIsin,
  isValidLei,
  localStamp,
  MAX_STALE_PRICE_BREAKS,
  TRAP_KINDS,
  writeDay,
  writeGeneratedDay,
} from "../../functions/trading/generate/index.ts";

// Factories -------------------------------------------------------------------------------

const aSpec = (overrides: Partial<DaySpec> = {}): Partial<DaySpec> => ({
  seed: 42,
  trades: 2000,
  businessDate: "2026-11-24",
  ...overrides,
});

type Generated = ReturnType<typeof generateDay>;

/** One generated day per spec for the whole file: generating is deterministic, so sharing is safe. */
const days = new Map<string, Generated>();
function dayOf(spec: Partial<DaySpec> = {}): Generated {
  const key = JSON.stringify(aSpec(spec));
  let day = days.get(key);
  if (!day) {
    day = generateDay(aSpec(spec));
    days.set(key, day);
  }
  return day;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function indexOf(generated: Generated) {
  const { day } = generated;
  return {
    trade: new Map(day.trades.map((t) => [t.tradeId, t])),
    confirmation: new Map(day.confirmations.map((c) => [c.confirmationId, c])),
    instrument: new Map(day.instruments.map((i) => [i.instrumentId, i])),
  };
}

/** The single confirmation of a single-trade expected break or trap. */
function pairOf(generated: Generated, ids: { tradeIds: string[]; confirmationIds: string[] }) {
  const index = indexOf(generated);
  const trade = index.trade.get(ids.tradeIds[0] as string) as Trade;
  const confirmation = index.confirmation.get(ids.confirmationIds[0] as string) as Confirmation;
  const instrument = index.instrument.get(trade.instrumentId) as Instrument;
  return { trade, confirmation, instrument };
}

/** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF line ends. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** CSV rows as maps of dotted column to non-empty cell. */
function csvRecords(text: string): Map<string, string>[] {
  const [header, ...rows] = readCsv(text);
  return rows.map((cells) => {
    const record = new Map<string, string>();
    cells.forEach((cell, i) => {
      if (cell !== "") record.set((header as string[])[i] as string, cell);
    });
    return record;
  });
}

function stringLeaves(record: object): Map<string, string> {
  return new Map([...flatten(record)].map(([path, value]) => [path, String(value)]));
}

function jsonLines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-generate-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Tests -----------------------------------------------------------------------------------

describe("DaySpecSchema", () => {
  it("fills the defaults", () => {
    // Act
    const spec = DaySpecSchema.parse({});
    // Assess
    expect(spec).toEqual({ seed: 42, trades: 2000, businessDate: "2026-11-24", breakRate: 0.03 });
  });

  it.each([
    [{ trades: 0 }],
    [{ trades: 1_000_001 }],
    [{ trades: 1.5 }],
    [{ businessDate: "2026-02-30" }],
    [{ breakRate: -0.1 }],
    [{ colour: "blue" }],
  ])("refuses %j", (input) => {
    // Act / Assess
    expect(DaySpecSchema.safeParse(input).success).toBe(false);
    expect(() => generateDay(input as Partial<DaySpec>)).toThrow(/invalid day spec/);
  });
});

describe("identifiers", () => {
  it("computes the real check digits", () => {
    // Act / Assess: Apple's ISIN and CUSIP, a published SEDOL, a published LEI.
    expect(isinCheckDigit("US037833100")).toBe("5");
    expect(cusipCheckDigit("03783310")).toBe("0");
    expect(sedolCheckDigit("B0YBKJ")).toBe("7");
    expect(leiCheckDigits("5493001KJTIIGC8Y1R")).toBe("12");
    expect(isValidLei("5493001KJTIIGC8Y1R12")).toBe(true);
    expect(isValidLei("5493001KJTIIGC8Y1R21")).toBe(false);
  });

  it("stamps local times with the offset in force on the date", () => {
    // Act / Assess
    expect(localStamp("2026-11-24", "17:30:00", "America/New_York")).toBe("2026-11-24T17:30:00-05:00");
    expect(localStamp("2026-07-01", "17:30:00", "America/New_York")).toBe("2026-07-01T17:30:00-04:00");
    expect(localStamp("2026-11-24", "18:00:00", "Asia/Tokyo")).toBe("2026-11-24T18:00:00+09:00");
    expect(localStamp("2026-12-24", "17:10:00", "Europe/London")).toBe("2026-12-24T17:10:00+00:00");
  });
});

describe("generateDay", () => {
  it("gives the same day, byte for byte, for the same spec", () => {
    // Act
    const first = generateDay(aSpec({ trades: 800 }));
    const second = generateDay(aSpec({ trades: 800 }));
    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("gives another day for another seed", () => {
    // Act
    const a = generateDay(aSpec({ seed: 1, trades: 500 }));
    const b = generateDay(aSpec({ seed: 2, trades: 500 }));
    // Assess
    expect(b.day.trades.map((t) => t.instrumentId)).not.toEqual(a.day.trades.map((t) => t.instrumentId));
  });

  it("keeps the regular universe when only the trade count changes", () => {
    // Act
    const small = generateDay(aSpec({ trades: 300, breakRate: 0 }));
    const large = dayOf();
    // Assess: the thin instruments behind stale prices come after the regular ones.
    const regular = small.day.instruments.slice(0, 41);
    expect(large.day.instruments.slice(0, 41)).toEqual(regular);
  });

  it("books the requested number of trades, every record valid in the canonical model", () => {
    // Act
    const { day } = dayOf();
    // Assess: the schemas accept every record as generated, and change nothing in it.
    expect(day.trades).toHaveLength(2000);
    for (const i of day.instruments) expect(InstrumentSchema.parse(i)).toEqual(i);
    for (const t of day.trades) expect(TradeSchema.parse(t)).toEqual(t);
    for (const c of day.confirmations) {
      const parsed = ConfirmationSchema.parse(c);
      expect({ ...parsed, tradeRef: c.tradeRef }).toEqual(c); // refs are dirty on purpose; the schema trims
    }
    for (const p of day.prices) expect(PriceSchema.parse(p)).toEqual(p);
  });

  it("keeps every id unique", () => {
    // Act
    const { day, expected } = dayOf();
    // Assess
    const unique = (ids: string[]) => new Set(ids).size === ids.length;
    expect(unique(day.trades.map((t) => t.tradeId))).toBe(true);
    expect(unique(day.confirmations.map((c) => c.confirmationId))).toBe(true);
    expect(unique(day.confirmations.map((c) => `${c.broker}:${c.brokerRef}`))).toBe(true);
    expect(unique(day.instruments.map((i) => i.instrumentId))).toBe(true);
    expect(unique(day.instruments.flatMap((i) => [i.instrumentId, ...(i.altIds ?? [])]))).toBe(true);
    expect(unique(day.prices.map((p) => p.instrumentId))).toBe(true);
    expect(unique(expected.map((b) => breakIdOf(b)))).toBe(true);
  });

  it("draws a diverse universe with real-format identifiers", () => {
    // Act
    const { day } = dayOf();
    // Assess
    const { instruments } = day;
    expect(instruments.length).toBeGreaterThanOrEqual(38);
    expect(instruments.length).toBeLessThanOrEqual(60);
    const types = countBy(instruments, (i) => i.type);
    for (const type of ["EQUITY", "GOVT_BOND", "CORP_BOND", "FX_SPOT"])
      expect(types.get(type)).toBeGreaterThan(3);
    const mics = new Set(instruments.flatMap((i) => (i.type === "EQUITY" ? [i.mic] : [])));
    for (const mic of ["XNYS", "XNAS", "XLON", "XETR", "XPAR", "XAMS", "XTKS", "XSWX", "XTSE"])
      expect(mics).toContain(mic);
    const pairs = instruments.filter((i) => i.type === "FX_SPOT").map((i) => i.instrumentId);
    expect(pairs).toEqual(
      expect.arrayContaining(["USDJPY", "EURUSD", "GBPUSD", "USDCHF", "USDCAD", "EURJPY"]),
    );
    const govts = instruments.filter((i) => i.type === "GOVT_BOND");
    expect(new Set(govts.map((g) => g.country))).toEqual(new Set(["US", "GB", "DE", "JP", "CA", "CH"]));
    for (const i of instruments.filter((x) => x.idType === "ISIN"))
      expect(isValidIsin(i.instrumentId)).toBe(true);
    for (const t of instruments.filter(isUsTreasury)) {
      const cusip = t.altIds?.find((id) => /^[0-9A-Z]{9}$/.test(id)) as string;
      expect(isValidCusip(cusip)).toBe(true);
      expect(t.instrumentId.slice(2, 11)).toBe(cusip);
    }
    const leis = new Set(day.trades.map((t) => t.counterparty.lei));
    expect(leis.size).toBeGreaterThan(15);
    for (const lei of leis) expect(isValidLei(lei)).toBe(true);
    expect(new Set(day.trades.map((t) => t.broker)).size).toBe(10);
    expect(new Set(day.trades.map((t) => t.desk)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(day.trades.map((t) => t.book)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(day.trades.map((t) => t.account)).size).toBeGreaterThanOrEqual(20);
  });

  it("books on the business date, settles by convention, prices in each type's convention", () => {
    // Act
    const { day } = dayOf();
    const { instrument } = indexOf(dayOf());
    // Assess
    for (const t of day.trades) {
      const i = instrument.get(t.instrumentId) as Instrument;
      expect(t.bookedAt.startsWith("2026-11-24T")).toBe(true);
      expect(t.tradeDate).toBe("2026-11-24");
      expect(t.settleDate).toBe(conventionalSettleDate(i, t.tradeDate));
      if (i.type === "FX_SPOT") {
        expect(t.counterAmount).toBe(Math.round(t.quantity * t.price * 100) / 100);
        const decimals = (String(t.price).split(".")[1] ?? "").length;
        expect(decimals).toBeLessThanOrEqual(i.quoteCurrency === "JPY" ? 4 : 6);
      }
      if (isUsTreasury(i)) expect(Number.isInteger(t.price * 256)).toBe(true);
      if (i.type !== "EQUITY" && i.type !== "FX_SPOT") expect(t.price).toBeGreaterThan(80);
    }
    // Regular Treasury bookings sit on the 1/64 grid (averaged fills on 1/256).
    const treasuryPrices = day.trades.filter((t) =>
      isUsTreasury(instrument.get(t.instrumentId) as Instrument),
    );
    const onGrid = treasuryPrices.filter((t) => Number.isInteger(t.price * 64));
    expect(onGrid.length / treasuryPrices.length).toBeGreaterThan(0.9);
  });

  it("confirms regular trades cleanly: rounding well inside tolerance, nothing else different", () => {
    // Act
    const generated = dayOf();
    const { day, expected, traps } = generated;
    const designed = traps.filter((t) => (DESIGNED_TRAP_KINDS as readonly string[]).includes(t.kind));
    const special = new Set([...expected, ...designed].flatMap((x) => [...x.tradeIds]));
    const { trade, instrument } = indexOf(generated);
    // Assess
    let differing = 0;
    for (const c of day.confirmations) {
      const t = c.tradeRef === undefined ? undefined : trade.get(c.tradeRef);
      if (!t || special.has(t.tradeId)) continue;
      const i = instrument.get(t.instrumentId) as Instrument;
      const d = comparePrice(i, t.price, c.price, DEFAULT_TOLERANCES);
      expect(d.difference).toBeLessThanOrEqual(d.tolerance / 4);
      if (c.price !== t.price) differing++;
      expect([c.side, c.quantity, c.currency, c.settleDate, c.account, c.ssiId, c.counterparty?.lei]).toEqual(
        [t.side, t.quantity, t.currency, t.settleDate, t.account, t.ssiId, t.counterparty.lei],
      );
    }
    expect(differing).toBeGreaterThan(100);
  });

  it("prices every instrument as of its latest close, in the market's own evening", () => {
    // Act
    const generated = dayOf({ businessDate: "2026-12-28" });
    const { day, expected } = generated;
    const stale = new Set([
      ...expected.filter((b) => b.category === "STALE_PRICE").map((b) => b.instrumentId),
      ...generated.traps.filter((t) => t.kind === "STALE_PRICE_NOT_FLAGGED").map((t) => t.note.split(":")[0]),
    ]);
    // Assess
    for (const p of day.prices) {
      const i = indexOf(generated).instrument.get(p.instrumentId) as Instrument;
      const latest = latestBusinessDay(calendarOf(i), "2026-12-28");
      if (stale.has(p.instrumentId)) expect(p.asOf.slice(0, 10) < latest).toBe(true);
      else expect(p.asOf.slice(0, 10)).toBe(latest);
      expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}T(1[6-9]|2[0-3]):\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    }
    // UK and Canada are closed on 28 Dec 2026 (Boxing Day substitute): their closes are Christmas Eve's.
    const gilt = day.instruments.find((i) => i.type === "GOVT_BOND" && i.country === "GB") as Instrument;
    expect(day.prices.find((p) => p.instrumentId === gilt.instrumentId)?.asOf).toBe(
      "2026-12-24T17:30:00+00:00",
    );
    expect(day.prices.find((p) => p.instrumentId === "USDCAD")?.asOf.startsWith("2026-12-24")).toBe(true);
    expect(day.prices.find((p) => p.instrumentId === "EURUSD")?.asOf).toBe("2026-12-28T17:00:00-05:00");
  });
});

describe("the injected breaks", () => {
  it("has every category, as many as the break rate implies", () => {
    // Act
    const { expected } = dayOf();
    // Assess: 2,000 × 3% over 12 categories.
    const counts = countBy(expected, (b) => b.category);
    for (const category of BREAK_CATEGORIES) expect(counts.get(category)).toBe(5);
  });

  it("scales with the break rate, capping stale prices (each needs an instrument)", () => {
    // Act
    const { expected } = dayOf({ breakRate: 0.06 });
    // Assess
    const counts = countBy(expected, (b) => b.category);
    for (const category of BREAK_CATEGORIES) {
      expect(counts.get(category)).toBe(category === "STALE_PRICE" ? MAX_STALE_PRICE_BREAKS : 10);
    }
    expect(dayOf({ breakRate: 0 }).expected).toEqual([]);
  });

  it("keeps to one injected defect per trade, each naming records that exist", () => {
    // Act
    const generated = dayOf();
    const { trade, confirmation, instrument } = indexOf(generated);
    // Assess
    const seen = new Set<string>();
    for (const b of generated.expected) {
      for (const id of b.tradeIds) {
        expect(trade.has(id)).toBe(true);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      for (const id of b.confirmationIds) expect(confirmation.has(id)).toBe(true);
      if (b.category !== "UNKNOWN_CONFIRMATION") expect(instrument.has(b.instrumentId)).toBe(true);
      expect(b.confirmationIds).toEqual([...b.confirmationIds].sort());
    }
  });

  it("shapes each category as the rules report it", () => {
    // Act
    const { expected } = dayOf();
    // Assess
    for (const b of expected) {
      switch (b.category) {
        case "UNKNOWN_CONFIRMATION":
          expect([b.tradeIds.length, b.confirmationIds.length, b.field]).toEqual([0, 1, undefined]);
          break;
        case "MISSING_CONFIRMATION":
          expect([b.tradeIds.length, b.confirmationIds.length, b.field]).toEqual([1, 0, undefined]);
          break;
        case "DUPLICATE_BOOKING":
          expect([b.tradeIds.length, b.confirmationIds.length]).toEqual([2, 0]);
          expect((b.tradeIds[0] as string) < (b.tradeIds[1] as string)).toBe(true);
          break;
        case "STALE_PRICE":
          expect(b.field).toBe("price.asOf");
          expect(b.tradeIds).toEqual([...b.tradeIds].sort());
          break;
        case "CANCELLED_BUT_CONFIRMED":
          expect(b.field).toBeUndefined();
          break;
        default:
          expect(b.tradeIds).toHaveLength(1);
          expect(b.confirmationIds.length).toBeGreaterThan(0);
          expect(b.field).toBeDefined();
      }
    }
  });

  it("puts price breaks just over each tolerance", () => {
    // Act
    const generated = dayOf();
    const prices = generated.expected
      .filter((b) => b.category === "PRICE_MISMATCH")
      .map((b) => pairOf(generated, b));
    // Assess: equity 5.2 bps, FX 1.1 pips, JPY 1.2 pips, Treasury 1/32 (= 2 × 0.5/32), corporate 0.02 points.
    const over = prices.map(({ trade, confirmation, instrument }) => {
      const d = comparePrice(instrument, trade.price, confirmation.price, DEFAULT_TOLERANCES);
      return `${d.unit}:${Math.round((d.difference / d.tolerance) * 100) / 100}`;
    });
    expect(over.sort()).toEqual(["32nds:2", "bps:1.04", "pips:1.1", "pips:1.2", "points:2"]);
  });

  it("puts an FX quantity break at 2e-6 relative", () => {
    // Act
    const generated = dayOf();
    const quantities = generated.expected
      .filter((b) => b.category === "QUANTITY_MISMATCH")
      .map((b) => pairOf(generated, b));
    const fx = quantities.find((q) => q.instrument.type === "FX_SPOT");
    // Assess
    expect(fx).toBeDefined();
    const { trade, confirmation, instrument } = fx as (typeof quantities)[number];
    expect(Math.abs(confirmation.quantity - trade.quantity) / trade.quantity).toBeCloseTo(2e-6, 8);
    expect(quantityWithin(instrument, trade.quantity, confirmation.quantity, DEFAULT_TOLERANCES)).toBe(false);
  });

  it("confirms an amended trade's earlier version, one changed field", () => {
    // Act
    const generated = dayOf();
    const amended = generated.expected.filter((b) => b.category === "AMENDMENT_NOT_CONFIRMED");
    // Assess
    expect(new Set(amended.map((b) => b.field))).toEqual(new Set(["quantity", "price", "settleDate"]));
    for (const b of amended) {
      const { trade, confirmation } = pairOf(generated, b);
      const field = b.field as "quantity" | "price" | "settleDate";
      expect(trade.status).toBe("AMENDED");
      expect(trade.versions).toHaveLength(1);
      expect(confirmation[field]).toBe(trade.versions[0]?.[field]);
      expect(confirmation[field]).not.toBe(trade[field]);
    }
  });

  it("dates stale prices business days back on the instrument's own calendar", () => {
    // Act: the day after US Thanksgiving.
    const generated = dayOf({ businessDate: "2026-11-27" });
    const stale = generated.expected.filter((b) => b.category === "STALE_PRICE");
    // Assess
    for (const b of stale) {
      const instrument = indexOf(generated).instrument.get(b.instrumentId) as Instrument;
      const asOf = generated.day.prices.find((p) => p.instrumentId === b.instrumentId)?.asOf as string;
      const calendar = calendarOf(instrument);
      expect(asOf.slice(0, 10) < latestBusinessDay(calendar, "2026-11-27")).toBe(true);
    }
    // A US close one business day old is two weekdays old: Thanksgiving does not count.
    const us = stale.find((b) => b.instrumentId.startsWith("US")) as (typeof stale)[number];
    const asOf = generated.day.prices.find((p) => p.instrumentId === us.instrumentId)?.asOf as string;
    expect(asOf).toBe("2026-11-25T20:30:00-05:00");
    expect(addBusinessDays("XNYS", "2026-11-25", 1)).toBe("2026-11-27");
  });
});

describe("the traps", () => {
  it("has every designed kind on a 2,000-trade day, and the calendar kinds where the date makes them", () => {
    // Act
    const kinds = (d: string) => new Set(dayOf({ businessDate: d }).traps.map((t) => t.kind));
    const thanksgivingWeek = kinds("2026-11-24");
    const boxingDay = kinds("2026-12-28");
    // Assess
    for (const kind of DESIGNED_TRAP_KINDS) expect(thanksgivingWeek).toContain(kind);
    expect(thanksgivingWeek).toContain("SETTLE_ACROSS_LOCAL_HOLIDAY"); // USD spot skips Thanksgiving
    expect(thanksgivingWeek).toContain("PRICE_STAMPED_LATE_LOCAL");
    expect(thanksgivingWeek).not.toContain("PRICE_BEFORE_LOCAL_HOLIDAY"); // every market is open
    expect(boxingDay).toContain("PRICE_BEFORE_LOCAL_HOLIDAY"); // UK and Canada closed, the US open
    expect(new Set([...thanksgivingWeek, ...boxingDay])).toEqual(new Set(TRAP_KINDS));
    expect(CALENDAR_TRAP_KINDS.every((k) => (TRAP_KINDS as readonly string[]).includes(k))).toBe(true);
  });

  it("never puts a trap's trade in an expected break", () => {
    // Act
    const { expected, traps } = dayOf();
    const breaking = new Set(expected.flatMap((b) => b.tradeIds));
    const breakingConfirmations = new Set(expected.flatMap((b) => b.confirmationIds));
    // Assess
    // (The price traps list an instrument's active trades, whatever else those carry.)
    for (const t of traps.filter(
      (x) => !x.kind.startsWith("PRICE_BEFORE") && !x.kind.startsWith("PRICE_STAMPED"),
    )) {
      for (const id of t.tradeIds) expect(breaking.has(id)).toBe(false);
      for (const id of t.confirmationIds) expect(breakingConfirmations.has(id)).toBe(false);
    }
  });

  it("puts prices exactly at and just under each tolerance", () => {
    // Act
    const generated = dayOf();
    const ratio = (kind: string) =>
      generated.traps
        .filter((t) => t.kind === kind)
        .map((t) => pairOf(generated, t))
        .map(({ trade, confirmation, instrument }) => {
          const d = comparePrice(instrument, trade.price, confirmation.price, DEFAULT_TOLERANCES);
          expect(d.withinTolerance).toBe(true);
          return `${d.unit}:${Math.round((d.difference / d.tolerance) * 1000) / 1000}`;
        })
        .sort();
    // Assess
    expect(ratio("PRICE_AT_TOLERANCE")).toEqual([
      "32nds:1",
      "bps:1",
      "pips:1",
      "pips:1",
      "points:1",
      "points:1",
    ]);
    expect(ratio("PRICE_JUST_UNDER_TOLERANCE")).toEqual([
      "32nds:0.75",
      "bps:0.98",
      "pips:0.9",
      "pips:0.9",
      "points:0.9",
    ]);
  });

  it("quotes references dirty, foreign or not at all, and instruments by other ids", () => {
    // Act
    const generated = dayOf();
    const ours = new Set(generated.day.trades.map((t) => t.tradeId));
    const confirmationsOf = (kind: string) =>
      generated.traps.filter((t) => t.kind === kind).map((t) => pairOf(generated, t));
    // Assess
    for (const { trade, confirmation } of confirmationsOf("DIRTY_REF")) {
      expect(confirmation.tradeRef).not.toBe(trade.tradeId);
      expect(confirmation.tradeRef?.replace(/\s+/g, "").toUpperCase()).toBe(trade.tradeId);
    }
    for (const { confirmation } of confirmationsOf("FOREIGN_REF")) {
      expect(ours.has(confirmation.tradeRef?.replace(/\s+/g, "").toUpperCase() ?? "")).toBe(false);
    }
    for (const { confirmation } of confirmationsOf("MISSING_REF"))
      expect(confirmation.tradeRef?.trim() ?? "").toBe("");
    for (const { trade, confirmation, instrument } of confirmationsOf("ALT_INSTRUMENT_ID")) {
      expect(confirmation.instrumentId).not.toBe(trade.instrumentId);
      expect(instrument.altIds).toContain(confirmation.instrumentId);
    }
    for (const { trade, confirmation } of confirmationsOf("COUNTERPARTY_NAME_VARIANT")) {
      expect(confirmation.counterparty?.lei).toBe(trade.counterparty.lei);
      expect(confirmation.counterparty?.name).not.toBe(trade.counterparty.name);
    }
  });

  it("turns inverse FX confirmations round to our economics", () => {
    // Act
    const generated = dayOf();
    const inverse = generated.traps
      .filter((t) => t.kind === "INVERSE_FX_PAIR")
      .map((t) => pairOf(generated, t));
    // Assess
    expect(inverse.length).toBeGreaterThan(0);
    for (const { trade, confirmation, instrument } of inverse) {
      if (instrument.type !== "FX_SPOT") throw new Error("not a pair");
      expect(confirmation.instrumentId.replace("/", "")).toBe(
        `${instrument.quoteCurrency}${instrument.baseCurrency}`,
      );
      expect(confirmation.side).not.toBe(trade.side);
      expect(confirmation.counterAmount).toBe(trade.quantity);
      expect(confirmation.quantity).toBe(trade.counterAmount);
      expect(
        comparePrice(instrument, trade.price, 1 / confirmation.price, DEFAULT_TOLERANCES).difference,
      ).toBeLessThan(0.1);
    }
  });

  it("fills trades in 2–4 parts whose average is within tolerance while no fill is", () => {
    // Act
    const generated = dayOf();
    const { trade, confirmation, instrument } = indexOf(generated);
    const fills = generated.traps.filter((t) => t.kind.startsWith("PARTIAL_FILLS"));
    // Assess
    expect(new Set(fills.map((f) => f.confirmationIds.length))).toEqual(new Set([2, 3, 4]));
    for (const f of fills) {
      const t = trade.get(f.tradeIds[0] as string) as Trade;
      const i = instrument.get(t.instrumentId) as Instrument;
      const parts = f.confirmationIds.map((id) => confirmation.get(id) as Confirmation);
      const total = parts.reduce((s, c) => s + c.quantity, 0);
      const vwap = parts.reduce((s, c) => s + c.quantity * c.price, 0) / total;
      expect(total).toBe(t.quantity);
      expect(comparePrice(i, t.price, vwap, DEFAULT_TOLERANCES).withinTolerance).toBe(true);
      for (const c of parts) {
        expect(comparePrice(i, t.price, c.price, DEFAULT_TOLERANCES).withinTolerance).toBe(false);
        expect(c.tradeRef === undefined).toBe(f.kind === "PARTIAL_FILLS_UNREFERENCED");
      }
    }
  });

  it("keeps twins, amendments and cancellations in the shape the rules forgive", () => {
    // Act
    const generated = dayOf();
    const { trade } = indexOf(generated);
    const of = (kind: string) => generated.traps.filter((t) => t.kind === kind);
    // Assess
    for (const t of of("IDENTICAL_TWINS_CONFIRMED")) {
      const [a, b] = t.tradeIds.map((id) => trade.get(id) as Trade);
      expect({ ...a, tradeId: "", bookedAt: "" }).toEqual({ ...b, tradeId: "", bookedAt: "" });
      expect(t.confirmationIds).toHaveLength(2);
    }
    for (const t of of("AMENDED_CONFIRMED_AT_NEW")) {
      const amended = trade.get(t.tradeIds[0] as string) as Trade;
      expect(amended.status).toBe("AMENDED");
      expect(amended.versions.length).toBeGreaterThanOrEqual(1);
    }
    expect(
      of("AMENDED_CONFIRMED_AT_NEW").some(
        (t) => (trade.get(t.tradeIds[0] as string) as Trade).versions.length === 2,
      ),
    ).toBe(true);
    for (const t of of("CANCELLED_UNCONFIRMED")) {
      expect(trade.get(t.tradeIds[0] as string)?.status).toBe("CANCELLED");
      expect(t.confirmationIds).toEqual([]);
    }
  });
});

describe("writeDay", () => {
  const generated = () => dayOf({ trades: 600 });

  it("writes JSON Lines and a manifest, and no ground truth unless asked", async () => {
    // Act
    const out = join(dir, "jsonl");
    const files = await writeDay(out, generated().day);
    // Assess
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      "instruments.jsonl",
      "trades.jsonl",
      "confirmations.jsonl",
      "prices.jsonl",
      "manifest.json",
    ]);
    const { day } = generated();
    expect(jsonLines(await readFile(join(out, "trades.jsonl"), "utf8"))).toEqual(day.trades);
    expect(jsonLines(await readFile(join(out, "confirmations.jsonl"), "utf8"))).toEqual(day.confirmations);
    expect(jsonLines(await readFile(join(out, "instruments.jsonl"), "utf8"))).toEqual(day.instruments);
    expect(jsonLines(await readFile(join(out, "prices.jsonl"), "utf8"))).toEqual(day.prices);
    expect(await readFile(join(out, "manifest.json"), "utf8")).toBe('{"businessDate":"2026-11-24"}\n');
  });

  it("writes JSON arrays, with the ground truth when asked", async () => {
    // Act
    const out = join(dir, "json");
    const { day, expected, traps } = generated();
    const files = await writeDay(out, day, { format: "json", groundTruth: { expected, traps } });
    // Assess
    expect(files.at(-1)).toBe(join(out, GROUND_TRUTH_FILE));
    for (const kind of ["instruments", "trades", "confirmations", "prices"] as const) {
      expect(JSON.parse(await readFile(join(out, `${kind}.json`), "utf8"))).toEqual(day[kind]);
    }
    expect(JSON.parse(await readFile(join(out, GROUND_TRUTH_FILE), "utf8"))).toEqual({
      businessDate: "2026-11-24",
      expected,
      traps,
    });
  });

  it("writes CSV with dotted headers and RFC 4180 quoting that reads back to the same records", async () => {
    // Act
    const out = join(dir, "csv");
    const { day } = generated();
    await writeDay(out, day, { format: "csv" });
    // Assess
    const trades = await readFile(join(out, "trades.csv"), "utf8");
    const header = readCsv(trades)[0] as string[];
    expect(header).toEqual(
      expect.arrayContaining(["counterparty.name", "counterparty.lei", "versions.0.version"]),
    );
    expect(header.indexOf("counterparty.lei")).toBe(header.indexOf("counterparty.name") + 1);
    expect(
      header.slice(header.indexOf("versions.0.version"), header.indexOf("versions.0.version") + 3),
    ).toEqual(["versions.0.version", "versions.0.validFrom", "versions.0.validTo"]);
    for (const kind of ["instruments", "trades", "confirmations", "prices"] as const) {
      const records = csvRecords(await readFile(join(out, `${kind}.csv`), "utf8"));
      expect(records).toEqual(day[kind].map((r) => stringLeaves(r)));
    }
    // Names with commas are quoted.
    const confirmations = await readFile(join(out, "confirmations.csv"), "utf8");
    expect(confirmations).toMatch(/,"[^",]+ Co\., Ltd\.",/);
  });

  it("writes an empty day as valid files", async () => {
    // Act
    const out = join(dir, "empty");
    await writeDay(
      out,
      { businessDate: "2026-11-24", instruments: [], trades: [], confirmations: [], prices: [] },
      { format: "json" },
    );
    // Assess
    expect(JSON.parse(await readFile(join(out, "trades.json"), "utf8"))).toEqual([]);
  });
});

describe("writeGeneratedDay", () => {
  it("streams the same day as generateDay, record for record", async () => {
    // Act
    const spec = aSpec({ seed: 9, trades: 20_000 });
    const out = join(dir, "stream");
    const { files, expected } = await writeGeneratedDay(out, spec);
    const generated = generateDay(spec);
    // Assess
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      "instruments.jsonl",
      "trades.jsonl",
      "confirmations.jsonl",
      "prices.jsonl",
      "manifest.json",
    ]);
    expect(expected).toBe(generated.expected.length);
    const lines = async (kind: string) =>
      (await readFile(join(out, `${kind}.jsonl`), "utf8")).split("\n").slice(0, -1);
    for (const kind of ["instruments", "trades", "confirmations", "prices"] as const) {
      expect(await lines(kind)).toEqual(generated.day[kind].map((r) => JSON.stringify(r)));
    }
  });

  it("streams CSV whose rows read back to the same records", async () => {
    // Act
    const spec = aSpec({ seed: 3, trades: 3000 });
    const out = join(dir, "stream-csv");
    await writeGeneratedDay(out, spec, { format: "csv" });
    const { day } = generateDay(spec);
    // Assess
    for (const kind of ["instruments", "trades", "confirmations", "prices"] as const) {
      const records = csvRecords(await readFile(join(out, `${kind}.csv`), "utf8"));
      expect(records).toEqual(day[kind].map((r) => stringLeaves(r)));
    }
  });

  it("generates 50,000 trades in well under 5 seconds", () => {
    // Act
    const started = performance.now();
    const { day } = generateDay(aSpec({ trades: 50_000, seed: 5 }));
    // Assess
    expect(day.trades).toHaveLength(50_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
