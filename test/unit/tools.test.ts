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
  createTradingTools,
  NotFoundError,
  type TradeDataStore,
  toolsFor,
  tradeDayStore,
  UnknownAgentError,
} from "#tools";

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

// Tests -----------------------------------------------------------------------------------

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
