import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, MemorySaver } from "@langchain/langgraph";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { offlinePolicies } from "#models";
import { bindEffectsLedger, type EffectsLedger, inMemoryEffectsLedger } from "#tools";
import {
  type BreakCategory,
  type Confirmation,
  DEFAULT_TOLERANCES,
  generatedDayRef,
  type MarketPrice,
  openDay,
  reconcileDay,
  type Trade,
  type TradingDay,
} from "#trading";
import { writeDay } from "#trading/generate";
import {
  AGENT_DOWN_QUEUE,
  AGENT_RUNS_KEPT,
  type ApprovalDecision,
  AUTO_FIX_APPROVER,
  AUTO_FIX_MAX_USD,
  type ClassifiedBreak,
  COMPLIANCE_QUEUE,
  DEFAULT_DESK_LIMIT,
  DESK_LIMITS,
  decideRoute,
  deskLimitOf,
  ESCALATION_QUEUES,
  escalateWhenDown,
  getWorkflow,
  severityOf,
  TriageInput,
  type TriageStateValue,
  triage,
  triageNodes,
  UnknownWorkflowError,
  workflows,
} from "#workflows";
import { triageExample } from "../../docs/examples/triage.ts";
import { confirmationOf, dayOf, INSTRUMENTS, priceOf, trade } from "../fixtures/trading.ts";

/**
 * Triage on the canonical trading day: each of the twelve break categories on a hand-built day
 * written to disk and read back through the loader, classified from the tools' facts and routed
 * to an auto-fix, a human approval or an escalation, with the offline policy model.
 */

// Factories -------------------------------------------------------------------------------

let ledger: EffectsLedger;
let unbind: () => void;
beforeEach(() => {
  ledger = inMemoryEffectsLedger();
  unbind = bindEffectsLedger(ledger);
});
afterEach(() => unbind());

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes a day in the canonical format to a folder of its own and returns its reference. */
async function written(day: TradingDay): Promise<{ uri: string }> {
  const dir = await mkdtemp(join(tmpdir(), "switchyard-triage-"));
  folders.push(dir);
  await writeDay(dir, day);
  return { uri: dir };
}

/** A day holding exactly the breaks of `categories` (checked with the matcher), written to disk. */
async function aDay(
  expected: readonly BreakCategory[],
  trades: Trade[],
  confirmations: Confirmation[],
  prices?: MarketPrice[],
): Promise<{ data: { uri: string }; day: TradingDay }> {
  const day = dayOf(trades, confirmations, prices);
  expect(reconcileDay(day, DEFAULT_TOLERANCES).breaks.map((b) => b.category)).toEqual(expected);
  return { data: await written(day), day };
}

let threads = 0;
type Interrupted = TriageStateValue & { __interrupt__?: { value: Record<string, unknown> }[] };

/** Runs the triage graph with a MemorySaver on a request; returns the app to resume it with. */
async function runTriage(request: Record<string, unknown> = {}) {
  const app = triage.graph.compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `triage-${++threads}` } };
  const state = (await app.invoke(triage.toState(TriageInput.parse(request)), config)) as Interrupted;
  const resume = async (decision: unknown) =>
    (await app.invoke(new Command({ resume: decision }), config)) as Interrupted;
  return { app, config, state, resume, waitingFor: state.__interrupt__?.[0]?.value };
}

const path = (state: TriageStateValue) => state.steps.map((s) => s.node);
const NETWORK = ["detect", "classify", "risk_check", "compliance_check"];
/** When the resume path stamped the answers below (the graph gets answers only stamped). */
const AT = "2026-11-24T15:00:00.000Z";
const JANE = {
  decision: "approve",
  by: "ops.jane",
  comment: "matches the broker's confirmation",
  at: AT,
} as const;
/** JANE's answer as she sends it: identity and time come from the resume path, never from her. */
const JANE_SAYS: ApprovalDecision = { decision: "approve", by: "ops.jane", comment: JANE.comment };
const EQUITY = INSTRUMENTS.equity.instrumentId;
/** The extra booking of the generated day's largest duplicate (seed 42, 2,000 trades): a cancellation, approved by a person. */
const DEFAULT_DAY_DUPLICATE = "T20261124-0001019";

/** Our price 103 against a broker's 100.05 and a close of 100: our booking error, proven. */
function ourPriceError(overrides: Partial<Trade> = {}) {
  const t = trade({ price: 103, ...overrides });
  return { t, trades: [t], confirmations: [confirmationOf(t, { price: 100.05 })] };
}

/** The fixture's close of the equity at `price`, and EURUSD at 1.08 so euros convert. */
const closes = (price = 100): MarketPrice[] => [
  priceOf(EQUITY, "2026-11-24T21:00:00Z", price),
  priceOf("EURUSD", "2026-11-24T21:00:00Z", 1.08),
];

// Tests -----------------------------------------------------------------------------------

