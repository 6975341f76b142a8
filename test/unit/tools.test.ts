import { ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { createTradingDayTools, grantTools, NotFoundError, tradingDayStore, UnknownToolError } from "#tools";
import { DEFAULT_TOLERANCES, reconcileDay, type TradingDay, usdRatesOf } from "#trading";
import { confirmationOf, dayOf, INSTRUMENTS, priceOf, trade } from "../fixtures/trading.ts";

// Factories -------------------------------------------------------------------------------

/**
 * A canonical day: an amended equity trade confirmed in two fills (one by reference, one by
 * economics), an EURUSD trade confirmed in the inverse pair, a cancelled trade and its rebooking,
 * a stray confirmation for another account, and closes of two sources for the equity.
 */
function aTradingDay() {
  const amended = trade({
    version: 2,
    status: "AMENDED",
    quantity: 1000,
    price: 101,
    updatedAt: "2026-11-24T16:00:00Z",
    versions: [
      { version: 1, validFrom: "2026-11-24T14:30:00Z", validTo: "2026-11-24T16:00:00Z", price: 100 },
    ],
  });
  const byRef = confirmationOf(amended, { quantity: 600, price: 101.1 });
  const { tradeRef: _, ...byEconomics } = confirmationOf(amended, { quantity: 400, price: 100.85 });
  const fx = trade({
    instrumentId: "EURUSD",
    quantity: 1_000_000,
    price: 1.085,
    currency: "USD",
    settleDate: "2026-11-27",
  });
  // The broker quotes USD/EUR: it sells 1,085,000 USD at 0.921659 EUR per USD (we buy EUR).
  const inverse = confirmationOf(fx, {
    instrumentId: "USD/EUR",
    side: "SELL",
    quantity: 1_085_000,
    price: 1 / 1.085,
    currency: "EUR",
    counterAmount: 1_000_000,
  });
  const cancelled = trade({
    status: "CANCELLED",
    version: 2,
    bookedAt: "2026-11-24T10:00:00Z",
    quantity: 50,
  });
  const rebooked = trade({ bookedAt: "2026-11-24T11:00:00Z", quantity: 50 });
  const stray = confirmationOf(rebooked, { tradeRef: undefined, account: "ACC-002" });
  const prices = [
    priceOf(INSTRUMENTS.equity.instrumentId, "2026-11-20T21:00:00Z", 99.5),
    { ...priceOf(INSTRUMENTS.equity.instrumentId, "2026-11-19T21:00:00Z", 99), source: "SECOND" },
    priceOf("EURUSD", "2026-11-24T21:00:00Z", 1.085),
  ];
  const day = dayOf([amended, fx, cancelled, rebooked], [byRef, byEconomics, inverse, stray], prices);
  return { day, amended, byRef, byEconomics, fx, inverse, cancelled, rebooked, stray };
}

const dayTools = (day: TradingDay) => createTradingDayTools(tradingDayStore(day));

describe("trading-day lookups", () => {
  const fixture = aTradingDay();
  const tools = dayTools(fixture.day);

  it("get_trade returns the current version, its notional, and every earlier version complete", async () => {
    // Act
    const found = await tools.get_trade.invoke({ tradeId: fixture.amended.tradeId });
    // Assess
    expect(found).toMatchObject({
      version: 2,
      status: "AMENDED",
      price: 101,
      notional: 101_000,
      notionalCurrency: "USD",
      instrumentType: "EQUITY",
    });
    expect(found.earlierVersions).toEqual([
      {
        version: 1,
        current: false,
        side: "BUY",
        quantity: 1000,
        price: 100,
        currency: "USD",
        tradeDate: "2026-11-24",
        settleDate: "2026-11-25",
        validFrom: "2026-11-24T14:30:00Z",
        validTo: "2026-11-24T16:00:00Z",
      },
    ]);
  });

  it("get_confirmations returns every confirmation the matcher paired, how, and their VWAP", async () => {
    // Act
    const found = await tools.get_confirmations.invoke({ tradeId: fixture.amended.tradeId });
    // Assess
    expect(found.confirmations.map((c) => [c.confirmationId, c.pairedBy])).toEqual(
      expect.arrayContaining([
        [fixture.byRef.confirmationId, "reference"],
        [fixture.byEconomics.confirmationId, "economics"],
      ]),
    );
    expect(found.confirmed).toMatchObject({ fills: 2, quantity: 1000, side: "BUY", currency: "USD" });
    expect(found.confirmed?.price).toBeCloseTo(101, 9);
  });

  it("get_confirmations states an inverse FX quote in our terms", async () => {
    // Act
    const found = await tools.get_confirmations.invoke({ tradeId: fixture.fx.tradeId });
    // Assess
    const [c] = found.confirmations;
    expect(c).toMatchObject({
      instrumentId: "EURUSD",
      quotedInstrumentId: "USD/EUR",
      inverted: true,
      side: "BUY",
      quantity: 1_000_000,
      currency: "USD",
      counterAmount: 1_085_000,
    });
    expect(c?.price).toBeCloseTo(1.085, 9);
  });

  it("get_confirmation finds a confirmation by id, paired with nothing", async () => {
    // Act
    const found = await tools.get_confirmation.invoke({ confirmationId: fixture.stray.confirmationId });
    const paired = await tools.get_confirmation.invoke({ confirmationId: fixture.byRef.confirmationId });
    // Assess
    expect(found).toMatchObject({ account: "ACC-002", pairedWith: null });
    expect(paired.pairedWith).toEqual({ tradeId: fixture.amended.tradeId, pairedBy: "reference" });
  });

  it("get_instrument resolves any id, the inverse pair included, with its calendar", async () => {
    // Act
    const byTicker = await tools.get_instrument.invoke({ instrumentId: "AAPL" });
    const inverse = await tools.get_instrument.invoke({ instrumentId: "USDEUR" });
    // Assess
    expect(byTicker).toMatchObject({
      instrumentId: "US0378331005",
      type: "EQUITY",
      calendar: "XNYS",
      inverted: false,
    });
    expect(inverse).toMatchObject({ instrumentId: "EURUSD", inverted: true, calendar: ["TARGET", "US"] });
  });

  it("get_market_price dates the close and counts its age in business days of the instrument's calendar", async () => {
    // Act
    const equity = await tools.get_market_price.invoke({ instrumentId: "US0378331005" });
    const fx = await tools.get_market_price.invoke({ instrumentId: "EURUSD" });
    // Assess: Friday 20 Nov to Tuesday 24 Nov is two NYSE business days.
    expect(equity).toMatchObject({
      price: 99.5,
      source: "VENDOR",
      priceDate: "2026-11-20",
      businessDate: "2026-11-24",
      ageBusinessDays: 2,
      stale: true,
      expectedCloseDate: "2026-11-24",
      marketOpenOnBusinessDate: true,
      sources: ["VENDOR", "SECOND"],
    });
    expect(fx).toMatchObject({ ageBusinessDays: 0, stale: false, sources: ["VENDOR"] });
  });

  it("get_market_price does not count a market holiday: a Wednesday close is fresh on Thanksgiving Friday", async () => {
    // Prepare
    const t = trade({ tradeDate: "2026-11-27", settleDate: "2026-11-30" });
    const day = dayOf(
      [t],
      [confirmationOf(t)],
      [priceOf(INSTRUMENTS.equity.instrumentId, "2026-11-25T21:00:00Z")],
      "2026-11-27",
    );
    // Act
    const found = await dayTools(day).get_market_price.invoke({ instrumentId: "AAPL" });
    // Assess: the 26th is no NYSE business day, so the 27th is the first after the 25th.
    expect(found).toMatchObject({ ageBusinessDays: 1, stale: true, expectedCloseDate: "2026-11-27" });
  });

  it("get_settlement_convention gives the conventional date on the real calendars, and the rule", async () => {
    // Prepare
    const t = trade({ tradeDate: "2026-11-25", settleDate: "2026-11-26" });
    const day = dayOf([t], [confirmationOf(t)], undefined, "2026-11-25");
    // Act
    const found = await dayTools(day).get_settlement_convention.invoke({ tradeId: t.tradeId });
    // Assess
    expect(found).toMatchObject({
      rule: "US equities T+1 (since 2024-05-28)",
      lagDays: 1,
      conventionalSettleDate: "2026-11-27",
      bookedSettleDate: "2026-11-26",
    });
  });
});

describe("find_similar_trades", () => {
  const fixture = aTradingDay();
  const tools = dayTools(fixture.day);

  it("finds a trade's twins, with their status and whether they are confirmed, and unpaired look-alikes", async () => {
    // Act
    const found = await tools.find_similar_trades.invoke({ tradeId: fixture.rebooked.tradeId });
    // Assess
    expect(found.twins).toEqual([
      expect.objectContaining({
        tradeId: fixture.cancelled.tradeId,
        status: "CANCELLED",
        confirmed: false,
        differs: [],
      }),
    ]);
    expect(found.near.map((t) => [t.tradeId, t.differs])).toEqual([[fixture.amended.tradeId, ["quantity"]]]);
    expect(found.unpairedConfirmations).toEqual([
      expect.objectContaining({ confirmationId: fixture.stray.confirmationId, differs: ["account"] }),
    ]);
  });

  it("finds the booking a confirmation is one field away from", async () => {
    // Act
    const found = await tools.find_similar_trades.invoke({ confirmationId: fixture.stray.confirmationId });
    // Assess
    expect(found.subject).toMatchObject({ kind: "confirmation", account: "ACC-002", quantity: 50 });
    expect(found.near.map((t) => [t.tradeId, t.differs])).toEqual([
      [fixture.cancelled.tradeId, ["account"]],
      [fixture.rebooked.tradeId, ["account"]],
    ]);
    expect(found.twins).toEqual([]);
  });

  it("takes exactly one of tradeId and confirmationId", async () => {
    // Act + Assess
    await expect(tools.find_similar_trades.invoke({})).rejects.toThrow(
      /exactly one of tradeId, confirmationId/,
    );
    await expect(
      tools.find_similar_trades.invoke({
        tradeId: fixture.fx.tradeId,
        confirmationId: fixture.stray.confirmationId,
      }),
    ).rejects.toThrow(/exactly one/);
  });
});

describe("trading-day search_breaks", () => {
  const fixture = aTradingDay();
  const tools = dayTools(fixture.day);
  const all = reconcileDay(fixture.day, DEFAULT_TOLERANCES).breaks;

  it("finds what reconcileDay finds over the whole day, filtered", async () => {
    // Act
    const everything = await tools.search_breaks.invoke({});
    const stale = await tools.search_breaks.invoke({ categories: ["STALE_PRICE"] });
    const ofTrade = await tools.search_breaks.invoke({ tradeIds: [fixture.amended.tradeId], limit: 1 });
    // Assess
    expect(everything).toMatchObject({ businessDate: "2026-11-24", count: all.length, breaks: all });
    expect(stale.breaks).toEqual(all.filter((b) => b.category === "STALE_PRICE"));
    expect(stale.categories).toEqual({ STALE_PRICE: 1 });
    const mine = all.filter((b) => b.tradeIds.includes(fixture.amended.tradeId));
    expect(ofTrade.count).toBe(mine.length);
    expect(ofTrade.breaks).toEqual(mine.slice(0, 1));
  });
});

describe("trading-day tools: errors and allowlists", () => {
  const fixture = aTradingDay();
  const tools = dayTools(fixture.day);

  it.each([
    ["get_trade", () => tools.get_trade.invoke({ tradeId: "T404" }), "trade"],
    ["get_confirmations", () => tools.get_confirmations.invoke({ tradeId: "T404" }), "trade"],
    ["get_confirmation", () => tools.get_confirmation.invoke({ confirmationId: "C404" }), "confirmation"],
    ["get_instrument", () => tools.get_instrument.invoke({ instrumentId: "XX0000000000" }), "instrument"],
    [
      "get_market_price",
      () => tools.get_market_price.invoke({ instrumentId: INSTRUMENTS.gilt.instrumentId }),
      "market price",
    ],
    ["get_settlement_convention", () => tools.get_settlement_convention.invoke({ tradeId: "T404" }), "trade"],
    [
      "find_similar_trades",
      () => tools.find_similar_trades.invoke({ confirmationId: "C404" }),
      "confirmation",
    ],
    ["search_breaks", () => tools.search_breaks.invoke({ tradeIds: ["T404"] }), "trade"],
  ])("%s raises NotFoundError with code Tools.NotFound", async (_tool, call, entity) => {
    // Act
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: "Tools.NotFound", entity });
  });

  it.each([
    ["an empty trade id", () => tools.get_trade.invoke({ tradeId: "  " }), /tradeId must not be empty/],
    [
      "an unknown category",
      () => tools.search_breaks.invoke({ categories: ["FAT_FINGER" as "STALE_PRICE"] }),
      /categories/,
    ],
    ["a limit of 0", () => tools.search_breaks.invoke({ limit: 0 }), /limit/],
  ])("refuses %s with a message naming the field", async (_label, call, message) => {
    // Act + Assess
    await expect(call()).rejects.toThrow(message);
  });

  it("grants exactly the tools named, the same objects, and refuses a name the set does not have", () => {
    // Act
    const granted = grantTools(tools, ["get_trade", "get_market_price"]);
    // Assess
    expect(Object.keys(granted).sort()).toEqual(["get_market_price", "get_trade"]);
    expect(granted.get_trade).toBe(tools.get_trade);
    expect(() => grantTools(tools, ["get_trade", "delete_trade" as "get_trade"])).toThrow(UnknownToolError);
    expect(() => grantTools(tools, ["toString" as "get_trade"])).toThrow(/No tool "toString"/);
  });

  it("builds one store per day and returns copies: editing a result changes nothing", async () => {
    // Prepare
    const store = tradingDayStore(fixture.day);
    const first = await tools.get_trade.invoke({ tradeId: fixture.amended.tradeId });
    // Act
    (first as { price: number }).price = -1;
    const again = await tools.get_trade.invoke({ tradeId: fixture.amended.tradeId });
    // Assess
    expect(tradingDayStore(fixture.day)).toBe(store);
    expect(again.price).toBe(101);
  });
});

