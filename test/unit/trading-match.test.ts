import { describe, expect, it } from "vitest";
import type { Break } from "../../functions/trading/breaks.ts";
import { reconcileDay } from "../../functions/trading/match/index.ts";
import type { Trade } from "../../functions/trading/model/index.ts";
import { DEFAULT_TOLERANCES } from "../../functions/trading/tolerances.ts";
import { confirmationOf, dayOf, INSTRUMENTS, LEI_OTHER, priceOf, trade } from "../fixtures/trading.ts";

/** The breaks of a day as `category tradeIds confirmationIds field`, the form the rules are stated in. */
function breaksOf(
  trades: Trade[],
  confirmations: Parameters<typeof dayOf>[1],
  prices?: Parameters<typeof dayOf>[2],
) {
  return reconcileDay(dayOf(trades, confirmations, prices), DEFAULT_TOLERANCES).breaks;
}

function short(b: Break): string {
  return [b.category, b.tradeIds.join("+"), b.confirmationIds.join("+"), b.field ?? ""].join(" ").trim();
}

describe("references", () => {
  it("pairs a confirmation quoting our id exactly, with no break", () => {
    // Prepare
    const t = trade();
    const c = confirmationOf(t);
    // Act
    const result = reconcileDay(dayOf([t], [c]), DEFAULT_TOLERANCES);
    // Assess
    expect(result.breaks).toEqual([]);
    expect(result.matches).toEqual([
      { tradeId: t.tradeId, confirmations: [{ confirmationId: c.confirmationId, pairedBy: "reference" }] },
    ]);
  });

  it("trims, removes whitespace and upper-cases references before looking them up", () => {
    const t = trade();
    const c = confirmationOf(t, { tradeRef: `  ${t.tradeId.toLowerCase().replace("t", "t ")}\t` });
    const result = reconcileDay(dayOf([t], [c]), DEFAULT_TOLERANCES);
    expect(result.breaks).toEqual([]);
    expect(result.matches[0]?.confirmations[0]?.pairedBy).toBe("reference");
  });

  it("treats a reference that is not one of our ids as absent and pairs on economics", () => {
    const t = trade();
    const c = confirmationOf(t, { tradeRef: "GS-998877" });
    const result = reconcileDay(dayOf([t], [c]), DEFAULT_TOLERANCES);
    expect(result.breaks).toEqual([]);
    expect(result.matches[0]?.confirmations[0]?.pairedBy).toBe("economics");
  });

  it("pairs a confirmation without reference on broker, account, instrument, side, trade date and quantity", () => {
    const t = trade();
    const { tradeRef: _, ...noRef } = confirmationOf(t);
    const result = reconcileDay(dayOf([t], [noRef]), DEFAULT_TOLERANCES);
    expect(result.breaks).toEqual([]);
  });

  it.each([
    ["broker", { broker: "MSCO" }],
    ["account", { account: "ACC-999" }],
    ["side", { side: "SELL" as const }],
    ["trade date", { tradeDate: "2026-11-23" }],
    ["quantity", { quantity: 999 }],
  ])(
    "does not pair on economics when the %s differs: unknown confirmation and missing confirmation",
    (_, change) => {
      const t = trade();
      const c = confirmationOf(t, { tradeRef: undefined, ...change });
      expect(breaksOf([t], [c]).map(short)).toEqual([
        `MISSING_CONFIRMATION ${t.tradeId}`,
        `UNKNOWN_CONFIRMATION  ${c.confirmationId}`,
      ]);
    },
  );

  it("does not pair by a reference to a trade in another of our instruments", () => {
    const apple = trade();
    const gilt = trade({
      instrumentId: INSTRUMENTS.gilt.instrumentId,
      currency: "GBP",
      price: 98.12,
      quantity: 1e6,
    });
    // The broker quotes the Apple trade's id on its gilt confirmation: a slip; it pairs on economics.
    const c = confirmationOf(gilt, { tradeRef: apple.tradeId });
    const result = reconcileDay(dayOf([apple, gilt], [c]), DEFAULT_TOLERANCES);
    expect(result.breaks.map(short)).toEqual([`MISSING_CONFIRMATION ${apple.tradeId}`]);
    expect(result.matches).toEqual([
      { tradeId: gilt.tradeId, confirmations: [{ confirmationId: c.confirmationId, pairedBy: "economics" }] },
    ]);
  });

  it("prefers an active trade over a cancelled one with the same economics", () => {
    const cancelled = trade({ status: "CANCELLED", version: 2, bookedAt: "2026-11-24T10:00:00Z" });
    const rebooked = trade({ bookedAt: "2026-11-24T11:00:00Z" });
    const c = confirmationOf(rebooked, { tradeRef: undefined });
    expect(breaksOf([cancelled, rebooked], [c])).toEqual([]);
  });

  it("finds the instrument by an alternative id, and by the CUSIP inside a US ISIN", () => {
    const t = trade();
    const byTicker = confirmationOf(t, { instrumentId: "aapl" });
    const bond = trade({ instrumentId: INSTRUMENTS.treasury.instrumentId, price: 99.5, quantity: 1_000_000 });
    const byCusip = confirmationOf(bond, { instrumentId: "91282CJL5" });
    expect(breaksOf([t, bond], [byTicker, byCusip])).toEqual([]);
  });
});