describe("triage input", () => {
  it("accepts {}: the generated day's default exception", () => {
    // Act
    const input = TriageInput.parse({});
    // Assess
    expect(input).toEqual({});
    expect(triage.toState(input)).toEqual({
      source: { dataset: { seed: 42, trades: 2000, businessDate: "2026-11-24", breakRate: 0.03 } },
      request: {},
    });
  });

  it("takes a day by reference and one way of naming the exception", () => {
    // Act
    const byTrade = triage.toState(TriageInput.parse({ data: { uri: "day/" }, tradeId: " T000001 " }));
    const byId = triage.toState(TriageInput.parse({ breakId: "b", breaksUri: "runs/r/breaks.json" }));
    // Assess
    expect(byTrade).toEqual({ source: { data: { uri: "day/" } }, request: { tradeId: "T000001" } });
    expect(byId.request).toEqual({ breakId: "b", breaksUri: "runs/r/breaks.json" });
  });

  it.each([
    ["an unknown field", { exception: {} }, [""]],
    ["both data and dataset", { data: { uri: "x" }, dataset: {} }, ["dataset"]],
    ["two ways of naming the exception", { tradeId: "T1", breakId: "b", breaksUri: "u" }, ["tradeId"]],
    ["a breakId without its breaksUri", { breakId: "b" }, ["breaksUri"]],
    ["a breaksUri without a breakId", { breaksUri: "u" }, ["breakId"]],
    ["a trade id over 128 characters", { tradeId: "T".repeat(129) }, ["tradeId"]],
    ["an empty trade id", { tradeId: "  " }, ["tradeId"]],
    ["a break with a misspelt field", { break: { breakID: "x" } }, ["break"]],
    [
      "a bad generated day",
      { dataset: { trades: -5, businessDate: "2026-11-31" } },
      ["dataset.trades", "dataset.businessDate"],
    ],
    ["a data URI over the bound", { data: { uri: `s3://b/${"k".repeat(1_200)}` } }, ["data.uri"]],
  ])("refuses %s, naming the field", (_label, request, paths) => {
    // Act
    const parsed = TriageInput.safeParse(request);
    // Assess
    expect(parsed.success).toBe(false);
    const issued = [
      ...new Set(parsed.error?.issues.map((i) => String(i.path[0] === "break" ? "break" : i.path.join(".")))),
    ];
    expect(issued).toEqual(paths);
  });
});