/**
 * A day for the exposure tools: the equity bought and partly sold by one desk (and a cancelled
 * buy that holds nothing), two FX positions and a EUR bond on other desks, and a gilt with no
 * close whose currency no FX close prices against the dollar.
 */
function anExposureDay() {
  const desk = "Cash Equities";
  const trades = [
    trade({ desk, quantity: 1000, price: 100 }),
    trade({ desk, side: "SELL", quantity: 400, price: 101, status: "AMENDED", version: 2 }),
    trade({ desk, quantity: 50, status: "CANCELLED", version: 2 }),
    trade({
      desk: "FX",
      instrumentId: "EURUSD",
      quantity: 1_000_000,
      price: 1.085,
      settleDate: "2026-11-27",
    }),
    trade({
      desk: "FX",
      instrumentId: "USDJPY",
      side: "SELL",
      quantity: 2_000_000,
      price: 150,
      currency: "JPY",
      settleDate: "2026-11-27",
    }),
    trade({
      desk: "Credit",
      instrumentId: INSTRUMENTS.corp.instrumentId,
      quantity: 1_000_000,
      price: 99,
      currency: "EUR",
    }),
    trade({
      desk: "Credit",
      instrumentId: INSTRUMENTS.gilt.instrumentId,
      quantity: 500_000,
      price: 101,
      currency: "GBP",
    }),
  ];
  const prices = [
    priceOf(INSTRUMENTS.equity.instrumentId, "2026-11-24T21:00:00Z", 99.5),
    priceOf("EURUSD", "2026-11-24T21:00:00Z", 1.08),
    { ...priceOf("USDJPY", "2026-11-24T21:00:00Z", 150), currency: "JPY" },
    { ...priceOf(INSTRUMENTS.corp.instrumentId, "2026-11-24T17:00:00Z", 98.5), currency: "EUR" },
  ];
  return dayOf(
    trades,
    trades.map((t) => confirmationOf(t)),
    prices,
  );
}

