/**
 * Business-day calendars and settlement conventions: every calendar's 2026 and 2027 closures
 * pinned date by date, weekend moves and substitute days, joint FX calendars, the arithmetic
 * across holidays and year ends, the T+n table on both sides of each switch, and coverage.
 */
import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  businessDaysBetween,
  CALENDAR_IDS,
  CalendarCoverageError,
  type CalendarId,
  CalendarInputError,
  calendarOf,
  calendarOfCurrency,
  calendarOfMic,
  conventionalSettleDate,
  holidaysOf,
  isBusinessDay,
  latestBusinessDay,
  SETTLEMENT_CONVENTIONS,
  settlementConvention,
} from "../../functions/trading/calendars/index.ts";
import { type Instrument, InstrumentSchema } from "../../functions/trading/model/index.ts";

// Factories -------------------------------------------------------------------------------

const equity = (mic: string, currency = "USD"): Instrument =>
  InstrumentSchema.parse({ type: "EQUITY", instrumentId: `EQ-${mic}`, idType: "TICKER", currency, mic });

const bond = (type: "GOVT_BOND" | "CORP_BOND", currency: string, country?: string): Instrument =>
  InstrumentSchema.parse({
    type,
    instrumentId: `${type}-${currency}-${country ?? "NA"}`,
    idType: "ISIN",
    currency,
    issuer: "Issuer",
    coupon: 4.25,
    maturity: "2035-11-15",
    ...(country === undefined ? {} : { country }),
  });

const fx = (pair: string): Instrument =>
  InstrumentSchema.parse({
    type: "FX_SPOT",
    instrumentId: pair,
    idType: "CCY_PAIR",
    currency: pair.slice(3),
    baseCurrency: pair.slice(0, 3),
    quoteCurrency: pair.slice(3),
  });

const datesOf = (calendar: CalendarId, year: number) =>
  holidaysOf(calendar, year).map((holiday) => holiday.date);

// Holidays --------------------------------------------------------------------------------

/** Every weekday closure, by hand from each authority's published rules. */
const EXPECTED: Record<Exclude<CalendarId, "WEEKENDS">, Record<2026 | 2027, string[]>> = {
  US: {
    // 4 Jul 2026 is a Saturday: the Fed does not close the Friday before.
    2026: ["01-01", "01-19", "02-16", "05-25", "06-19", "09-07", "10-12", "11-11", "11-26", "12-25"],
    // Juneteenth and Christmas on Saturdays are not observed; Independence Day Sunday → Monday.
    2027: ["01-01", "01-18", "02-15", "05-31", "07-05", "09-06", "10-11", "11-11", "11-25"],
  },
  XNYS: {
    2026: ["01-01", "01-19", "02-16", "04-03", "05-25", "06-19", "07-03", "09-07", "11-26", "12-25"],
    // New Year's Day 2028 is a Saturday: 31 Dec 2027 stays open.
    2027: ["01-01", "01-18", "02-15", "03-26", "05-31", "06-18", "07-05", "09-06", "11-25", "12-24"],
  },
  US_BONDS: {
    2026: [
      "01-01",
      "01-19",
      "02-16",
      "04-03",
      "05-25",
      "06-19",
      "07-03",
      "09-07",
      "10-12",
      "11-11",
      "11-26",
      "12-25",
    ],
    2027: [
      "01-01",
      "01-18",
      "02-15",
      "03-26",
      "05-31",
      "06-18",
      "07-05",
      "09-06",
      "10-11",
      "11-11",
      "11-25",
      "12-24",
    ],
  },
  UK: {
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
  },
  TARGET: {
    2026: ["01-01", "04-03", "04-06", "05-01", "12-25"],
    // 1 May, 25 and 26 Dec 2027 fall on weekends and TARGET never substitutes.
    2027: ["01-01", "03-26", "03-29"],
  },
  JP: {
    2026: [
      ...["01-01", "01-02", "01-12", "02-11", "02-23", "03-20", "04-29", "05-04", "05-05", "05-06"],
      ...["07-20", "08-11", "09-21", "09-22", "09-23", "10-12", "11-03", "11-23", "12-31"],
    ],
    2027: [
      ...["01-01", "01-11", "02-11", "02-23", "03-22", "04-29", "05-03", "05-04", "05-05"],
      ...["07-19", "08-11", "09-20", "09-23", "10-11", "11-03", "11-23", "12-31"],
    ],
  },
  CH: {
    2026: ["01-01", "01-02", "04-03", "04-06", "05-01", "05-14", "05-25", "12-24", "12-25", "12-31"],
    2027: ["01-01", "03-26", "03-29", "05-06", "05-17", "12-24", "12-31"],
  },
  CA: {
    2026: ["01-01", "02-16", "04-03", "05-18", "07-01", "08-03", "09-07", "10-12", "12-25", "12-28"],
    2027: ["01-01", "02-15", "03-26", "05-24", "07-01", "08-02", "09-06", "10-11", "12-27", "12-28"],
  },
};