describe("partial fills", () => {
  it("aggregates fills before comparing: quantity summed, price the VWAP", () => {
    // 600 @ 99.90 + 400 @ 100.15 = VWAP 100.00 exactly; each fill alone is 10–15 bps away.
    const t = trade();
    const fills = [
      confirmationOf(t, { quantity: 600, price: 99.9 }),
      confirmationOf(t, { quantity: 400, price: 100.15 }),
    ];
    const result = reconcileDay(dayOf([t], fills), DEFAULT_TOLERANCES);
    expect(result.breaks).toEqual([]);
    expect(result.matches[0]?.confirmations).toHaveLength(2);
  });

  it("pairs unreferenced fills whose quantities add up to one trade", () => {
    const t = trade({ quantity: 1000 });
    const fills = [300, 300, 400].map((quantity) => confirmationOf(t, { tradeRef: undefined, quantity }));
    const result = reconcileDay(dayOf([t], fills), DEFAULT_TOLERANCES);
    expect(result.breaks).toEqual([]);
    expect(result.matches[0]?.confirmations.map((c) => c.pairedBy)).toEqual([
      "economics",
      "economics",
      "economics",
    ]);
  });

  it("completes a trade's referenced fills with an unreferenced one that makes up the rest", () => {
    const t = trade({ quantity: 1000 });
    const fills = [
      confirmationOf(t, { quantity: 700 }),
      confirmationOf(t, { tradeRef: undefined, quantity: 300 }),
    ];
    const result = reconcileDay(dayOf([t], fills), DEFAULT_TOLERANCES);
    expect(result.breaks).toEqual([]);
    expect(result.matches[0]?.confirmations.map((c) => c.pairedBy)).toEqual(["reference", "economics"]);
  });

  it("does not pile a second full confirmation onto a confirmed trade: it is unknown", () => {
    const t = trade();
    const first = confirmationOf(t);
    const again = confirmationOf(t, { tradeRef: undefined });
    expect(breaksOf([t], [first, again]).map(short)).toEqual([
      `UNKNOWN_CONFIRMATION  ${again.confirmationId}`,
    ]);
  });

  it("reports the aggregated quantity when referenced fills fall short", () => {
    const t = trade({ quantity: 1000 });
    const fills = [confirmationOf(t, { quantity: 600 }), confirmationOf(t, { quantity: 300 })];
    const [b] = breaksOf([t], fills);
    expect(b).toMatchObject({ category: "QUANTITY_MISMATCH", ours: 1000, theirs: 900, field: "quantity" });
    expect(b?.confirmationIds).toHaveLength(2);
  });
});