describe("every category, from the tools' facts", () => {
  type Case = {
    category: BreakCategory;
    build: () => { trades: Trade[]; confirmations: Confirmation[]; prices?: MarketPrice[] };
    exceptionClass: ClassifiedBreak["exceptionClass"];
    route: "auto_fix" | "human_approval" | "escalate";
    fix?: string;
    queue?: string;
    nextAction?: RegExp;
  };
  const cases: Case[] = [
    {
      category: "PRICE_MISMATCH",
      build: () => ourPriceError(),
      exceptionClass: "booking_error",
      route: "auto_fix",
      fix: "amend_price",
    },
    {
      category: "QUANTITY_MISMATCH",
      build: () => {
        const t = trade({ quantity: 100 });
        return { trades: [t], confirmations: [confirmationOf(t, { quantity: 1000 })] };
      },
      exceptionClass: "booking_error",
      route: "human_approval",
      fix: "amend_quantity",
    },
    {
      category: "SIDE_MISMATCH",
      build: () => {
        const t = trade();
        return { trades: [t], confirmations: [confirmationOf(t, { side: "SELL" })] };
      },
      exceptionClass: "side_dispute",
      route: "escalate",
      queue: "Trade Support",
      nextAction:
        /^Escalate to Cash Equities: confirm the side of T\d+ with the trader \(we BUY, GSCO confirms SELL\)/,
    },
    {
      category: "CURRENCY_MISMATCH",
      build: () => {
        const uk = INSTRUMENTS.ukEquity.instrumentId;
        const t = trade({ instrumentId: uk, currency: "USD", settleDate: "2026-11-26" });
        return {
          trades: [t],
          confirmations: [confirmationOf(t, { currency: "GBP" })],
          prices: [{ ...priceOf(uk, "2026-11-24T16:30:00Z"), currency: "GBP" }],
        };
      },
      exceptionClass: "booking_error",
      route: "auto_fix",
      fix: "amend_currency",
    },
    {
      category: "SETTLE_DATE_MISMATCH",
      build: () => {
        const t = trade({ settleDate: "2026-11-27" });
        return { trades: [t], confirmations: [confirmationOf(t, { settleDate: "2026-11-25" })] };
      },
      exceptionClass: "booking_error",
      route: "auto_fix",
      fix: "amend_settle_date",
    },
    {
      category: "COUNTERPARTY_SSI_MISMATCH",
      build: () => {
        const t = trade();
        return { trades: [t], confirmations: [confirmationOf(t, { ssiId: "SSI-ACME-NEW" })] };
      },
      exceptionClass: "settlement_risk",
      route: "escalate",
      queue: COMPLIANCE_QUEUE,
      nextAction: /^Verify Acme Securities LLC's settlement instruction by call-back before 2026-11-25/,
    },
    {
      category: "MISSING_CONFIRMATION",
      build: () => ({ trades: [trade()], confirmations: [] }),
      exceptionClass: "unconfirmed",
      route: "escalate",
      queue: "Middle Office Confirmations",
      nextAction: /^Chase GSCO for a confirmation of T\d+/,
    },
    {
      category: "UNKNOWN_CONFIRMATION",
      build: () => {
        const t = trade();
        const { tradeRef: _, ...stray } = confirmationOf(t, { account: "ACC-404", quantity: 7 });
        return { trades: [t], confirmations: [confirmationOf(t), stray] };
      },
      exceptionClass: "unknown_trade",
      route: "escalate",
      queue: "Middle Office Confirmations",
      nextAction: /^DK C\d+ back to GSCO \(ref BR-\d+\): no open booking of ours is like it$/,
    },
    {
      category: "DUPLICATE_BOOKING",
      build: () => {
        const original = trade();
        const repeat = trade({ bookedAt: "2026-11-24T14:31:00Z" });
        return { trades: [original, repeat], confirmations: [confirmationOf(original)] };
      },
      exceptionClass: "duplicate_booking",
      route: "human_approval",
      fix: "cancel_booking",
    },
    {
      category: "CANCELLED_BUT_CONFIRMED",
      build: () => {
        const t = trade({ status: "CANCELLED", version: 2, updatedAt: "2026-11-24T15:00:00Z" });
        return { trades: [t], confirmations: [confirmationOf(t)] };
      },
      exceptionClass: "cancellation",
      route: "escalate",
      queue: "Middle Office Confirmations",
      nextAction: /^Confirm the cancellation with Cash Equities, then tell GSCO that T\d+ is cancelled/,
    },
    {
      category: "AMENDMENT_NOT_CONFIRMED",
      build: () => {
        const t = trade({
          version: 2,
          status: "AMENDED",
          price: 101,
          updatedAt: "2026-11-24T16:00:00Z",
          versions: [
            { version: 1, validFrom: "2026-11-24T14:30:00Z", validTo: "2026-11-24T16:00:00Z", price: 100 },
          ],
        });
        return { trades: [t], confirmations: [confirmationOf(t, { price: 100 })] };
      },
      exceptionClass: "unconfirmed",
      route: "escalate",
      queue: "Middle Office Confirmations",
      nextAction:
        /^Chase GSCO for an amended confirmation of T\d+ v2 \(price 100 → 101\); C\d+ confirms an earlier version$/,
    },
    {
      category: "STALE_PRICE",
      build: () => {
        const t = trade();
        return {
          trades: [t],
          confirmations: [confirmationOf(t)],
          prices: [priceOf(EQUITY, "2026-11-20T21:00:00Z")],
        };
      },
      exceptionClass: "market_data",
      route: "escalate",
      queue: "Market Data",
      nextAction: /^Re-request VENDOR's 2026-11-24 close for US0378331005 and revalue the 1 trade on it$/,
    },
  ];

  it("covers all twelve categories, each with an owning queue", () => {
    // Assess
    expect(cases.map((c) => c.category).sort()).toEqual(Object.keys(ESCALATION_QUEUES).sort());
  });

  it.each(cases)("$category → $exceptionClass, $route", async (c) => {
    // Prepare
    const { trades, confirmations, prices } = c.build();
    const { data } = await aDay([c.category], trades, confirmations, prices);
    // Act: the day's one break is its default exception
    const { state, waitingFor } = await runTriage({ data });
    // Assess
    expect(state.exception?.category).toBe(c.category);
    expect(state.classification).toMatchObject({ category: c.category, exceptionClass: c.exceptionClass });
    expect(state.classification?.evidence.length).toBeGreaterThan(0);
    if (c.route === "auto_fix") {
      expect(path(state)).toEqual([...NETWORK, "auto_fix", "report"]);
      expect(state.proposal?.action).toBe(c.fix);
      expect(state.effects).toHaveLength(1);
    } else if (c.route === "human_approval") {
      expect(waitingFor).toMatchObject({ proposal: { action: c.fix } });
      expect(state.effects).toEqual([]);
    } else {
      expect(path(state)).toEqual([...NETWORK, "escalate", "report"]);
      expect(state.classification?.fix).toBeNull();
      expect(state.escalation).toMatchObject({ category: c.category, queue: c.queue });
      expect(state.escalation?.nextAction).toMatch(c.nextAction ?? /./);
      expect(state.fixerMemory).toEqual([]);
      expect(await ledger.entries()).toEqual([]);
    }
  });
});