describe("holiday lists", () => {
  for (const [calendar, years] of Object.entries(EXPECTED)) {
    for (const [year, dates] of Object.entries(years)) {
      it(`pins every ${calendar} closure of ${year}`, () => {
        // Prepare
        const expected = dates.map((date) => `${year}-${date}`);
        // Act
        const actual = datesOf(calendar as CalendarId, Number(year));
        // Assess
        expect(actual).toEqual(expected);
      });
    }
  }

  it("makes every listed holiday a non-business day and every other weekday a business day", () => {
    // Prepare
    const calendars = CALENDAR_IDS.filter((id) => id !== "WEEKENDS");
    // Act
    const mismatches: string[] = [];
    for (const calendar of calendars) {
      const closed = new Set([...datesOf(calendar, 2026), ...datesOf(calendar, 2027)]);
      for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2028, 0, 1); day += 86_400_000) {
        const date = new Date(day).toISOString().slice(0, 10);
        const weekday = new Date(day).getUTCDay();
        const expected = weekday !== 0 && weekday !== 6 && !closed.has(date);
        if (isBusinessDay(calendar, date) !== expected) mismatches.push(`${calendar} ${date}`);
      }
    }
    // Assess
    expect(mismatches).toEqual([]);
  });

  it("names holidays, marking the ones moved off a weekend", () => {
    // Act
    const uk = holidaysOf("UK", 2027).slice(-2);
    const xnys = holidaysOf("XNYS", 2027).find((holiday) => holiday.date === "2027-06-18");
    const jp = holidaysOf("JP", 2026).filter((holiday) => holiday.date.startsWith("2026-09"));
    // Assess
    expect(uk).toEqual([
      { date: "2027-12-27", name: "Christmas Day (substitute day)" },
      { date: "2027-12-28", name: "Boxing Day (substitute day)" },
    ]);
    expect(xnys).toEqual({ date: "2027-06-18", name: "Juneteenth (observed)" });
    expect(jp.map((holiday) => holiday.name)).toEqual([
      "Respect for the Aged Day",
      "Citizens' holiday",
      "Autumnal Equinox Day",
    ]);
  });

  it("keeps the decreed one-off days of earlier years", () => {
    // Act
    const uk2022 = datesOf("UK", 2022);
    const uk2020 = datesOf("UK", 2020);
    const jp2021 = datesOf("JP", 2021);
    // Assess
    expect(uk2022).toEqual(expect.arrayContaining(["2022-06-02", "2022-06-03", "2022-09-19"]));
    expect(uk2022).not.toContain("2022-05-30");
    expect(uk2020).toContain("2020-05-08");
    expect(uk2020).not.toContain("2020-05-04");
    expect(isBusinessDay("UK", "2023-05-08")).toBe(false);
    expect(isBusinessDay("XNYS", "2025-01-09")).toBe(false);
    expect(isBusinessDay("US", "2025-01-09")).toBe(true);
    expect(jp2021).toEqual(expect.arrayContaining(["2021-07-22", "2021-07-23", "2021-08-09"]));
    expect(jp2021).not.toContain("2021-10-11");
  });

  it("treats Saturday and Sunday as closed everywhere and WEEKENDS as having no holidays", () => {
    // Act
    const weekend = CALENDAR_IDS.flatMap((id) => [
      isBusinessDay(id, "2026-11-28"),
      isBusinessDay(id, "2026-11-29"),
    ]);
    // Assess
    expect(weekend.every((open) => !open)).toBe(true);
    expect(holidaysOf("WEEKENDS", 2026)).toEqual([]);
    expect(isBusinessDay("WEEKENDS", "2026-12-25")).toBe(true);
    expect(isBusinessDay("WEEKENDS", "2045-01-02")).toBe(true);
  });

  it("splits the US calendars where the Fed, the NYSE and SIFMA differ", () => {
    // Assess: Columbus Day closes the Fed and the bond market, not the NYSE.
    expect(isBusinessDay("XNYS", "2026-10-12")).toBe(true);
    expect(isBusinessDay("US", "2026-10-12")).toBe(false);
    expect(isBusinessDay("US_BONDS", "2026-10-12")).toBe(false);
    // Good Friday closes the NYSE and the bond market, not the Fed.
    expect(isBusinessDay("US", "2026-04-03")).toBe(true);
    expect(isBusinessDay("US_BONDS", "2026-04-03")).toBe(false);
    // Independence Day on a Saturday: the NYSE and SIFMA close Friday, the Fed does not.
    expect(isBusinessDay("US", "2026-07-03")).toBe(true);
    expect(isBusinessDay("XNYS", "2026-07-03")).toBe(false);
    // Veterans Day on a Saturday (2023): SIFMA kept Friday open.
    expect(isBusinessDay("US_BONDS", "2023-11-10")).toBe(true);
    // New Year's Day 2028 on a Saturday: 31 Dec 2027 open on every US calendar.
    expect(["US", "XNYS", "US_BONDS"].map((id) => isBusinessDay(id as CalendarId, "2027-12-31"))).toEqual([
      true,
      true,
      true,
    ]);
  });
});

