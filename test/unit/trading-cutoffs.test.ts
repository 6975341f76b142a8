import { describe, expect, it } from "vitest";
import {
  type Break,
  byDeadline,
  CUTOFFS,
  cutoffOf,
  deadlineOf,
  deadlineOfBreak,
  type Instrument,
  settlementTypeOf,
  timeToCutoff,
  zonedInstant,
} from "#trading";
import { confirmationOf, dayOf, INSTRUMENTS, trade } from "../fixtures/trading.ts";

const at = (instrument: Instrument, tradeDate: string, settleDate: string) =>
  deadlineOf({ instrument, tradeDate, settleDate });

function breakOf(overrides: Partial<Break>): Break {
  return {
    breakId: "B1",
    category: "PRICE_MISMATCH",
    tradeIds: [],
    confirmationIds: [],
    instrumentId: INSTRUMENTS.equity.instrumentId,
    notional: 1000,
    currency: "USD",
    detail: "",
    ...overrides,
  };
}

describe("zonedInstant: a market's wall clock as an instant", () => {
  it("follows daylight saving: 15:00 New York is 20:00Z in November and 19:00Z in July", () => {
    expect(zonedInstant("2026-11-25", "15:00", "America/New_York").toISOString()).toBe(
      "2026-11-25T20:00:00.000Z",
    );
    expect(zonedInstant("2026-07-01", "15:00", "America/New_York").toISOString()).toBe(
      "2026-07-01T19:00:00.000Z",
    );
  });

  it("resolves a time the clock skips to just after the gap, and a repeated one to its first occurrence", () => {
    expect(zonedInstant("2026-03-08", "02:30", "America/New_York").toISOString()).toBe(
      "2026-03-08T07:30:00.000Z",
    );
    expect(zonedInstant("2026-11-01", "01:30", "America/New_York").toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });
});

describe("cut-offs per market and settlement type", () => {
  it("gives each modelled market its own row", () => {
    expect(cutoffOf(INSTRUMENTS.equity).id).toBe("US_DTC_AFFIRMATION");
    expect(cutoffOf(INSTRUMENTS.treasury).id).toBe("US_FEDWIRE_SECURITIES");
    expect(cutoffOf(INSTRUMENTS.ukEquity).id).toBe("UK_CREST_DVP");
    expect(cutoffOf(INSTRUMENTS.gilt).id).toBe("UK_CREST_DVP");
    expect(cutoffOf(INSTRUMENTS.corp).id).toBe("EU_T2S_DVP");
    expect(cutoffOf(INSTRUMENTS.eurusd).id).toBe("FX_CLS_INSTRUCTIONS");
  });

  it("settles FX through CLS only when both currencies are CLS currencies", () => {
    const usdTry: Instrument = {
      ...INSTRUMENTS.eurusd,
      instrumentId: "USDTRY",
      baseCurrency: "USD",
      quoteCurrency: "TRY",
      currency: "TRY",
    };
    expect(settlementTypeOf(INSTRUMENTS.usdjpy)).toBe("CLS");
    expect(settlementTypeOf(usdTry)).toBe("FX_GROSS");
    expect(cutoffOf(usdTry).id).toBe("FX_GROSS_PAYMENT");
    expect(settlementTypeOf(INSTRUMENTS.treasury)).toBe("DVP");
  });

  it("falls back to the afternoon of the market's own zone for a venue without a row", () => {
    const unknownVenue: Instrument = {
      ...INSTRUMENTS.equity,
      instrumentId: "SG1T75931496",
      currency: "SGD",
      mic: "XSES",
    };
    const row = cutoffOf(unknownVenue);
    expect(row.id).toBe("DEFAULT_WEEKENDS");
    expect(at(unknownVenue, "2026-11-24", "2026-11-26").at).toBe("2026-11-26T14:00:00.000Z");
  });

  it("states every row's time as HH:MM in a zone the platform knows", () => {
    for (const row of CUTOFFS) {
      expect(row.time, row.id).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect(() => new Intl.DateTimeFormat("en-US", { timeZone: row.zone }), row.id).not.toThrow();
    }
  });
});

describe("deadlineOf", () => {
  it("a US equity under T+1: 21:00 New York on trade date (affirmation), not the settlement date", () => {
    const d = at(INSTRUMENTS.equity, "2026-11-24", "2026-11-25");
    expect(d).toMatchObject({ at: "2026-11-25T02:00:00.000Z", local: "2026-11-24 21:00 America/New_York" });
  });

  it("a Treasury: 15:00 New York on settlement date; a gilt 14:55 London; a CLS trade midnight Paris at the value date's start", () => {
    expect(at(INSTRUMENTS.treasury, "2026-11-24", "2026-11-25").at).toBe("2026-11-25T20:00:00.000Z");
    expect(at(INSTRUMENTS.gilt, "2026-11-24", "2026-11-25").at).toBe("2026-11-25T14:55:00.000Z");
    expect(at(INSTRUMENTS.eurusd, "2026-11-24", "2026-11-26")).toMatchObject({
      at: "2026-11-25T23:00:00.000Z",
      local: "2026-11-26 00:00 Europe/Paris",
    });
  });
});

describe("deadlineOfBreak", () => {
  it("is the earliest of its trades' deadlines, naming the trade that sets it", () => {
    const us = trade({ tradeId: "T-US" });
    const gilt = trade({ tradeId: "T-GILT", instrumentId: INSTRUMENTS.gilt.instrumentId, currency: "GBP" });
    const day = dayOf([us, gilt], []);
    const d = deadlineOfBreak(breakOf({ tradeIds: ["T-GILT", "T-US"] }), day);
    expect(d).toMatchObject({
      tradeId: "T-US",
      cutoffId: "US_DTC_AFFIRMATION",
      at: "2026-11-25T02:00:00.000Z",
    });
  });

  it("uses the confirmation's dates for a break about a confirmation alone, and is undefined when the day knows neither", () => {
    const t = trade();
    const c = confirmationOf(t, { tradeRef: undefined, tradeDate: "2026-11-23", settleDate: "2026-11-24" });
    const day = dayOf([], [c]);
    const unknown = breakOf({ category: "UNKNOWN_CONFIRMATION", confirmationIds: [c.confirmationId] });
    expect(deadlineOfBreak(unknown, day)).toMatchObject({
      confirmationId: c.confirmationId,
      local: "2026-11-23 21:00 America/New_York",
    });
    expect(deadlineOfBreak(breakOf({ tradeIds: ["T-NOT-THERE"] }), day)).toBeUndefined();
  });
});

describe("timeToCutoff and byDeadline", () => {
  const deadline = { at: "2026-11-25T02:00:00.000Z" };
  it("buckets the time left on both sides of every boundary", () => {
    const minus = (ms: number) => new Date(Date.parse(deadline.at) - ms);
    const H = 3_600_000;
    expect(timeToCutoff(deadline, minus(0))).toEqual({ minutes: 0, bucket: "past" });
    expect(timeToCutoff(deadline, minus(-60_000)).bucket).toBe("past");
    expect(timeToCutoff(deadline, minus(1)).bucket).toBe("under_1h");
    expect(timeToCutoff(deadline, minus(H)).bucket).toBe("1h_to_4h");
    expect(timeToCutoff(deadline, minus(4 * H - 1)).bucket).toBe("1h_to_4h");
    expect(timeToCutoff(deadline, minus(4 * H)).bucket).toBe("4h_to_24h");
    expect(timeToCutoff(deadline, minus(24 * H))).toEqual({ minutes: 1440, bucket: "over_24h" });
    expect(timeToCutoff(undefined, minus(0))).toEqual({ minutes: null, bucket: "unknown" });
  });

  it("orders the earliest deadline first, ties by the given order, and the unknown last", () => {
    const items = [
      { id: "late", at: "2026-11-26T00:00:00Z", n: 1 },
      { id: "none", at: undefined, n: 9 },
      { id: "early-small", at: "2026-11-25T00:00:00Z", n: 1 },
      { id: "early-big", at: "2026-11-25T00:00:00Z", n: 5 },
    ];
    const sorted = [...items].sort(
      byDeadline(
        (i) => (i.at ? { at: i.at } : undefined),
        (a, b) => b.n - a.n,
      ),
    );
    expect(sorted.map((i) => i.id)).toEqual(["early-big", "early-small", "late", "none"]);
  });
});