describe("triage routes", () => {
  it("auto-fixes our proven booking error: propose, approve under the mandate, apply once", async () => {
    // Prepare
    const { t, trades, confirmations } = ourPriceError();
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    // Act
    const { state } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(path(state)).toEqual([...NETWORK, "auto_fix", "report"]);
    expect(state.classification).toMatchObject({
      exceptionClass: "booking_error",
      faultSide: "internal",
      severity: "low",
      impactUsd: 103_000,
      fix: {
        action: "amend_price",
        tradeId: t.tradeId,
        changes: [{ field: "price", from: 103, to: 100.05 }],
      },
    });
    expect(state.classification?.evidence).toEqual(
      expect.arrayContaining([
        "booked 3.00% from the close, confirmed 0.05% (near = within 1.00% for EQUITY)",
      ]),
    );
    expect(state.compliance?.status).toBe("clear");
    expect(state.proposal).toMatchObject({ tradeId: t.tradeId, action: "amend_price" });
    expect(state.approval).toMatchObject({ decision: "approve", by: AUTO_FIX_APPROVER });
    expect(state.effects).toEqual([
      expect.objectContaining({ tool: "apply_amendment", idempotencyKey: state.approval?.approvalKey }),
    ]);
    expect((await ledger.entries()).map((e) => e.effect)).toEqual(state.effects);
    expect(state.triageReport).toMatchObject({ outcome: "amended", effectsApplied: 1, route: "auto_fix" });
  });

  it("waits for a person above the notional threshold, then applies the fix with their approval", async () => {
    // Prepare: 20,000 shares at 103: $2.06M
    const { t, trades, confirmations } = ourPriceError({ quantity: 20_000 });
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    // Act
    const run = await runTriage({ data, tradeId: t.tradeId });
    const entriesWhileWaiting = await ledger.entries();
    const done = await run.resume(JANE);
    // Assess
    expect(run.state.compliance?.reasons).toEqual([
      `$2,060,000 notional is at or over the four-eyes threshold of $${AUTO_FIX_MAX_USD.toLocaleString("en-US")}`,
    ]);
    expect(run.waitingFor).toMatchObject({
      question: `Apply amend price to ${t.tradeId} for PRICE_MISMATCH:${t.tradeId}:price?`,
      proposal: { tradeId: t.tradeId, action: "amend_price" },
      tool: "apply_amendment",
      approvalKey: expect.stringMatching(/^triage\.fixer:apply_amendment:/),
    });
    expect(entriesWhileWaiting).toEqual([]);
    expect(path(done)).toEqual([...NETWORK, "human_approval", "report"]);
    expect(done.approval).toMatchObject({ ...JANE_SAYS, approvalKey: run.waitingFor?.approvalKey });
    expect(done.effects.map((e) => e.idempotencyKey)).toEqual([run.waitingFor?.approvalKey]);
    expect(await ledger.entries()).toHaveLength(1);
    expect(done.triageReport).toMatchObject({ outcome: "amended", approvedBy: "ops.jane" });
  });

  it("escalates a rejected fix and applies nothing", async () => {
    // Prepare
    const { t, trades, confirmations } = ourPriceError({ quantity: 20_000 });
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    // Act
    const run = await runTriage({ data, tradeId: t.tradeId });
    const done = await run.resume({
      decision: "reject",
      by: "ops.jane",
      comment: "broker is re-sending",
      at: AT,
    });
    // Assess
    expect(path(done)).toEqual([...NETWORK, "human_approval", "escalate", "report"]);
    expect(done.approval).toMatchObject({ decision: "reject", by: "ops.jane" });
    expect(done.escalation).toMatchObject({
      queue: "Middle Office Confirmations",
      reason: "amendment rejected by ops.jane: broker is re-sending",
      account: "ACC-001",
    });
    expect(done.effects).toEqual([]);
    expect(await ledger.entries()).toEqual([]);
  });

  it("cancels a proven duplicate through cancel_rebook once approved", async () => {
    // Prepare
    const original = trade();
    const repeat = trade({ bookedAt: "2026-11-24T14:31:00Z" });
    const { data } = await aDay(["DUPLICATE_BOOKING"], [original, repeat], [confirmationOf(original)]);
    // Act
    const run = await runTriage({ data, tradeId: repeat.tradeId });
    const done = await run.resume({ decision: "approve", by: "ops.raj", at: AT });
    // Assess
    expect(run.state.compliance).toMatchObject({
      status: "approval_required",
      reasons: [
        "a duplicate booking needs a second person's sign-off",
        "cancelling a booking needs a second person",
      ],
    });
    expect(run.waitingFor).toMatchObject({
      tool: "cancel_rebook",
      proposal: {
        action: "cancel_booking",
        tradeId: repeat.tradeId,
        changes: [{ field: "status", from: "NEW", to: "CANCELLED" }],
      },
    });
    expect(done.effects).toEqual([
      expect.objectContaining({ tool: "cancel_rebook", tradeId: repeat.tradeId }),
    ]);
  });

  it("escalates the broker's error to the category's owners with the broker's correction, proposing nothing", async () => {
    // Prepare: ours at the close, the broker's 3% off it
    const t = trade({ price: 100.02 });
    const c = confirmationOf(t, { price: 97 });
    const { data } = await aDay(["PRICE_MISMATCH"], [t], [c]);
    // Act
    const { state } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(state.classification).toMatchObject({
      exceptionClass: "broker_error",
      faultSide: "broker",
      fix: null,
    });
    expect(state.escalation).toMatchObject({
      queue: "Middle Office Confirmations",
      nextAction: `Ask GSCO to correct ${c.confirmationId} from 97 to our 100.02 (close 100)`,
    });
    expect(state.fixerMemory).toEqual([]);
  });

  it("escalates when the facts do not tell which side is wrong: both prices near the close", async () => {
    // Prepare
    const t = trade({ price: 100 });
    const { data } = await aDay(
      ["PRICE_MISMATCH"],
      [t],
      [confirmationOf(t, { price: 100.2 })],
      closes(100.1),
    );
    // Act
    const { state } = await runTriage({ data });
    // Assess
    expect(state.classification).toMatchObject({
      exceptionClass: "disputed",
      faultSide: "unknown",
      fix: null,
    });
    expect(state.classification?.evidence).toContain(
      "undecided: both prices are near the close: it cannot tell an intraday price from a mistyped one",
    );
    expect(state.escalation?.nextAction).toMatch(/^Check T\d+'s execution price with Cash Equities and GSCO/);
  });

  it("escalates a quantity short of the booking as a fill outstanding, not a booking error", async () => {
    // Prepare
    const t = trade({ quantity: 1000 });
    const { data } = await aDay(["QUANTITY_MISMATCH"], [t], [confirmationOf(t, { quantity: 600 })]);
    // Act
    const { state } = await runTriage({ data });
    // Assess
    expect(state.classification).toMatchObject({ exceptionClass: "unconfirmed", fix: null });
    expect(state.escalation?.nextAction).toBe(
      `Chase GSCO for the remaining 400 of ${t.tradeId} (600 of 1,000 confirmed)`,
    );
  });

  it("escalates the broker's settle date off the convention to Settlements", async () => {
    // Prepare: US equities settle T+1: 25 November; the broker says the 27th
    const t = trade({ settleDate: "2026-11-25" });
    const { data } = await aDay(
      ["SETTLE_DATE_MISMATCH"],
      [t],
      [confirmationOf(t, { settleDate: "2026-11-27" })],
    );
    // Act
    const { state } = await runTriage({ data });
    // Assess
    expect(state.classification?.exceptionClass).toBe("broker_error");
    expect(state.escalation?.queue).toBe("Settlements");
  });

  it("escalates to the desk head over the single-trade limit, fix or not", async () => {
    // Prepare: 200,000 shares at 103: $20.6M against the default desk's $10M
    const { t, trades, confirmations } = ourPriceError({ quantity: 200_000 });
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    // Act
    const { state } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(deskLimitOf("Cash Equities")).toBe(DEFAULT_DESK_LIMIT);
    expect(state.risk).toMatchObject({ exceedsSingleTradeLimit: true, singleTradeLimitUsd: 10_000_000 });
    expect(state.escalation).toMatchObject({
      queue: "Desk Head, Cash Equities",
      reason: "$20,600,000 exceeds the desk's single-trade limit of $10,000,000",
    });
    expect(state.effects).toEqual([]);
  });

  it("escalates to the desk head when the desk's gross exposure would pass its limit", async () => {
    // Prepare: a clean 1,000,000-share position at the close of 100 fills the desk's $100M
    const big = trade({ quantity: 1_000_000, price: 100 });
    const { t, trades, confirmations } = ourPriceError();
    const { data } = await aDay(
      ["PRICE_MISMATCH"],
      [big, ...trades],
      [confirmationOf(big), ...confirmations],
    );
    // Act
    const { state } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(state.risk).toMatchObject({
      positionQuantity: 1_001_000,
      positionUsd: 100_100_000,
      grossUsd: 100_100_000,
      limitUsd: 100_000_000,
      headroomUsd: -100_000,
      wouldBreach: true,
    });
    expect(state.escalation?.queue).toBe("Desk Head, Cash Equities");
  });

  it("stops at a compliance block: a counterparty LEI failing its check digits goes to Compliance", async () => {
    // Prepare
    const bad = "5493001KJTIIGC8Y1R13";
    const { t, trades, confirmations } = ourPriceError({
      counterparty: { name: "Acme Securities LLC", lei: bad },
    });
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    // Act
    const { state } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(state.classification?.fixable).toBe(true);
    expect(state.compliance).toMatchObject({
      status: "blocked",
      reasons: [`counterparty LEI ${bad} of ${t.tradeId} fails its check digits: KYC static data first`],
    });
    expect(state.escalation?.queue).toBe(COMPLIANCE_QUEUE);
    expect(state.proposal).toBeNull();
  });

  it("stops at a compliance block when the settlement instructions differ", async () => {
    // Prepare
    const t = trade();
    const { data } = await aDay(
      ["COUNTERPARTY_SSI_MISMATCH"],
      [t],
      [confirmationOf(t, { ssiId: "SSI-NEW" })],
    );
    // Act
    const { state } = await runTriage({ data });
    // Assess
    expect(state.compliance?.reasons).toEqual([
      expect.stringMatching(
        /^settlement instructions differ \(ours SSI-ACME-USD, C\d+'s SSI-NEW\): call-back/,
      ),
    ]);
    expect(state.classification?.severity).toBe("high");
    expect(state.escalation?.queue).toBe(COMPLIANCE_QUEUE);
  });

  it("measures a euro break in dollars at the day's EURUSD close", async () => {
    // Prepare: 900,000 face of a EUR bond at 103: €927,000, $1,001,160 at 1.08 — over the threshold
    const corp = INSTRUMENTS.corp.instrumentId;
    const t = trade({
      instrumentId: corp,
      quantity: 900_000,
      price: 103,
      currency: "EUR",
      settleDate: "2026-11-26",
    });
    const prices = [...closes(), { ...priceOf(corp, "2026-11-24T17:00:00Z"), currency: "EUR" }];
    const { data } = await aDay(["PRICE_MISMATCH"], [t], [confirmationOf(t, { price: 100.05 })], prices);
    // Act
    const { state, waitingFor } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(state.classification).toMatchObject({ notional: 927_000, currency: "EUR", impactUsd: 1_001_160 });
    expect(state.classification?.evidence.at(-1)).toBe("notional 927,000 EUR = 1,001,160 USD at 1.08");
    expect(waitingFor).toMatchObject({ proposal: { action: "amend_price" } });
  });

  it("triages a trade's most severe break: a side mismatch before a price mismatch", async () => {
    // Prepare
    const t = trade({ price: 103 });
    const c = confirmationOf(t, { side: "SELL", price: 100.05 });
    const { data } = await aDay(["PRICE_MISMATCH", "SIDE_MISMATCH"], [t], [c]);
    // Act
    const { state } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(state.steps[0]?.did).toBe(
      `found 2 breaks of trade ${t.tradeId}; triaging the most severe, SIDE_MISMATCH:${t.tradeId}:side`,
    );
    expect(state.escalation).toMatchObject({
      category: "SIDE_MISMATCH",
      severity: "high",
      queue: "Trade Support",
    });
  });

  it("goes from detect straight to the report when the trade has no break", async () => {
    // Prepare
    const clean = trade();
    const { t, trades, confirmations } = ourPriceError();
    const { data } = await aDay(
      ["PRICE_MISMATCH"],
      [clean, ...trades],
      [confirmationOf(clean), ...confirmations],
    );
    // Act
    const { state } = await runTriage({ data, tradeId: clean.tradeId });
    // Assess
    expect(t.tradeId).not.toBe(clean.tradeId);
    expect(path(state)).toEqual(["detect", "report"]);
    expect(state.triageReport).toMatchObject({
      outcome: "no_break",
      breakId: null,
      reason: `trade ${clean.tradeId} has no break`,
    });
  });

  it("takes the break a request carries, and one out of a run's breaks.json by id", async () => {
    // Prepare
    const { trades, confirmations } = ourPriceError();
    const { data, day } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    const [found] = reconcileDay(day, DEFAULT_TOLERANCES).breaks;
    const run = await mkdtemp(join(tmpdir(), "switchyard-triage-run-"));
    folders.push(run);
    const breaksUri = join(run, "breaks.json");
    await writeFile(breaksUri, JSON.stringify([found]));
    // Act
    const given = await runTriage({ data, break: found });
    const fromFile = await runTriage({ data, breakId: found?.breakId, breaksUri });
    const missing = runTriage({ data, breakId: "PRICE_MISMATCH:T404:price", breaksUri });
    // Assess
    expect(given.state.exception).toEqual(found);
    expect(given.state.steps[0]?.did).toBe(`took ${found?.breakId} from the request`);
    expect(fromFile.state.exception).toEqual(found);
    expect(fromFile.state.steps[0]?.did).toBe(`read ${found?.breakId} from ${breaksUri}`);
    await expect(missing).rejects.toMatchObject({ code: "Triage.BreakNotFound" });
  });

  it("on {} triages the generated day's first break, and runs to its end", async () => {
    // Prepare
    const { day } = await openDay(await generatedDayRef({}));
    const [first] = reconcileDay(day, DEFAULT_TOLERANCES).breaks.sort((a, b) =>
      a.breakId < b.breakId ? -1 : 1,
    );
    // Act
    const { state } = await runTriage({});
    // Assess
    expect(state.exception?.breakId).toBe(first?.breakId);
    expect(state.businessDate).toBe("2026-11-24");
    expect(path(state)).toEqual([...NETWORK, "escalate", "report"]);
    expect(state.triageReport?.outcome).toBe("escalated");
  });

  it("reaches the human approval on the generated day: a duplicate booking named by its trade", async () => {
    // Act
    const run = await runTriage({ tradeId: DEFAULT_DAY_DUPLICATE });
    const done = await run.resume(JANE);
    // Assess
    expect(run.state.exception?.category).toBe("DUPLICATE_BOOKING");
    expect(run.waitingFor).toMatchObject({
      tool: "cancel_rebook",
      proposal: { action: "cancel_booking", tradeId: DEFAULT_DAY_DUPLICATE },
    });
    expect(done.triageReport).toMatchObject({
      outcome: "amended",
      effectsApplied: 1,
      approvedBy: "ops.jane",
    });
  });

  it("refuses a resume that is not a decision, with a typed error", async () => {
    // Prepare
    const { t, trades, confirmations } = ourPriceError({ quantity: 20_000 });
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    const run = await runTriage({ data, tradeId: t.tradeId });
    // Act
    const attempt = run.resume({ decision: "maybe" });
    // Assess
    await expect(attempt).rejects.toMatchObject({ code: "Triage.InvalidDecision" });
    expect(await ledger.entries()).toEqual([]);
  });

  it("sends the break to manual triage when a check cannot run, instead of failing", () => {
    // Act
    const command = escalateWhenDown({} as TriageStateValue, {
      node: "risk_check",
      error: Object.assign(new Error("market data timed out"), { name: "TimeoutError" }),
    });
    // Assess
    expect(command.goto).toEqual(["escalate"]);
    expect(command.update).toMatchObject({
      decision: {
        route: "escalate",
        queue: AGENT_DOWN_QUEUE,
        reason: "risk_check could not run (TimeoutError: market data timed out); a person must check it",
      },
    });
  });
});

describe("exactly-once effects", () => {
  /** The state `auto_fix` saw, after a round trip through JSON, as a node Lambda loads it. */
  async function stateBeforeAutoFix() {
    const { t, trades, confirmations } = ourPriceError();
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    const { app, config } = await runTriage({ data, tradeId: t.tradeId });
    for await (const snapshot of app.getStateHistory(config)) {
      if (snapshot.next.includes("auto_fix"))
        return JSON.parse(JSON.stringify(snapshot.values)) as TriageStateValue;
    }
    throw new Error("no checkpoint before auto_fix");
  }

  it("applies once when the apply node runs again (a retried or redriven Lambda)", async () => {
    // Prepare: the run above applied the effect once already; run the node twice more
    const before = await stateBeforeAutoFix();
    // Act
    const first = (await triageNodes.auto_fix(before)) as Command;
    const again = (await triageNodes.auto_fix(before)) as Command;
    // Assess
    expect(again.update).toEqual(first.update);
    expect(again.goto).toEqual(["report"]);
    const entries = await ledger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.attempts).toBe(3);
  });

  it("applies once when the node crashes after the effect and LangGraph retries it", async () => {
    // Prepare: the first read-back after an apply fails, as if the Lambda died right after the write
    const { t, trades, confirmations } = ourPriceError();
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    let crashes = 1;
    const inner = inMemoryEffectsLedger();
    unbind();
    unbind = bindEffectsLedger({
      ...inner,
      async effect(key) {
        if (crashes-- > 0) throw new Error("Lambda timed out after the effect landed");
        return inner.effect(key);
      },
    });
    // Act
    const { state } = await runTriage({ data, tradeId: t.tradeId });
    // Assess
    expect(path(state)).toEqual([...NETWORK, "auto_fix", "report"]);
    const entries = await inner.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ attempts: 2, effect: state.effects[0] });
  }, 15_000);

  it("merges effect writes by idempotency key in state", () => {
    // Prepare
    const effect = {
      effectId: "EFF-1",
      idempotencyKey: "K",
      tool: "apply_amendment",
      proposalId: "AMD-1",
      breakId: "b",
      tradeId: "T1",
      action: "amend_price",
      changes: [],
    } as const;
    const reducer = (
      triage.graph as unknown as {
        channels: Record<string, { operator: (a: unknown[], b: unknown[]) => unknown[] }>;
      }
    ).channels.effects;
    // Act
    const merged = reducer?.operator([effect], [effect, { ...effect, idempotencyKey: "K2" }]);
    // Assess
    expect(merged?.map((e) => (e as { idempotencyKey: string }).idempotencyKey)).toEqual(["K", "K2"]);
  });
});