// Joint calendars -------------------------------------------------------------------------

describe("joint calendars", () => {
  it("closes an FX pair on either currency's holiday", () => {
    // Prepare
    const eurusd = calendarOf(fx("EURUSD"));
    const usdjpy = calendarOf(fx("USDJPY"));
    // Act & Assess
    expect(eurusd).toEqual(["TARGET", "US"]);
    expect(isBusinessDay(eurusd, "2026-11-26")).toBe(false); // US Thanksgiving
    expect(isBusinessDay(eurusd, "2026-05-01")).toBe(false); // TARGET Labour Day
    expect(isBusinessDay(eurusd, "2026-11-27")).toBe(true);
    expect(isBusinessDay(usdjpy, "2027-03-22")).toBe(false); // Japan's substitute equinox
    expect(isBusinessDay(usdjpy, "2027-03-23")).toBe(true);
  });

  it("deduplicates the members and falls back to WEEKENDS for unmodelled currencies", () => {
    // Act
    const exotic = calendarOf(fx("SGDHKD"));
    const usdsgd = calendarOf(fx("USDSGD"));
    // Assess
    expect(exotic).toEqual(["WEEKENDS"]);
    expect(usdsgd).toEqual(["US", "WEEKENDS"]);
  });
});

// Arithmetic ------------------------------------------------------------------------------

