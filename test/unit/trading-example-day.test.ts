import { describe, expect, it } from "vitest";
import { loadTradingDay } from "../../functions/trading/load/index.ts";
import { reconcileDay } from "../../functions/trading/match/index.ts";
import { localStore } from "../../functions/trading/store/index.ts";
import { DEFAULT_TOLERANCES } from "../../functions/trading/tolerances.ts";

/**
 * The hand-built example day shipped in docs/examples/data (business date Monday 28 December
 * 2026: London and Toronto closed for the Boxing Day substitute, New York open). Every break
 * below was put there on purpose; so were the traps around them (a price exactly at each
 * tolerance, partial fills, dirty and foreign references, an inverse FX confirmation, a CUSIP,
 * identical twins, an amendment confirmed at its new terms, a gilt close from before the UK
 * holiday) — none of which may be flagged.
 */
const EXPECTED = [
  "AMENDMENT_NOT_CONFIRMED:T-1019:price",
  "CANCELLED_BUT_CONFIRMED:T-1017",
  "COUNTERPARTY_SSI_MISMATCH:T-1010:counterparty.lei",
  "COUNTERPARTY_SSI_MISMATCH:T-1011:ssiId",
  "CURRENCY_MISMATCH:T-1006:currency",
  "DUPLICATE_BOOKING:T-1013+T-1014",
  "MISSING_CONFIRMATION:T-1012",
  "PRICE_MISMATCH:T-1002:price",
  "PRICE_MISMATCH:T-1009:price",
  "PRICE_MISMATCH:T-1022:price",
  "QUANTITY_MISMATCH:T-1004:quantity",
  "SETTLE_DATE_MISMATCH:T-1007:settleDate",
  "SIDE_MISMATCH:T-1005:side",
  "STALE_PRICE:US67066G1040",
  "UNKNOWN_CONFIRMATION:C-5901",
  "UNKNOWN_CONFIRMATION:C-5902",
];

describe("the example day in docs/examples/data", () => {
  it("finds exactly the breaks put there, in every category, and none of the traps", async () => {
    // Prepare
    const { day, quarantine } = await loadTradingDay(localStore(), "docs/examples/data");
    // Act
    const { breaks, matches } = reconcileDay(day, DEFAULT_TOLERANCES);
    // Assess
    expect(breaks.map((b) => b.breakId)).toEqual(EXPECTED);
    expect(new Set(breaks.map((b) => b.category)).size).toBe(12);
    expect(breaks.find((b) => b.category === "STALE_PRICE")?.tradeIds).toEqual([
      "T-1005",
      "T-1019",
      "T-1027",
    ]);
    expect(quarantine).toEqual([
      expect.objectContaining({ line: 32, field: "tradeDate", recordId: "T-1031" }),
    ]);
    const byEconomics = matches
      .filter((m) => m.confirmations.some((c) => c.pairedBy === "economics"))
      .map((m) => m.tradeId);
    expect(byEconomics).toEqual(["T-1015", "T-1016", "T-1025", "T-1027"]);
  });
});

describe("the example day as an OMS export read through a mapping file", () => {
  it("gives the same breaks as the canonical files", async () => {
    // Prepare: the trades as an OMS would export them — its own headers, B/S sides, no status column.
    const { mkdtemp, readFile, writeFile, copyFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "oms-day-"));
    const canonical = (await readFile("docs/examples/data/trades.csv", "utf8")).split("\n");
    const headers: Record<string, string> = {
      tradeId: "TradeRef",
      side: "BuySell",
      quantity: "Qty",
      price: "Px",
      "counterparty.lei": "CptyLEI",
      "counterparty.name": "Cpty",
      instrumentId: "ISIN",
    };
    const header = (canonical[0] as string).split(",").map((h) => headers[h] ?? `X_${h}`);
    const sideColumn = header.indexOf("BuySell");
    const rows = canonical.slice(1).map((line) =>
      line
        .split(",")
        .map((cell, i) => (i === sideColumn ? (cell === "BUY" ? "B" : cell === "SELL" ? "S" : cell) : cell))
        .join(","),
    );
    await writeFile(join(dir, "trades.csv"), [header.join(","), ...rows].join("\n"));
    for (const name of ["instruments.json", "confirmations.jsonl", "prices.csv", "manifest.json"]) {
      await copyFile(join("docs/examples/data", name), join(dir, name));
    }
    const fields = Object.fromEntries(
      (canonical[0] as string).split(",").map((h) => [headers[h] ?? `X_${h}`, h]),
    );
    await writeFile(
      join(dir, "mapping.json"),
      JSON.stringify({ trades: { fields, values: { side: { B: "BUY", S: "SELL" } } } }),
    );
    // Act
    const mapped = await loadTradingDay(localStore(), dir);
    const original = await loadTradingDay(localStore(), "docs/examples/data");
    // Assess
    expect(reconcileDay(mapped.day, DEFAULT_TOLERANCES).breaks).toEqual(
      reconcileDay(original.day, DEFAULT_TOLERANCES).breaks,
    );
    expect(mapped.quarantine.map((q) => [q.line, q.field])).toEqual([[32, "tradeDate"]]);
  });
});
