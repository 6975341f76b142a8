import { ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import {
  type Confirmation,
  type DeskLimit,
  detectBreaks,
  generateTradeDay,
  type Instrument,
  type MarketPrice,
  type Position,
  type Trade,
  type TradeDay,
} from "#data";
import {
  AGENT_TOOLS,
  type AgentName,
  createTradingDayTools,
  createTradingTools,
  NotFoundError,
  TRADING_DAY_AGENT_TOOLS,
  type TradeDataStore,
  type TradingDayAgentName,
  toolsFor,
  tradeDayStore,
  tradingDayStore,
  tradingDayToolsFor,
  UnknownAgentError,
} from "#tools";
import { DEFAULT_TOLERANCES, reconcileDay, type TradingDay } from "#trading";
import { confirmationOf, dayOf, INSTRUMENTS, priceOf, trade } from "../fixtures/trading.ts";

// Factories -------------------------------------------------------------------------------

const EQUITY = "US0378331005";
const EUR_BOND = "XS1234567890";

const anInstrument = (overrides: Partial<Instrument> = {}): Instrument => ({
  instrumentId: EQUITY,
  symbol: "AAPL.US",
  assetClass: "equity",
  currency: "USD",
  priceFactor: 1,
  priceDecimals: 4,
  lotSize: 1,
  ...overrides,
});

const aTrade = (overrides: Partial<Trade> = {}): Trade => ({
  tradeId: "T1",
  bookedAt: "2026-11-24T09:00:00.000Z",
  account: "CEQ-001",
  desk: "Cash Equities",
  instrumentId: EQUITY,
  assetClass: "equity",
  side: "BUY",
  quantity: 1000,
  price: 50,
  currency: "USD",
  tradeDate: "2026-11-24",
  settleDate: "2026-11-25",
  counterparty: "CP001",
  ssi: "CITIUS33 1111-222222",
  ...overrides,
});

const aConfirmation = (trade: Trade, overrides: Partial<Confirmation> = {}): Confirmation => ({
  confirmationId: `CP001-C${trade.tradeId}`,
  tradeRef: trade.tradeId,
  counterparty: trade.counterparty,
  instrumentId: trade.instrumentId,
  side: trade.side,
  quantity: trade.quantity,
  price: trade.price,
  currency: trade.currency,
  tradeDate: trade.tradeDate,
  settleDate: trade.settleDate,
  ssi: trade.ssi,
  receivedAt: "2026-11-24T09:30:00.000Z",
  ...overrides,
});

const aPrice = (instrumentId: string, price: number, asOf = "2026-11-24T21:00:00.000Z"): MarketPrice => ({
  instrumentId,
  price,
  currency: "USD",
  asOf,
  source: "VENDOR-EOD",
});

/** A hand-made day: two trades (one unconfirmed), an equity and a EUR bond, one desk limit. */
function aTradeDay(overrides: Partial<TradeDay> = {}): TradeDay {
  const confirmed = aTrade();
  const unconfirmed = aTrade({
    tradeId: "T2",
    desk: "Credit",
    instrumentId: EUR_BOND,
    assetClass: "bond",
    quantity: 1_000_000,
    price: 99.5,
    currency: "EUR",
    counterparty: "CP002",
  });
  const positions: Position[] = [
    { desk: "Cash Equities", instrumentId: EQUITY, quantity: 3000, notionalUsd: 150_000 },
  ];
  const limits: DeskLimit[] = [
    { desk: "Cash Equities", grossNotionalLimitUsd: 1_000_000, singleTradeLimitUsd: 500_000 },
    { desk: "Credit", grossNotionalLimitUsd: 50_000_000, singleTradeLimitUsd: 10_000_000 },
  ];
  return {
    spec: { seed: 0, trades: 2, date: "2026-11-24", breakRate: 0 },
    asOf: "2026-11-24T22:00:00.000Z",
    instruments: [
      anInstrument(),
      anInstrument({
        instrumentId: EUR_BOND,
        symbol: "BD1",
        assetClass: "bond",
        currency: "EUR",
        priceFactor: 0.01,
      }),
    ],
    counterparties: [],
    desks: [],
    trades: [confirmed, unconfirmed],
    confirmations: [aConfirmation(confirmed)],
    prices: [aPrice(EQUITY, 50.2), aPrice(EUR_BOND, 99.4, "2026-11-20T22:00:00.000Z")],
    positions,
    limits,
    ...overrides,
  };
}

const toolsOver = (store: TradeDataStore) => createTradingTools(store);

// Tests: the tools over a generated #data day (triage's) -----------------------------------

describe("lookup tools", () => {
  it("get_trade returns the booking with its USD notional", async () => {
    // Prepare
    const tools = toolsOver(tradeDayStore(aTradeDay()));
    // Act
    const equity = await tools.get_trade.invoke({ tradeId: "T1" });
    const bond = await tools.get_trade.invoke({ tradeId: "T2" });
    // Assess: bonds are quoted per 100 of face and EUR converts at 1.08.
    expect(equity).toMatchObject({ tradeId: "T1", notionalUsd: 50_000, instrumentSymbol: "AAPL.US" });
    expect(bond.notionalUsd).toBe(Math.round(1_000_000 * 0.995 * 1.08));
  });

  it("get_confirmation returns the broker's confirmation, or null when none arrived", async () => {
    // Prepare
    const tools = toolsOver(tradeDayStore(aTradeDay()));
    // Act
    const confirmed = await tools.get_confirmation.invoke({ tradeId: "T1" });
    const unconfirmed = await tools.get_confirmation.invoke({ tradeId: "T2" });
    // Assess
    expect(confirmed.confirmation?.confirmationId).toBe("CP001-CT1");
    expect(unconfirmed).toEqual({ tradeId: "T2", confirmation: null });
  });

  it("get_market_price reports the price's age at valuation time", async () => {
    // Prepare
    const tools = toolsOver(tradeDayStore(aTradeDay()));
    // Act
    const fresh = await tools.get_market_price.invoke({ instrumentId: EQUITY });
    const old = await tools.get_market_price.invoke({ instrumentId: EUR_BOND });
    // Assess
    expect(fresh).toMatchObject({ price: 50.2, ageHours: 1, assetClass: "equity" });
    expect(old).toMatchObject({ ageHours: 96, priceFactor: 0.01 });
  });

  it("get_position returns the desk's holding, flat when it holds none", async () => {
    // Prepare
    const tools = toolsOver(tradeDayStore(aTradeDay()));
    // Act
    const held = await tools.get_position.invoke({ desk: "Cash Equities", instrumentId: EQUITY });
    const flat = await tools.get_position.invoke({ desk: "Credit", instrumentId: EQUITY });
    // Assess
    expect(held.quantity).toBe(3000);
    expect(flat).toEqual({ desk: "Credit", instrumentId: EQUITY, quantity: 0, notionalUsd: 0 });
  });

  it("returns plain JSON copies: editing a result does not change the data", async () => {
    // Prepare
    const tools = toolsOver(tradeDayStore(aTradeDay()));
    const first = (await tools.get_trade.invoke({ tradeId: "T1" })) as { quantity: number };
    // Act
    first.quantity = -1;
    const again = await tools.get_trade.invoke({ tradeId: "T1" });
    // Assess
    expect(again.quantity).toBe(1000);
    expect(JSON.parse(JSON.stringify(again))).toEqual(again);
  });

  it("answers a model's tool call with a ToolMessage carrying JSON", async () => {
    // Prepare
    const tools = toolsOver(tradeDayStore(aTradeDay()));
    // Act
    const message = await tools.get_trade.invoke({
      type: "tool_call",
      id: "call-1",
      name: "get_trade",
      args: { tradeId: "T1" },
    });
    // Assess
    expect(message).toBeInstanceOf(ToolMessage);
    expect(JSON.parse(String(message.content)).tradeId).toBe("T1");
  });
});

describe("check_limit", () => {
  it("measures headroom and flags gross and single-trade breaches", async () => {
    // Prepare
    const tools = toolsOver(tradeDayStore(aTradeDay()));
    // Act
    const none = await tools.check_limit.invoke({ desk: "Cash Equities" });
    const within = await tools.check_limit.invoke({ desk: "Cash Equities", additionalNotionalUsd: 400_000 });
    const large = await tools.check_limit.invoke({ desk: "Cash Equities", additionalNotionalUsd: 600_000 });
    const over = await tools.check_limit.invoke({ desk: "Cash Equities", additionalNotionalUsd: 900_000 });
    // Assess
    expect(none).toMatchObject({ usedUsd: 150_000, headroomUsd: 850_000, wouldBreach: false });
    expect(within).toMatchObject({
      wouldBreach: false,
      exceedsSingleTradeLimit: false,
      utilizationAfter: 0.55,
    });
    expect(large).toMatchObject({ wouldBreach: false, exceedsSingleTradeLimit: true });
    expect(over).toMatchObject({ wouldBreach: true, exceedsSingleTradeLimit: true });
  });
});

describe("search_breaks", () => {
  const generated = generateTradeDay({ trades: 2000 });
  const tools = toolsOver(tradeDayStore(generated.day));

  it("finds what the detector finds over the whole day", async () => {
    // Act
    const result = await tools.search_breaks.invoke({});
    // Assess
    expect(result.tradesScanned).toBe(2000);
    expect(result.breaks).toEqual(detectBreaks(generated.day));
    expect(result.count).toBe(generated.groundTruth.length);
  });

  it("filters by desk, counterparty and kind", async () => {
    // Prepare
    const all = detectBreaks(generated.day);
    // Act
    const rates = await tools.search_breaks.invoke({ desk: "Rates" });
    const cp = await tools.search_breaks.invoke({ counterparty: "CP003", kinds: ["missing_confirmation"] });
    // Assess
    expect(rates.breaks).toEqual(all.filter((b) => b.desk === "Rates"));
    expect(rates.tradesScanned).toBe(generated.day.trades.filter((t) => t.desk === "Rates").length);
    expect(cp.breaks).toEqual(
      all.filter((b) => b.counterparty === "CP003" && b.kind === "missing_confirmation"),
    );
  });

  it("still recognises a duplicate when the filter holds only its second booking", async () => {
    // Prepare
    const duplicate = generated.groundTruth.find((b) => b.kind === "duplicate_booking");
    const secondBooking = duplicate?.tradeIds[1] as string;
    // Act
    const result = await tools.search_breaks.invoke({ tradeIds: [secondBooking] });
    // Assess
    expect(result.tradesScanned).toBe(1);
    expect(result.breaks.map((b) => b.kind)).toEqual(["duplicate_booking"]);
  });

  it("applies tolerances given in the call", async () => {
    // Act
    const strict = await tools.search_breaks.invoke({
      kinds: ["price_outside_tolerance"],
      tolerances: { priceBps: 0 },
    });
    const usual = await tools.search_breaks.invoke({ kinds: ["price_outside_tolerance"] });
    // Assess
    expect(strict.count).toBeGreaterThan(usual.count);
  });
});

describe("input validation", () => {
  const tools = toolsOver(tradeDayStore(aTradeDay()));

  it.each([
    [
      "get_trade with a numeric id",
      () => tools.get_trade.invoke({ tradeId: 5 as unknown as string }),
      /tradeId/,
    ],
    [
      "get_trade with an empty id",
      () => tools.get_trade.invoke({ tradeId: "" }),
      /tradeId must not be empty/,
    ],
    [
      "get_market_price with a ticker",
      () => tools.get_market_price.invoke({ instrumentId: "AAPL" }),
      /instrumentId must be an ISIN/,
    ],
    [
      "check_limit with a negative exposure",
      () => tools.check_limit.invoke({ desk: "Credit", additionalNotionalUsd: -5 }),
      /additionalNotionalUsd must be zero or more/,
    ],
    [
      "search_breaks with an unknown kind",
      () => tools.search_breaks.invoke({ kinds: ["fat_finger" as "stale_price"] }),
      /kinds/,
    ],
  ])("rejects %s with a message naming the field", async (_label, call, message) => {
    // Act + Assess
    await expect(call()).rejects.toThrow(message);
  });
});

describe("unknown ids", () => {
  const tools = toolsOver(tradeDayStore(aTradeDay()));

  it.each([
    ["get_trade", () => tools.get_trade.invoke({ tradeId: "T404" }), "trade"],
    ["get_confirmation", () => tools.get_confirmation.invoke({ tradeId: "T404" }), "trade"],
    [
      "get_market_price",
      () => tools.get_market_price.invoke({ instrumentId: "GB0002634946" }),
      "market price",
    ],
    ["get_position", () => tools.get_position.invoke({ desk: "Nowhere", instrumentId: EQUITY }), "desk"],
    ["check_limit", () => tools.check_limit.invoke({ desk: "Nowhere" }), "desk"],
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
});

describe("toolsFor", () => {
  const tools = toolsOver(tradeDayStore(aTradeDay()));

  it("gives each agent exactly its allowlisted tools", () => {
    for (const agent of Object.keys(AGENT_TOOLS) as AgentName[]) {
      // Act
      const granted = toolsFor(agent, tools);
      // Assess
      expect(Object.keys(granted).sort()).toEqual([...AGENT_TOOLS[agent]].sort());
      for (const [name, granted_] of Object.entries(granted))
        expect(granted_).toBe(tools[name as keyof typeof tools]);
    }
    expect(Object.keys(toolsFor("risk", tools))).not.toContain("search_breaks");
  });

  it("refuses an agent without an allowlist", () => {
    // Act + Assess
    expect(() => toolsFor("trader" as AgentName, tools)).toThrow(UnknownAgentError);
    expect(() => toolsFor("trader" as AgentName, tools)).toThrow(/known agents: detector, classifier/);
  });
});

// Tests: the trading-day tools over a canonical #trading day (the investigation's) ---------

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

  it("gives each agent exactly its allowlisted tools, and refuses an agent without one", () => {
    for (const agent of Object.keys(TRADING_DAY_AGENT_TOOLS) as TradingDayAgentName[]) {
      // Act
      const granted = tradingDayToolsFor(agent, tools);
      // Assess
      expect(Object.keys(granted).sort()).toEqual([...TRADING_DAY_AGENT_TOOLS[agent]].sort());
    }
    expect(() => tradingDayToolsFor("trader" as TradingDayAgentName, tools)).toThrow(UnknownAgentError);
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