describe("business-day arithmetic", () => {
  it("adds business days across holidays, weekends and year ends", () => {
    // Act & Assess
    expect(addBusinessDays("US", "2026-11-25", 1)).toBe("2026-11-27");
    expect(addBusinessDays("UK", "2026-12-24", 2)).toBe("2026-12-30");
    expect(addBusinessDays("UK", "2027-12-24", 1)).toBe("2027-12-29");
    expect(addBusinessDays("JP", "2026-12-30", 1)).toBe("2027-01-04");
    expect(addBusinessDays("CH", "2026-12-23", 4)).toBe("2027-01-04");
    expect(addBusinessDays("XNYS", "2027-01-04", -1)).toBe("2026-12-31");
    expect(addBusinessDays("TARGET", "2026-04-07", -2)).toBe("2026-04-01");
  });

  it("starts from a non-business day as the brief says: +1 is the next business day, -1 the previous", () => {
    // Act & Assess
    expect(addBusinessDays("US", "2026-11-28", 1)).toBe("2026-11-30");
    expect(addBusinessDays("US", "2026-11-28", -1)).toBe("2026-11-27");
    expect(addBusinessDays("US", "2026-11-26", 1)).toBe("2026-11-27");
    expect(addBusinessDays("US", "2026-11-28", 0)).toBe("2026-11-28");
  });

  it("counts business days in (from, to], negative when to is earlier", () => {
    // Act & Assess
    expect(businessDaysBetween("US", "2026-11-25", "2026-11-27")).toBe(1);
    expect(businessDaysBetween("US", "2026-11-25", "2026-11-30")).toBe(2);
    expect(businessDaysBetween("US", "2026-11-30", "2026-11-25")).toBe(-2);
    expect(businessDaysBetween("US", "2026-11-25", "2026-11-25")).toBe(0);
    expect(businessDaysBetween("US", "2026-11-28", "2026-11-27")).toBe(0);
    expect(businessDaysBetween("JP", "2026-12-30", "2027-01-04")).toBe(1);
    expect(businessDaysBetween("WEEKENDS", "2026-01-01", "2026-12-31")).toBe(260);
    expect(businessDaysBetween("XNYS", "2026-01-01", "2026-12-31")).toBe(251);
  });

  it("agrees with addBusinessDays from any business day", () => {
    // Prepare
    const starts = ["2026-12-24", "2027-03-19", "2026-09-18", "2027-12-23"];
    const calendars: CalendarId[] = ["UK", "JP", "XNYS", "CA"];
    // Act
    const disagreements: string[] = [];
    for (const calendar of calendars) {
      for (const start of starts.map((date) => latestBusinessDay(calendar, date))) {
        for (let n = -15; n <= 15; n += 1) {
          const counted = businessDaysBetween(calendar, start, addBusinessDays(calendar, start, n));
          if (counted !== n) disagreements.push(`${calendar} ${start} ${n} → ${counted}`);
        }
      }
    }
    // Assess
    expect(disagreements).toEqual([]);
  });

  it("finds the latest business day on or before a date", () => {
    // Act & Assess
    expect(latestBusinessDay("XNYS", "2026-04-05")).toBe("2026-04-02");
    expect(latestBusinessDay("XNYS", "2026-04-02")).toBe("2026-04-02");
    expect(latestBusinessDay("JP", "2027-01-03")).toBe("2026-12-30");
    expect(latestBusinessDay("UK", "2027-12-28")).toBe("2027-12-24");
    expect(latestBusinessDay(["TARGET", "US"], "2026-11-26")).toBe("2026-11-25");
  });
});

// Calendars of instruments ----------------------------------------------------------------

describe("calendar of an instrument", () => {
  it("maps currencies and venues, with WEEKENDS for anything unmodelled", () => {
    // Act
    const currencies = ["USD", "GBP", "EUR", "JPY", "CHF", "CAD", "SGD"].map(calendarOfCurrency);
    const mics = ["XNAS", "IEXG", "XLON", "XPAR", "XHEL", "XOSE", "XVTX", "XTSX", "XASX"].map(calendarOfMic);
    // Assess
    expect(currencies).toEqual(["US", "UK", "TARGET", "JP", "CH", "CA", "WEEKENDS"]);
    expect(mics).toEqual(["XNYS", "XNYS", "UK", "TARGET", "TARGET", "JP", "CH", "CA", "WEEKENDS"]);
  });

  it("gives equities their venue, USD bonds SIFMA's calendar and other bonds their currency's", () => {
    // Act & Assess
    expect(calendarOf(equity("XETR", "EUR"))).toBe("TARGET");
    expect(calendarOf(bond("GOVT_BOND", "USD", "US"))).toBe("US_BONDS");
    expect(calendarOf(bond("CORP_BOND", "USD"))).toBe("US_BONDS");
    expect(calendarOf(bond("GOVT_BOND", "JPY", "JP"))).toBe("JP");
    expect(calendarOf(bond("CORP_BOND", "EUR"))).toBe("TARGET");
  });
});

// Settlement ------------------------------------------------------------------------------

