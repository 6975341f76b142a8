import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySaver } from "@langchain/langgraph";
import { afterAll, describe, expect, it } from "vitest";
import { runInProcessWith } from "#engine";
import {
  BREAK_CATEGORIES,
  type Break,
  type BreakCategory,
  type Confirmation,
  conventionalSettleDate,
  DEFAULT_TOLERANCES,
  type MarketPrice,
  reconcileDay,
  type Trade,
  type TradingDay,
} from "#trading";
import { writeDay } from "#trading/generate";
import {
  type InvestigationFinding,
  type InvestigationStateValue,
  investigation,
  MANUAL_ACTION_OF,
  ROOT_CAUSES,
  ROOT_CAUSES_OF,
  SPECIALIST_FOR_CATEGORY,
} from "#workflows";
import { confirmationOf, dayOf, INSTRUMENTS, LEI_OTHER, priceOf, trade } from "../fixtures/trading.ts";

/**
 * Every break category, each on a hand-built canonical day written to disk and read back through
 * the loader, investigated in-process with the offline policy model: the root cause and the next
 * action come from the tools' facts (the market close, the settlement convention on the real
 * holiday calendars, the paired confirmations, the trades like one). Where the facts do not tell
 * which side is wrong, the break is escalated, never guessed.
 */

// Factories -------------------------------------------------------------------------------

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes a day in the canonical format to a folder of its own and returns the folder. */
async function written(day: TradingDay): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "switchyard-investigation-"));
  folders.push(dir);
  await writeDay(dir, day);
  return dir;
}

/** Runs the investigation on a day (its breaks found by the matcher, or the ones given). */
async function investigate(day: TradingDay, request: Record<string, unknown> = {}) {
  const uri = await written(day);
  const result = await runInProcessWith(
    investigation,
    { data: { uri }, ...request },
    { saver: new MemorySaver() },
  );
  expect(result.error).toBeUndefined();
  expect(result.status).toBe("succeeded");
  return { uri, state: result.state as InvestigationStateValue };
}

/** The one finding of a category, after checking the day holds exactly that break. */
async function findingOf(
  category: BreakCategory,
  trades: Trade[],
  confirmations: Confirmation[],
  prices?: MarketPrice[],
  businessDate?: string,
): Promise<InvestigationFinding> {
  const day = dayOf(trades, confirmations, prices, businessDate);
  expect(reconcileDay(day, DEFAULT_TOLERANCES).breaks.map((b) => b.category)).toEqual([category]);
  const { state } = await investigate(day);
  expect(state.findings).toHaveLength(1);
  return state.findings[0] as InvestigationFinding;
}

/** The equity's closes only, from the given sources and dates (other instruments unpriced). */
const closes = (...prices: { asOf: string; price?: number; source?: string }[]): MarketPrice[] =>
  prices.map(({ asOf, price = 100, source = "VENDOR" }) => ({
    ...priceOf(INSTRUMENTS.equity.instrumentId, asOf, price),
    source,
  }));

const resolved = (rootCause: string) => ({ status: "resolved", rootCause, escalation: null });
const escalated = (rootCause: string | null = null) => ({
  status: "escalated",
  rootCause,
  escalation: expect.objectContaining({ code: "specialist" }),
});

// Tests -----------------------------------------------------------------------------------

describe("the root causes", () => {
  it("cover every category, each with a next action, within the remit of the specialist it is routed to", () => {
    // Assess
    for (const category of BREAK_CATEGORIES) {
      const causes = ROOT_CAUSES.filter((c) => (c.categories as readonly string[]).includes(category));
      expect(causes.length, category).toBeGreaterThan(0);
      for (const cause of causes) {
        expect(cause.nextAction).toMatch(/^[A-Z]/);
        expect(ROOT_CAUSES_OF[SPECIALIST_FOR_CATEGORY[category]]).toContain(cause.rootCause);
      }
      expect(MANUAL_ACTION_OF[category]).toMatch(/^[A-Z]/);
    }
  });
});