describe("exposure tools", () => {
  const day = anExposureDay();
  const tools = dayTools(day);

  it("get_usd_rate reads dollars per unit from the day's FX closes, either way round", async () => {
    // Act
    const [usd, eur, jpy, gbp] = await Promise.all(
      ["USD", "eur", "JPY", "GBP"].map((currency) => tools.get_usd_rate.invoke({ currency })),
    );
    // Assess
    expect(usd).toEqual({ currency: "USD", usdPerUnit: 1, pair: null, priceDate: null });
    expect(eur).toEqual({ currency: "EUR", usdPerUnit: 1.08, pair: "EURUSD", priceDate: "2026-11-24" });
    expect(jpy?.usdPerUnit).toBeCloseTo(1 / 150, 12);
    expect(gbp).toEqual({ currency: "GBP", usdPerUnit: null, pair: null, priceDate: null });
    expect(usdRatesOf(day)).toEqual({ USD: 1, EUR: 1.08, JPY: 1 / 150 });
  });

  it("get_position nets a desk's active trades and values them at the latest close, in dollars", async () => {
    // Act
    const held = await tools.get_position.invoke({ desk: "Cash Equities", instrumentId: "AAPL" });
    const flat = await tools.get_position.invoke({ desk: "Credit", instrumentId: "US0378331005" });
    // Assess: 1,000 bought, 400 sold, the cancelled 50 ignored; 600 at the 99.5 close.
    expect(held).toMatchObject({
      instrumentId: "US0378331005",
      netQuantity: 600,
      bought: 1000,
      sold: 400,
      trades: 2,
      valuation: { price: 99.5, source: "close", priceDate: "2026-11-24" },
      marketValue: 59_700,
      valueCurrency: "USD",
      marketValueUsd: 59_700,
    });
    expect(flat).toMatchObject({ netQuantity: 0, trades: 0, marketValueUsd: 0 });
  });

  it("get_desk_exposure sums absolute position values in dollars, short positions included", async () => {
    // Act
    const fx = await tools.get_desk_exposure.invoke({ desk: "FX" });
    const credit = await tools.get_desk_exposure.invoke({ desk: "Credit" });
    // Assess: +1M EUR at 1.08, −2M USD; the bond 985,000 EUR at 1.08; the gilt at face, booked price.
    expect(fx).toMatchObject({ positions: 2, grossUsd: 3_080_000, netUsd: -920_000 });
    expect(fx.largest.map((p) => [p.instrumentId, p.marketValueUsd])).toEqual([
      ["USDJPY", -2_000_000],
      ["EURUSD", 1_080_000],
    ]);
    expect(credit).toMatchObject({
      grossUsd: 1_063_800 + 505_000,
      valuedAtBookedPrice: [INSTRUMENTS.gilt.instrumentId],
      currenciesWithoutUsdRate: ["GBP"],
    });
  });

  it.each([
    ["an unknown desk", () => tools.get_desk_exposure.invoke({ desk: "Nowhere" }), "desk"],
    [
      "an unknown instrument",
      () => tools.get_position.invoke({ desk: "FX", instrumentId: "XX0000000000" }),
      "instrument",
    ],
  ])("refuses %s with NotFoundError", async (_label, call, entity) => {
    // Act + Assess
    await expect(call()).rejects.toMatchObject({ code: "Tools.NotFound", entity });
  });

  it("refuses a currency that is not an ISO 4217 code, naming the field", async () => {
    // Act + Assess
    await expect(tools.get_usd_rate.invoke({ currency: "EURO" })).rejects.toThrow(/currency must be/);
  });

  it("answers a model's tool call with a ToolMessage carrying JSON", async () => {
    // Act
    const message = await tools.get_position.invoke({
      type: "tool_call",
      id: "call-1",
      name: "get_position",
      args: { desk: "FX", instrumentId: "EUR/USD" },
    });
    // Assess
    expect(message).toBeInstanceOf(ToolMessage);
    expect(JSON.parse(String(message.content))).toMatchObject({
      instrumentId: "EURUSD",
      netQuantity: 1_000_000,
    });
  });
});