describe("settlement conventions", () => {
  it("moved US equities to T+1 on 28 May 2024, counted on the NYSE and Fed calendars", () => {
    // Prepare
    const apple = equity("XNAS");
    // Act
    const before = settlementConvention(apple, "2024-05-24");
    const after = settlementConvention(apple, "2024-05-28");
    // Assess
    expect(before).toEqual({
      lagDays: 2,
      calendar: ["XNYS", "US"],
      rule: "US equities T+2 (before 2024-05-28)",
    });
    expect(after).toEqual({
      lagDays: 1,
      calendar: ["XNYS", "US"],
      rule: "US equities T+1 (since 2024-05-28)",
    });
    expect(conventionalSettleDate(apple, "2026-11-25")).toBe("2026-11-27");
    // Columbus Day: the NYSE trades but nothing settles.
    expect(conventionalSettleDate(apple, "2026-10-09")).toBe("2026-10-13");
    expect(conventionalSettleDate(apple, "2026-10-12")).toBe("2026-10-13");
  });

  it("moved Canadian equities to T+1 on 27 May 2024", () => {
    // Prepare
    const shop = equity("XTSE", "CAD");
    // Act & Assess
    expect(settlementConvention(shop, "2024-05-24").lagDays).toBe(2);
    expect(settlementConvention(shop, "2024-05-27")).toEqual({
      lagDays: 1,
      calendar: "CA",
      rule: "Canadian equities T+1 (since 2024-05-27)",
    });
  });

  it("moves UK, EU and Swiss equities from T+2 to T+1 on 11 October 2027", () => {
    // Prepare
    const listings = [equity("XLON", "GBP"), equity("XETR", "EUR"), equity("XSWX", "CHF")];
    // Act
    const friday = listings.map((listing) => settlementConvention(listing, "2027-10-08"));
    const monday = listings.map((listing) => settlementConvention(listing, "2027-10-11"));
    // Assess
    expect(friday.map((convention) => convention.lagDays)).toEqual([2, 2, 2]);
    expect(monday.map((convention) => convention.lagDays)).toEqual([1, 1, 1]);
    expect(friday[0]?.rule).toBe("UK equities T+2 (before 2027-10-11)");
    expect(monday[0]).toEqual({ lagDays: 1, calendar: "UK", rule: "UK equities T+1 (since 2027-10-11)" });
    expect(listings.map((listing) => conventionalSettleDate(listing, "2027-10-08"))).toEqual([
      "2027-10-12",
      "2027-10-12",
      "2027-10-12",
    ]);
    expect(conventionalSettleDate(listings[0] as Instrument, "2027-10-11")).toBe("2027-10-12");
  });

  it("settles Japanese and unlisted-venue equities T+2", () => {
    // Act & Assess
    expect(settlementConvention(equity("XTKS", "JPY"), "2027-10-11").rule).toBe("Japanese equities T+2");
    expect(conventionalSettleDate(equity("XTKS", "JPY"), "2026-09-18")).toBe("2026-09-25");
    expect(settlementConvention(equity("XASX", "AUD"), "2026-11-24")).toEqual({
      lagDays: 2,
      calendar: "WEEKENDS",
      rule: "Other equities T+2",
    });
  });

  it("settles Treasuries and gilts T+1, other government bonds T+2", () => {
    // Prepare
    const treasury = bond("GOVT_BOND", "USD", "US");
    const gilt = bond("GOVT_BOND", "GBP", "GB");
    const bund = bond("GOVT_BOND", "EUR", "DE");
    // Act & Assess
    expect(settlementConvention(treasury, "2026-11-10")).toEqual({
      lagDays: 1,
      calendar: "US_BONDS",
      rule: "US Treasuries T+1",
    });
    expect(conventionalSettleDate(treasury, "2026-11-10")).toBe("2026-11-12"); // Veterans Day
    expect(settlementConvention(gilt, "2026-12-24")).toEqual({
      lagDays: 1,
      calendar: "UK",
      rule: "UK gilts T+1",
    });
    expect(conventionalSettleDate(gilt, "2026-12-24")).toBe("2026-12-29");
    expect(settlementConvention(bond("GOVT_BOND", "GBP"), "2026-11-24").rule).toBe("UK gilts T+1");
    expect(settlementConvention(bund, "2026-11-24")).toEqual({
      lagDays: 2,
      calendar: "TARGET",
      rule: "Government bonds T+2",
    });
  });

  it("moved USD corporate bonds to T+1 on 28 May 2024 and leaves others at T+2", () => {
    // Prepare
    const usd = bond("CORP_BOND", "USD");
    const eur = bond("CORP_BOND", "EUR");
    // Act & Assess
    expect(settlementConvention(usd, "2024-05-24").lagDays).toBe(2);
    expect(settlementConvention(usd, "2024-05-28")).toEqual({
      lagDays: 1,
      calendar: "US_BONDS",
      rule: "USD corporate bonds T+1 (since 2024-05-28)",
    });
    expect(settlementConvention(eur, "2026-11-24")).toEqual({
      lagDays: 2,
      calendar: "TARGET",
      rule: "Corporate bonds T+2",
    });
  });

  it("settles FX spot T+2 by the market rule (USD holidays only on the spot date), USD/CAD either way round T+1", () => {
    // Act & Assess
    expect(settlementConvention(fx("EURUSD"), "2026-11-25")).toEqual({
      lagDays: 2,
      calendar: ["TARGET", "US"],
      rule: "FX spot T+2",
    });
    // The market's spot rule: the 26th (US Thanksgiving) counts, TARGET being open; spot is the 27th.
    expect(conventionalSettleDate(fx("EURUSD"), "2026-11-25")).toBe("2026-11-27");
    // A cross never settles on a USD holiday: EUR/JPY traded the 24th would be spot on the 26th.
    expect(conventionalSettleDate(fx("EURJPY"), "2026-11-24")).toBe("2026-11-27");
    expect(conventionalSettleDate(fx("USDJPY"), "2027-03-18")).toBe("2027-03-23");
    expect(settlementConvention(fx("USDCAD"), "2026-11-25")).toEqual({
      lagDays: 1,
      calendar: ["US", "CA"],
      rule: "USD/CAD spot T+1",
    });
    expect(conventionalSettleDate(fx("USDCAD"), "2026-11-25")).toBe("2026-11-27");
    expect(settlementConvention(fx("CADUSD"), "2026-11-25").lagDays).toBe(1);
    expect(conventionalSettleDate(fx("USDCAD"), "2026-06-30")).toBe("2026-07-02"); // Canada Day
  });

  it("keeps the conventions as data: each market's rows in date order, a catch-all per instrument type", () => {
    // Prepare
    const markets = [...new Set(SETTLEMENT_CONVENTIONS.map((row) => row.market))];
    // Act
    const outOfOrder = markets.filter((market) => {
      const dates = SETTLEMENT_CONVENTIONS.filter((row) => row.market === market).map(
        (row) => row.effectiveFrom,
      );
      return dates[0] !== null || dates.slice(1).some((date, i) => date === null || date <= (dates[i] ?? ""));
    });
    const catchAlls = SETTLEMENT_CONVENTIONS.filter(
      (row) => Object.values(row.match).filter(Boolean).length === 1,
    );
    // Assess
    expect(outOfOrder).toEqual([]);
    expect(catchAlls.map((row) => row.match.type).sort()).toEqual([
      "CORP_BOND",
      "EQUITY",
      "FX_SPOT",
      "GOVT_BOND",
    ]);
  });
});