describe("FX in the inverse pair", () => {
  it("normalises a USD/EUR confirmation of our EUR/USD trade: pair reversed, side flipped, amounts swapped, rate inverted", () => {
    const t = trade({
      instrumentId: "EURUSD",
      side: "BUY",
      quantity: 1_000_000,
      price: 1.085,
      counterAmount: 1_085_000,
      currency: "USD",
      settleDate: "2026-11-27",
    });
    const c = confirmationOf(t, {
      instrumentId: "USD/EUR",
      side: "SELL",
      quantity: 1_085_000,
      price: 0.921659,
      counterAmount: 1_000_000,
      currency: "EUR",
    });
    expect(breaksOf([t], [c])).toEqual([]);
  });

  it("knows an amount it derived from a rounded rate only to that rate's precision", () => {
    // No counter amount: our EUR amount is 1,085,000 × 0.92166 = 1,000,001.1 — 1.1e-6 off, within
    // what a 5-decimal rate can say (±1,085,000 × 0.000005 = ±5.4 EUR); a real 20 EUR gap is not.
    const t = trade({ instrumentId: "EURUSD", quantity: 1_000_000, price: 1.085, currency: "USD" });
    const inverse = { instrumentId: "USDEUR", side: "SELL" as const, quantity: 1_085_000, currency: "EUR" };
    const { counterAmount: _, ...rounded } = confirmationOf(t, { ...inverse, price: 0.92166 });
    expect(breaksOf([t], [rounded])).toEqual([]);
    const { counterAmount: __, ...off } = confirmationOf(t, {
      ...inverse,
      quantity: 1_085_025,
      price: 0.92166,
    });
    expect(breaksOf([t], [off]).map((b) => b.category)).toEqual(["QUANTITY_MISMATCH"]);
  });

  it("still finds a rate break after normalising", () => {
    const t = trade({ instrumentId: "EURUSD", quantity: 1_000_000, price: 1.085, currency: "USD" });
    // 1 / 0.92 = 1.086957: 19.6 pips away.
    const c = confirmationOf(t, {
      instrumentId: "USDEUR",
      side: "SELL",
      quantity: 1_085_000,
      price: 0.92,
      counterAmount: 1_000_000,
      currency: "EUR",
    });
    expect(breaksOf([t], [c]).map(short)).toEqual([`PRICE_MISMATCH ${t.tradeId} ${c.confirmationId} price`]);
  });
});

describe("tolerances: a difference equal to the tolerance is not a break, one just above is", () => {
  const cases: [string, Partial<Trade>, number, number][] = [
    // [name, trade, confirmed price at the tolerance, confirmed price just above]
    ["equity 5 bps", {}, 100.05, 100.0501],
    ["equity 5 bps below", {}, 99.95, 99.9499],
    ["FX 1 pip", { instrumentId: "EURUSD", price: 1.085, quantity: 1e6, currency: "USD" }, 1.0851, 1.08511],
    [
      "JPY-quoted FX 1 pip of 0.01",
      { instrumentId: "USDJPY", price: 155.25, quantity: 1e6, currency: "JPY" },
      155.26,
      155.2601,
    ],
    [
      "US Treasury half a 32nd",
      { instrumentId: INSTRUMENTS.treasury.instrumentId, price: 99.5, quantity: 1e6 },
      99.5 + 1 / 64,
      99.5 + 1 / 32,
    ],
    [
      "gilt 0.01 points",
      { instrumentId: INSTRUMENTS.gilt.instrumentId, price: 98.12, quantity: 1e6, currency: "GBP" },
      98.13,
      98.1301,
    ],
    [
      "corporate bond 0.01 points",
      { instrumentId: INSTRUMENTS.corp.instrumentId, price: 101.255, quantity: 5e5, currency: "EUR" },
      101.245,
      101.2449,
    ],
  ];
  it.each(cases)("%s", (_, shape, atTolerance, above) => {
    const t = trade(shape);
    expect(breaksOf([t], [confirmationOf(t, { price: atTolerance })])).toEqual([]);
    const c = confirmationOf(t, { price: above });
    expect(breaksOf([t], [c]).map(short)).toEqual([`PRICE_MISMATCH ${t.tradeId} ${c.confirmationId} price`]);
  });

  it("quantities are exact for shares and face", () => {
    const t = trade({ quantity: 1000 });
    expect(breaksOf([t], [confirmationOf(t, { quantity: 1001 })]).map((b) => b.category)).toEqual([
      "QUANTITY_MISMATCH",
    ]);
  });

  it("FX base amounts allow a relative 1e-6", () => {
    const t = trade({ instrumentId: "EURUSD", quantity: 10_000_000, price: 1.085, currency: "USD" });
    expect(breaksOf([t], [confirmationOf(t, { quantity: 10_000_010 })])).toEqual([]);
    expect(breaksOf([t], [confirmationOf(t, { quantity: 10_000_011 })]).map((b) => b.category)).toEqual([
      "QUANTITY_MISMATCH",
    ]);
  });
});