describe("the agents", () => {
  it("register their offline policies under the workflow's prefix", () => {
    // Assess
    expect(offlinePolicies.agents()).toEqual(
      expect.arrayContaining(["triage.classifier", "triage.compliance", "triage.fixer", "triage.risk"]),
    );
  });

  it("decide from tool calls, each in its own bounded private channel", async () => {
    // Prepare
    const { t, trades, confirmations } = ourPriceError({ quantity: 20_000 });
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    // Act
    const run = await runTriage({ data, tradeId: t.tradeId });
    const done = await run.resume(JANE);
    // Assess
    const tools = (channel: "classifierMemory" | "riskMemory" | "complianceMemory" | "fixerMemory") =>
      done[channel].flatMap((r) => r.toolCalls.map((c) => c.name));
    expect(tools("classifierMemory")).toEqual([
      "get_trade",
      "get_confirmations",
      "get_instrument",
      "get_market_price",
    ]);
    expect(tools("riskMemory")).toEqual(["get_position", "get_desk_exposure"]);
    expect(tools("complianceMemory")).toEqual(["get_trade", "get_confirmations"]);
    expect(tools("fixerMemory")).toEqual([
      "get_trade",
      "get_confirmations",
      "get_instrument",
      "get_market_price",
      "propose_amendment",
      "apply_amendment",
      "apply_amendment",
    ]);
    expect(done.fixerMemory[0]?.toolCalls.at(-1)?.refused).toBe("Agents.ApprovalRequired");
    expect(done.fixerMemory.length).toBeLessThanOrEqual(AGENT_RUNS_KEPT);
    for (const r of done.classifierMemory) expect(r.model.offline).toBe(true);
    expect(JSON.parse(JSON.stringify(done))).toEqual(done);
    expect(JSON.stringify(done).length).toBeLessThan(60_000);
  });

  it("route by the stated rule: block, no fix of ours, limits, four eyes, else auto-fix", () => {
    // Prepare
    const fix = { action: "amend_price", tradeId: "T1", changes: [], rationale: "r" } as const;
    const c: Parameters<typeof decideRoute>[0] = {
      category: "PRICE_MISMATCH",
      fixable: true,
      fix,
      faultSide: "internal",
      impactUsd: 250_000,
      desk: "RATES",
      nextAction: "Amend T1's price",
    };
    const ok = {
      wouldBreach: false,
      exceedsSingleTradeLimit: false,
      headroomUsd: 5e7,
      singleTradeLimitUsd: 3e7,
    };
    const clear = { status: "clear" as const, reasons: ["ok"] };
    // Act
    const routes = [
      decideRoute(c, ok, { status: "blocked", reasons: ["ssi"] }),
      decideRoute({ ...c, fixable: false, fix: null, category: "SIDE_MISMATCH" }, ok, clear),
      decideRoute(c, { ...ok, wouldBreach: true }, clear),
      decideRoute(c, { ...ok, exceedsSingleTradeLimit: true }, clear),
      decideRoute(c, ok, { status: "approval_required", reasons: ["big"] }),
      decideRoute(c, ok, clear),
    ];
    // Assess
    expect(routes.map((r) => [r.route, r.queue ?? null])).toEqual([
      ["escalate", COMPLIANCE_QUEUE],
      ["escalate", null],
      ["escalate", "Desk Head, RATES"],
      ["escalate", "Desk Head, RATES"],
      ["human_approval", null],
      ["auto_fix", null],
    ]);
  });

  it("rate severity by category and size, and keep the desk limits as data with a default", () => {
    // Assess
    expect(severityOf("PRICE_MISMATCH", 999_999)).toBe("low");
    expect(severityOf("PRICE_MISMATCH", 1_000_000)).toBe("medium");
    expect(severityOf("STALE_PRICE", 10_000_000)).toBe("high");
    expect(severityOf("SIDE_MISMATCH", 1)).toBe("high");
    expect(severityOf("DUPLICATE_BOOKING", 1)).toBe("medium");
    expect(Object.keys(DESK_LIMITS)).toEqual(["FX", "MACRO", "RATES", "EQUITIES", "CREDIT"]);
    expect(deskLimitOf("RATES")).toEqual({ grossUsd: 750_000_000, singleTradeUsd: 30_000_000 });
    expect(deskLimitOf("toString")).toBe(DEFAULT_DESK_LIMIT);
  });
});