// Coverage and input ----------------------------------------------------------------------

describe("coverage and input", () => {
  it("refuses dates outside 2020–2030, naming the calendar and the date", () => {
    // Act
    const outside = () => isBusinessDay("US", "2031-01-02");
    // Assess
    expect(outside).toThrow(CalendarCoverageError);
    try {
      outside();
    } catch (error) {
      expect(error).toMatchObject({ code: "Trading.CalendarCoverage", calendar: "US", date: "2031-01-02" });
      expect((error as Error).message).toContain("US");
      expect((error as Error).message).toContain("2031-01-02");
    }
    expect(() => addBusinessDays("UK", "2030-12-31", 1)).toThrow(CalendarCoverageError);
    expect(() => latestBusinessDay("JP", "2020-01-01")).toThrow(/JP.*2019-12-31/);
    expect(() => holidaysOf("CA", 2019)).toThrow(CalendarCoverageError);
    expect(() => isBusinessDay(["WEEKENDS", "TARGET"], "2031-01-04")).toThrow(/TARGET/);
    expect(addBusinessDays("UK", "2030-12-27", 1)).toBe("2030-12-30");
  });

  it("refuses malformed dates, unknown calendars, empty joint calendars and fractional counts", () => {
    // Act & Assess
    expect(() => isBusinessDay("US", "2026-02-29")).toThrow(CalendarInputError);
    expect(() => isBusinessDay("US", "2026/11/26")).toThrow(CalendarInputError);
    expect(() => isBusinessDay("NYSE" as CalendarId, "2026-11-26")).toThrow(/unknown calendar NYSE/);
    expect(() => isBusinessDay([], "2026-11-26")).toThrow(CalendarInputError);
    expect(() => addBusinessDays("US", "2026-11-26", 1.5)).toThrow(CalendarInputError);
    expect(() => settlementConvention(fx("EURUSD"), "26-11-2026")).toThrow(CalendarInputError);
    expect(new CalendarInputError("x").code).toBe("Trading.CalendarInput");
  });
});