describe("fields", () => {
  it.each([
    ["SIDE_MISMATCH", "side", { side: "SELL" as const }],
    ["CURRENCY_MISMATCH", "currency", { currency: "EUR" }],
    ["SETTLE_DATE_MISMATCH", "settleDate", { settleDate: "2026-11-27" }],
    [
      "COUNTERPARTY_SSI_MISMATCH",
      "counterparty.lei",
      { counterparty: { name: "Acme Securities LLC", lei: LEI_OTHER } },
    ],
    ["COUNTERPARTY_SSI_MISMATCH", "ssiId", { ssiId: "SSI-ACME-USD-OLD" }],
  ])("%s on %s, with ours and theirs", (category, field, change) => {
    const t = trade();
    const c = confirmationOf(t, change);
    const [b, ...rest] = breaksOf([t], [c]);
    expect(rest).toEqual([]);
    expect(b).toMatchObject({ category, field, tradeIds: [t.tradeId], confirmationIds: [c.confirmationId] });
    expect(b?.ours).not.toEqual(b?.theirs);
  });

  it("never compares the counterparty's name, only its LEI", () => {
    const t = trade();
    const c = confirmationOf(t, { counterparty: { name: "ACME SECS. L.L.C.", lei: t.counterparty.lei } });
    expect(breaksOf([t], [c])).toEqual([]);
  });

  it("reports each differing field as its own break", () => {
    const t = trade();
    const c = confirmationOf(t, { price: 101, settleDate: "2026-11-27" });
    expect(breaksOf([t], [c]).map((b) => b.category)).toEqual(["PRICE_MISMATCH", "SETTLE_DATE_MISMATCH"]);
  });
});

describe("versions", () => {
  const amended = () =>
    trade({
      version: 2,
      status: "AMENDED",
      price: 101,
      updatedAt: "2026-11-24T16:00:00Z",
      versions: [
        { version: 1, validFrom: "2026-11-24T14:30:00Z", validTo: "2026-11-24T16:00:00Z", price: 100 },
      ],
    });

  it("a confirmation of the earlier version is an amendment the broker has not confirmed, not a price break", () => {
    const t = amended();
    const c = confirmationOf(t, { price: 100 });
    const [b, ...rest] = breaksOf([t], [c]);
    expect(rest).toEqual([]);
    expect(b).toMatchObject({ category: "AMENDMENT_NOT_CONFIRMED", field: "price", ours: 101, theirs: 100 });
  });

  it("a confirmation of the current version is clean", () => {
    const t = amended();
    expect(breaksOf([t], [confirmationOf(t)])).toEqual([]);
  });

  it("a confirmation matching neither version breaks against the current one", () => {
    const t = amended();
    const c = confirmationOf(t, { price: 103 });
    expect(breaksOf([t], [c]).map((b) => `${b.category} ${b.ours} ${b.theirs}`)).toEqual([
      "PRICE_MISMATCH 101 103",
    ]);
  });

  it("pairs an unreferenced confirmation on an earlier version's quantity", () => {
    const t = trade({
      version: 2,
      status: "AMENDED",
      quantity: 1200,
      versions: [
        { version: 1, validFrom: "2026-11-24T14:30:00Z", validTo: "2026-11-24T16:00:00Z", quantity: 1000 },
      ],
    });
    const c = confirmationOf(t, { tradeRef: undefined, quantity: 1000 });
    expect(breaksOf([t], [c]).map((b) => `${b.category} ${b.field}`)).toEqual([
      "AMENDMENT_NOT_CONFIRMED quantity",
    ]);
  });
});