describe("the run summary and the example", () => {
  it("says what each agent did, the route, the decision and the effects", async () => {
    // Prepare
    const { t, trades, confirmations } = ourPriceError({ quantity: 20_000 });
    const { data } = await aDay(["PRICE_MISMATCH"], trades, confirmations);
    // Act
    const run = await runTriage({ data, tradeId: t.tradeId });
    const summary = triage.summarize?.(await run.resume(JANE));
    // Assess
    expect(summary?.headline).toBe(
      `Triage PRICE_MISMATCH:${t.tradeId}:price: human_approval → amended (1 effect)`,
    );
    expect(summary?.steps.map((s) => s.node)).toEqual([...NETWORK, "human_approval", "report"]);
    expect(summary?.figures).toMatchObject({
      category: "PRICE_MISMATCH",
      exceptionClass: "booking_error",
      fix: `amend_price ${t.tradeId}`,
      decision: "approve by ops.jane",
      effectsApplied: 1,
      compliance: "approval_required",
    });
  });

  it("runs docs/examples/triage.ts: waits, is approved, applies one effect", async () => {
    // Act
    const {
      waitedFor,
      summary,
      ledger: entries,
    } = await triageExample({ tradeId: DEFAULT_DAY_DUPLICATE }, { decision: "approve" }, "local:ops.jane");
    // Assess
    expect(waitedFor?.question).toBe(
      `Apply cancel booking to ${DEFAULT_DAY_DUPLICATE} for DUPLICATE_BOOKING:T20261124-0001018+${DEFAULT_DAY_DUPLICATE}?`,
    );
    expect(summary.headline).toMatch(/^Triage DUPLICATE_BOOKING:.*: human_approval → amended \(1 effect\)$/);
    expect(entries).toHaveLength(1);
  });

  it("is documented in docs/patterns.md with its example", () => {
    // Act
    const doc = readFileSync(new URL("../../docs/patterns.md", import.meta.url), "utf8");
    // Assess
    expect(doc).toContain("## Network: triage");
    expect(doc).toContain("docs/examples/triage.ts");
    const edges = triage.graph
      .compile()
      .getGraph()
      .drawMermaid()
      .split("\n")
      .filter((l) => l.includes("->"));
    for (const edge of edges) expect(doc).toContain(edge.trim());
  });
});

describe("workflow registry", () => {
  it("registers triage with the network's nodes", () => {
    // Act
    const workflow = getWorkflow("triage");
    // Assess
    expect(workflow).toBe(workflows.triage);
    expect(Object.keys(workflow.graph.nodes)).toEqual(
      expect.arrayContaining([...NETWORK, "auto_fix", "human_approval", "escalate", "report"]),
    );
  });

  it("refuses an unknown name with a typed error listing the known ones", () => {
    // Act
    const attempt = () => getWorkflow("reconcile");
    // Assess
    expect(attempt).toThrow(UnknownWorkflowError);
    expect(attempt).toThrow(
      expect.objectContaining({
        code: "Switchyard.UnknownWorkflow",
        known: expect.arrayContaining(["triage"]),
      }),
    );
    expect(() => getWorkflow("toString")).toThrow(UnknownWorkflowError);
  });
});