describe("PRICE_MISMATCH: the market close tells which side is wrong", () => {
  it("is our booking error when our price is off the close and the broker's is near it", async () => {
    // Prepare
    const t = trade({ price: 103 });
    // Act
    const finding = await findingOf("PRICE_MISMATCH", [t], [confirmationOf(t, { price: 100.05 })]);
    // Assess
    expect(finding).toMatchObject(resolved("our_price_error"));
    expect(finding.nextAction).toBe(
      `Amend ${t.tradeId}'s price from 103 to the confirmed 100.05 (close 100)`,
    );
    expect(finding.confidence).toBeGreaterThanOrEqual(0.6);
    expect(finding.evidence.join("\n")).toMatch(/ours 3\.00% from the close, confirmed 0\.05%/);
  });

  it("is the broker's error when its price is off the close and ours is near it", async () => {
    // Prepare
    const t = trade({ price: 100.02 });
    const c = confirmationOf(t, { price: 97 });
    // Act
    const finding = await findingOf("PRICE_MISMATCH", [t], [c]);
    // Assess
    expect(finding).toMatchObject(resolved("broker_price_error"));
    expect(finding.nextAction).toBe(
      `Ask GSCO to correct ${c.confirmationId} from 97 to our 100.02 (close 100)`,
    );
  });

  it("judges the VWAP of the broker's fills, not one fill", async () => {
    // Prepare: fills at 96 and 98 average 97, off the close; ours at the close.
    const t = trade({ quantity: 1000 });
    const fills = [
      confirmationOf(t, { quantity: 500, price: 96 }),
      confirmationOf(t, { quantity: 500, price: 98 }),
    ];
    // Act
    const finding = await findingOf("PRICE_MISMATCH", [t], fills);
    // Assess
    expect(finding).toMatchObject(resolved("broker_price_error"));
    expect(finding.evidence[0]).toContain("confirmed 97 (VWAP of 2 fills)");
  });

  it("escalates when the market moved: both prices far from the close", async () => {
    // Prepare
    const t = trade({ price: 100 });
    // Act
    const finding = await findingOf(
      "PRICE_MISMATCH",
      [t],
      [confirmationOf(t, { price: 100.5 })],
      closes({ asOf: "2026-11-24T21:00:00Z", price: 110 }),
    );
    // Assess
    expect(finding).toMatchObject(escalated());
    expect(finding.escalation?.reason).toMatch(/both prices are off the close/);
    expect(finding.nextAction).toMatch(/^Check T\d+'s execution price with Cash Equities and GSCO/);
  });

  it("escalates when both prices are near the close: it cannot tell an intraday price from a typo", async () => {
    // Prepare
    const t = trade({ price: 100 });
    // Act
    const finding = await findingOf(
      "PRICE_MISMATCH",
      [t],
      [confirmationOf(t, { price: 100.2 })],
      closes({ asOf: "2026-11-24T21:00:00Z", price: 100.1 }),
    );
    // Assess
    expect(finding).toMatchObject(escalated());
    expect(finding.escalation?.reason).toMatch(/both prices are near the close/);
  });
});

describe("STALE_PRICE: the close's age on the instrument's own calendar", () => {
  it("re-requests the vendor's close when another source prices the instrument", async () => {
    // Prepare: VENDOR's latest is two business days old; an older second source exists.
    const t = trade();
    const prices = closes(
      { asOf: "2026-11-20T21:00:00Z" },
      { asOf: "2026-11-19T21:00:00Z", source: "SECOND" },
    );
    // Act
    const finding = await findingOf("STALE_PRICE", [t], [confirmationOf(t)], prices);
    // Assess
    expect(finding).toMatchObject(resolved("stale_market_data"));
    expect(finding.nextAction).toBe(
      "Re-request VENDOR's 2026-11-24 close for US0378331005 and revalue the 1 trade on it",
    );
    expect(finding.evidence[0]).toMatch(/dated 2026-11-20: 2 business days of the XNYS calendar/);
  });

  it("re-requests the missed close when the market was shut on the business date (Thanksgiving)", async () => {
    // Prepare: business date 26 Nov 2026, the NYSE shut; the 25th's close is missing.
    const t = trade();
    const prices = closes({ asOf: "2026-11-24T21:00:00Z" });
    // Act
    const finding = await findingOf("STALE_PRICE", [t], [confirmationOf(t)], prices, "2026-11-26");
    // Assess
    expect(finding).toMatchObject(resolved("stale_market_data"));
    expect(finding.nextAction).toMatch(/^Re-request VENDOR's 2026-11-25 close for US0378331005/);
  });

  it("escalates when the market was open and the vendor is the only source", async () => {
    // Prepare
    const t = trade();
    // Act
    const finding = await findingOf(
      "STALE_PRICE",
      [t],
      [confirmationOf(t)],
      closes({ asOf: "2026-11-23T21:00:00Z" }),
    );
    // Assess
    expect(finding).toMatchObject(escalated("stale_market_data"));
    expect(finding.escalation?.reason).toMatch(/market was open on 2026-11-24 and VENDOR is the only source/);
    expect(finding.nextAction).toMatch(/^Source the 2026-11-24 close of US0378331005 from a second vendor/);
  });
});

describe("SETTLE_DATE_MISMATCH: the settlement convention on the real calendars", () => {
  it("is the broker's error when ours keeps the convention (US equities T+1)", async () => {
    // Prepare
    const t = trade({ settleDate: "2026-11-25" });
    const c = confirmationOf(t, { settleDate: "2026-11-26" });
    // Act
    const finding = await findingOf("SETTLE_DATE_MISMATCH", [t], [c]);
    // Assess
    expect(finding).toMatchObject(resolved("broker_settle_date_error"));
    expect(finding.nextAction).toBe(
      `Ask GSCO to correct the settle date on ${c.confirmationId} from 2026-11-26 to 2026-11-25 (US equities T+1 (since 2024-05-28))`,
    );
  });

  it("is our error when the broker keeps the convention", async () => {
    // Prepare
    const t = trade({ settleDate: "2026-11-27" });
    // Act
    const finding = await findingOf(
      "SETTLE_DATE_MISMATCH",
      [t],
      [confirmationOf(t, { settleDate: "2026-11-25" })],
    );
    // Assess
    expect(finding).toMatchObject(resolved("our_settle_date_error"));
    expect(finding.nextAction).toBe(
      `Amend ${t.tradeId}'s settle date from 2026-11-27 to 2026-11-25 (US equities T+1 (since 2024-05-28))`,
    );
  });

  it("counts on the real holidays: T+1 from 25 Nov 2026 skips Thanksgiving to 27 Nov", async () => {
    // Prepare: the broker counted weekends only.
    const t = trade({ tradeDate: "2026-11-25", settleDate: "2026-11-27" });
    const c = confirmationOf(t, { settleDate: "2026-11-26" });
    // Act
    const finding = await findingOf("SETTLE_DATE_MISMATCH", [t], [c], undefined, "2026-11-25");
    // Assess
    expect(finding).toMatchObject(resolved("broker_settle_date_error"));
    expect(finding.evidence.join("\n")).toMatch(
      /from trade date 2026-11-25 on the XNYS\+US calendar: 2026-11-27/,
    );
  });

  it("reads the convention of the instrument: FX spot T+2 on both currencies' calendars", async () => {
    // Prepare: our date is off; the broker's keeps EURUSD's T+2 (whatever the calendars give).
    const tradeDate = "2026-11-25";
    const conventional = conventionalSettleDate(INSTRUMENTS.eurusd, tradeDate);
    const t = trade({
      instrumentId: "EURUSD",
      quantity: 1_000_000,
      price: 1.085,
      tradeDate,
      settleDate: "2026-12-01",
    });
    const prices = [priceOf("EURUSD", "2026-11-25T21:00:00Z", 1.085)];
    // Act
    const finding = await findingOf(
      "SETTLE_DATE_MISMATCH",
      [t],
      [confirmationOf(t, { settleDate: conventional })],
      prices,
      tradeDate,
    );
    // Assess
    expect(finding).toMatchObject(resolved("our_settle_date_error"));
    expect(finding.nextAction).toBe(
      `Amend ${t.tradeId}'s settle date from 2026-12-01 to ${conventional} (FX spot T+2)`,
    );
    expect(finding.evidence.join("\n")).toMatch(/on the TARGET\+US calendar/);
  });

  it("escalates when neither date follows the convention: a date agreed off convention", async () => {
    // Prepare
    const t = trade({ settleDate: "2026-11-27" });
    // Act
    const finding = await findingOf(
      "SETTLE_DATE_MISMATCH",
      [t],
      [confirmationOf(t, { settleDate: "2026-11-30" })],
    );
    // Assess
    expect(finding).toMatchObject(escalated());
    expect(finding.escalation?.reason).toMatch(/neither settle date follows the convention/);
    expect(finding.nextAction).toMatch(
      /^Confirm the agreed settle date of T\d+ with Cash Equities and GSCO \(convention 2026-11-25/,
    );
  });
});

describe("COUNTERPARTY_SSI_MISMATCH", () => {
  it("LEI: the confirmation names another counterparty; chase the broker", async () => {
    // Prepare
    const t = trade();
    const c = confirmationOf(t, { counterparty: { name: "Acme Securities", lei: LEI_OTHER } });
    // Act
    const finding = await findingOf("COUNTERPARTY_SSI_MISMATCH", [t], [c]);
    // Assess
    expect(finding).toMatchObject(resolved("wrong_counterparty_on_confirmation"));
    expect(finding.nextAction).toBe(
      `Chase GSCO to reissue ${c.confirmationId} for Acme Securities LLC (LEI 5493001KJTIIGC8Y1R12)`,
    );
  });

  it("SSI: the broker will settle to another instruction; fix it before settlement", async () => {
    // Prepare
    const t = trade();
    // Act
    const finding = await findingOf(
      "COUNTERPARTY_SSI_MISMATCH",
      [t],
      [confirmationOf(t, { ssiId: "SSI-ACME-OLD" })],
    );
    // Assess
    expect(finding).toMatchObject(resolved("stale_ssi"));
    expect(finding.nextAction).toBe(
      "Confirm Acme Securities LLC's current SSI with GSCO and fix the stale one (ours SSI-ACME-USD, theirs SSI-ACME-OLD) before 2026-11-25",
    );
  });
});

describe("CURRENCY_MISMATCH: the instrument's static data tells which side is wrong", () => {
  it("is the broker's static data when it confirms a USD equity in EUR", async () => {
    // Prepare
    const t = trade();
    const c = confirmationOf(t, { currency: "EUR" });
    // Act
    const finding = await findingOf("CURRENCY_MISMATCH", [t], [c]);
    // Assess
    expect(finding).toMatchObject(resolved("broker_static_data_error"));
    expect(finding.nextAction).toBe(
      `Ask GSCO to fix its static data for US0378331005 (priced in USD, confirmed in EUR) and reissue ${c.confirmationId}`,
    );
  });

  it("is our booking when we booked the USD equity in GBP", async () => {
    // Prepare
    const t = trade({ currency: "GBP" });
    // Act
    const finding = await findingOf("CURRENCY_MISMATCH", [t], [confirmationOf(t, { currency: "USD" })]);
    // Assess
    expect(finding).toMatchObject(resolved("our_currency_error"));
    expect(finding.nextAction).toBe(`Amend ${t.tradeId}'s currency from GBP to USD`);
  });
});

describe("QUANTITY_MISMATCH", () => {
  it("is a partial fill outstanding when the fills confirm less than we booked: chase the rest", async () => {
    // Prepare
    const t = trade({ quantity: 1000 });
    const fills = [confirmationOf(t, { quantity: 400 }), confirmationOf(t, { quantity: 300 })];
    // Act
    const finding = await findingOf("QUANTITY_MISMATCH", [t], fills);
    // Assess
    expect(finding).toMatchObject(resolved("partial_fill_outstanding"));
    expect(finding.confidence).toBe(0.85);
    expect(finding.nextAction).toBe(
      `Chase GSCO for the remaining 300 of ${t.tradeId} (700 of 1,000 confirmed)`,
    );
  });

  it("is our booking error when the broker confirms ten times what we booked (a digit slip)", async () => {
    // Prepare
    const t = trade({ quantity: 100 });
    // Act
    const finding = await findingOf("QUANTITY_MISMATCH", [t], [confirmationOf(t, { quantity: 1000 })]);
    // Assess
    expect(finding).toMatchObject(resolved("our_quantity_error"));
    expect(finding.nextAction).toBe(
      `Amend ${t.tradeId}'s quantity from 100 to 1,000 once Cash Equities confirms the execution`,
    );
  });

  it("escalates any other over-confirmation, and a shortfall too small for a fill", async () => {
    // Prepare
    const over = trade({ quantity: 1000 });
    const short = trade({ quantity: 5000 });
    // Act
    const overFinding = await findingOf(
      "QUANTITY_MISMATCH",
      [over],
      [confirmationOf(over, { quantity: 1250 })],
    );
    const shortFinding = await findingOf(
      "QUANTITY_MISMATCH",
      [short],
      [confirmationOf(short, { quantity: 4999 })],
    );
    // Assess
    expect(overFinding).toMatchObject(escalated());
    expect(overFinding.nextAction).toMatch(
      /^Confirm the executed quantity of T\d+ with Cash Equities and GSCO/,
    );
    expect(shortFinding).toMatchObject(escalated());
    expect(shortFinding.escalation?.reason).toMatch(/too little for a fill/);
  });
});

describe("SIDE_MISMATCH", () => {
  it("always goes to the desk, never guessed", async () => {
    // Prepare
    const t = trade({ side: "BUY" });
    // Act
    const finding = await findingOf("SIDE_MISMATCH", [t], [confirmationOf(t, { side: "SELL" })]);
    // Assess
    expect(finding).toMatchObject(escalated("side_disputed"));
    expect(finding.nextAction).toBe(
      `Escalate to Cash Equities: confirm the side of ${t.tradeId} with the trader (we BUY, GSCO confirms SELL); amend nothing until then`,
    );
  });
});

describe("MISSING_CONFIRMATION and UNKNOWN_CONFIRMATION", () => {
  it("chases the broker when nothing like the trade arrived", async () => {
    // Prepare
    const t = trade();
    // Act
    const finding = await findingOf("MISSING_CONFIRMATION", [t], []);
    // Assess
    expect(finding).toMatchObject(resolved("missing_confirmation"));
    expect(finding.nextAction).toBe(
      `Chase GSCO for a confirmation of ${t.tradeId} (BUY 1,000 US0378331005 @ 100 for ACC-001, traded 2026-11-24)`,
    );
  });

  it("DKs a confirmation no booking of ours is like", async () => {
    // Prepare
    const t = trade();
    const stray = confirmationOf(trade({ broker: "MSCO", quantity: 777 }), { tradeRef: undefined });
    const day = dayOf([t], [confirmationOf(t), stray]);
    // Act
    const { state } = await investigate(day);
    // Assess
    expect(state.findings).toEqual([
      expect.objectContaining({ category: "UNKNOWN_CONFIRMATION", ...resolved("not_our_trade") }),
    ]);
    expect(state.findings[0]?.nextAction).toBe(
      `DK ${stray.confirmationId} back to MSCO (ref ${stray.brokerRef}): no booking of ours is like it`,
    );
  });

  it("pairs a confirmation booked under another account with its booking, from either break", async () => {
    // Prepare: the broker confirms for ACC-002 what we booked for ACC-001 (no reference).
    const t = trade();
    const c = confirmationOf(t, { tradeRef: undefined, account: "ACC-002" });
    const day = dayOf([t], [c]);
    // Act
    const { state } = await investigate(day);
    // Assess
    expect(state.findings.map((f) => [f.category, f.status, f.rootCause])).toEqual([
      ["MISSING_CONFIRMATION", "resolved", "booking_details_differ"],
      ["UNKNOWN_CONFIRMATION", "resolved", "booking_details_differ"],
    ]);
    for (const finding of state.findings) {
      expect(finding.nextAction).toBe(
        `Pair ${c.confirmationId} with ${t.tradeId} and correct the account on whichever side is wrong (account ours ACC-001, theirs ACC-002)`,
      );
    }
  });
});

describe("DUPLICATE_BOOKING", () => {
  it("cancels the unconfirmed twin of a confirmed trade, checked with find_similar_trades", async () => {
    // Prepare
    const original = trade({ bookedAt: "2026-11-24T14:30:00Z" });
    const repeat = trade({ bookedAt: "2026-11-24T14:32:00Z" });
    // Act
    const { state } = await investigate(dayOf([original, repeat], [confirmationOf(original)]));
    // Assess
    expect(state.findings).toEqual([
      expect.objectContaining({ category: "DUPLICATE_BOOKING", ...resolved("duplicate_booking") }),
    ]);
    expect(state.findings[0]?.nextAction).toBe(
      `Cancel ${repeat.tradeId}, the duplicate of confirmed ${original.tradeId}`,
    );
    expect(state.findings[0]?.evidence.join("\n")).toMatch(/booked 2\.0 min apart/);
    const calls = state.bookingNotebook.notes.flatMap((n) => n.toolCalls.map((c) => c.name));
    expect(calls).toContain("find_similar_trades");
  });
});

describe("CANCELLED_BUT_CONFIRMED", () => {
  it("tells the broker of the cancellation", async () => {
    // Prepare
    const t = trade({ status: "CANCELLED", version: 2, updatedAt: "2026-11-24T15:00:00Z" });
    const c = confirmationOf(t);
    // Act
    const finding = await findingOf("CANCELLED_BUT_CONFIRMED", [t], [c]);
    // Assess
    expect(finding).toMatchObject(resolved("broker_missed_cancellation"));
    expect(finding.nextAction).toBe(
      `Tell GSCO that ${t.tradeId} is cancelled and ask it to cancel ${c.confirmationId}`,
    );
  });

  it("re-points the confirmation to the rebooking when the trade was cancelled and rebooked", async () => {
    // Prepare: the broker still quotes the cancelled id; the twin booked after it has no confirmation.
    const old = trade({ status: "CANCELLED", version: 2, bookedAt: "2026-11-24T14:30:00Z" });
    const rebook = trade({ bookedAt: "2026-11-24T15:10:00Z" });
    const c = confirmationOf(old);
    // Act
    const { state } = await investigate(dayOf([old, rebook], [c]));
    // Assess
    expect(state.findings.map((f) => [f.category, f.rootCause])).toEqual([
      ["CANCELLED_BUT_CONFIRMED", "rebooked_under_new_id"],
      ["MISSING_CONFIRMATION", "rebooked_under_new_id"],
    ]);
    expect(state.findings[0]?.nextAction).toBe(
      `Ask GSCO to re-reference ${c.confirmationId} from ${old.tradeId} (cancelled) to ${rebook.tradeId}, the rebooking`,
    );
  });
});

describe("AMENDMENT_NOT_CONFIRMED", () => {
  it("chases the broker for an amended confirmation of the new version", async () => {
    // Prepare: v1 at 100 confirmed; amended to 101 (v2).
    const t = trade({
      version: 2,
      status: "AMENDED",
      price: 101,
      updatedAt: "2026-11-24T16:00:00Z",
      versions: [
        { version: 1, validFrom: "2026-11-24T14:30:00Z", validTo: "2026-11-24T16:00:00Z", price: 100 },
      ],
    });
    const c = confirmationOf(t, { price: 100 });
    // Act
    const finding = await findingOf("AMENDMENT_NOT_CONFIRMED", [t], [c]);
    // Assess
    expect(finding).toMatchObject(resolved("amendment_not_confirmed"));
    expect(finding.nextAction).toBe(
      `Chase GSCO for an amended confirmation of ${t.tradeId} v2 (price 100 → 101); ${c.confirmationId} still confirm v1`,
    );
  });
});

describe("facts, not the break's own words", () => {
  it("decides from the tools even when the break's detail line says otherwise, and reads breaks.json", async () => {
    // Prepare: our price is off the close; the detail line blames the broker.
    const t = trade({ price: 103 });
    const day = dayOf([t], [confirmationOf(t, { price: 100.05 })]);
    const [found] = reconcileDay(day, DEFAULT_TOLERANCES).breaks;
    const misleading: Break = {
      ...(found as Break),
      detail: "the broker's price is wrong; ask the broker to correct it",
    };
    const uri = await written(day);
    // A reconciliation run writes its outputs beside, never inside, the day's folder.
    const runFolder = await mkdtemp(join(tmpdir(), "switchyard-run-"));
    folders.push(runFolder);
    const breaksUri = join(runFolder, "breaks.json");
    await writeFile(breaksUri, JSON.stringify([misleading]));
    // Act
    const given = await runInProcessWith(
      investigation,
      { data: { uri }, breaks: [misleading] },
      { saver: new MemorySaver() },
    );
    const fromFile = await runInProcessWith(
      investigation,
      { data: { uri }, breaksUri },
      { saver: new MemorySaver() },
    );
    // Assess
    for (const run of [given, fromFile]) {
      const state = run.state as InvestigationStateValue;
      expect(state.findings).toEqual([expect.objectContaining(resolved("our_price_error"))]);
    }
    expect((fromFile.state as InvestigationStateValue).breakSource).toBe("uri");
  });
});