describe("unconfirmed, duplicated and cancelled trades", () => {
  it("an active trade with no confirmation is missing one", () => {
    const t = trade();
    expect(breaksOf([t], []).map(short)).toEqual([`MISSING_CONFIRMATION ${t.tradeId}`]);
  });

  it("an unconfirmed active twin of a confirmed trade is a duplicate booking, original first", () => {
    const original = trade({ bookedAt: "2026-11-24T14:30:00Z" });
    const twin = trade({ bookedAt: "2026-11-24T14:31:05Z" });
    expect(breaksOf([original, twin], [confirmationOf(original)]).map(short)).toEqual([
      `DUPLICATE_BOOKING ${original.tradeId}+${twin.tradeId}`,
    ]);
  });

  it("two genuine identical trades, both confirmed, are not duplicates (with or without references)", () => {
    const a = trade();
    const b = trade();
    expect(breaksOf([a, b], [confirmationOf(a), confirmationOf(b)])).toEqual([]);
    const noRefs = [confirmationOf(a, { tradeRef: undefined }), confirmationOf(b, { tradeRef: undefined })];
    expect(breaksOf([a, b], noRefs)).toEqual([]);
  });

  it("two identical trades with no confirmation are both missing one, not duplicates", () => {
    const a = trade();
    const b = trade();
    expect(breaksOf([a, b], []).map((x) => x.category)).toEqual([
      "MISSING_CONFIRMATION",
      "MISSING_CONFIRMATION",
    ]);
  });

  it("a cancelled trade that is confirmed is a break; one that is not is fine", () => {
    const confirmed = trade({ status: "CANCELLED", version: 2 });
    const quiet = trade({ status: "CANCELLED", version: 2, quantity: 5 });
    const c = confirmationOf(confirmed);
    expect(breaksOf([confirmed, quiet], [c]).map(short)).toEqual([
      `CANCELLED_BUT_CONFIRMED ${confirmed.tradeId} ${c.confirmationId}`,
    ]);
  });

  it("a confirmation of an instrument we do not hold is unknown", () => {
    const t = trade();
    const c = confirmationOf(t, { tradeRef: undefined, instrumentId: "DE0007164600" });
    expect(breaksOf([t], [c]).map((b) => b.category)).toEqual([
      "MISSING_CONFIRMATION",
      "UNKNOWN_CONFIRMATION",
    ]);
  });
});

describe("stale prices", () => {
  it("one break per instrument whose latest price is not the latest close, listing its active trades", () => {
    const a = trade();
    const b = trade();
    const cancelled = trade({ status: "CANCELLED", version: 2 });
    const prices = [priceOf(INSTRUMENTS.equity.instrumentId, "2026-11-20T21:00:00Z")];
    const stale = breaksOf([a, b, cancelled], [confirmationOf(a), confirmationOf(b)], prices);
    expect(stale.map(short)).toEqual([`STALE_PRICE ${a.tradeId}+${b.tradeId}  price.asOf`]);
    expect(stale[0]).toMatchObject({ ours: "2026-11-20", theirs: "2026-11-24" });
  });

  it("counts business days on the instrument's own calendar: a close before a local holiday is still the latest", () => {
    // 2026-11-27 (Fri) follows US Thanksgiving: the US close of 11-25 is one business day old.
    const us = trade({ tradeDate: "2026-11-27", settleDate: "2026-11-30" });
    const prices = [priceOf(INSTRUMENTS.equity.instrumentId, "2026-11-26T21:00:00Z")];
    const day = dayOf([us], [confirmationOf(us)], prices, "2026-11-27");
    expect(reconcileDay(day, DEFAULT_TOLERANCES).breaks.map((b) => b.category)).toEqual(["STALE_PRICE"]);
    // On 2026-12-28 London is closed (Boxing Day substitute): its 12-24 close is the latest.
    const uk = trade({
      instrumentId: INSTRUMENTS.ukEquity.instrumentId,
      currency: "GBP",
      tradeDate: "2026-12-24",
      settleDate: "2026-12-29",
    });
    const ukDay = dayOf(
      [uk],
      [confirmationOf(uk)],
      [priceOf(INSTRUMENTS.ukEquity.instrumentId, "2026-12-24T16:30:00Z")],
      "2026-12-28",
    );
    expect(reconcileDay(ukDay, DEFAULT_TOLERANCES).breaks).toEqual([]);
  });
});
