import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GeneratedTradeDay } from "./types.ts";

/** The files {@link writeTradeDay} writes, one JSON document each. */
export const TRADE_DAY_FILES = [
  "trades.json",
  "confirmations.json",
  "prices.json",
  "positions.json",
  "limits.json",
  "reference.json",
  "ground-truth.json",
] as const;

/**
 * Writes a generated day to `dir` (created if needed): the data files and, beside them,
 * `ground-truth.json` with the injected breaks. Returns the paths written.
 *
 * @example
 * await writeTradeDay("out/2026-11-24", generateTradeDay());
 */
export async function writeTradeDay(dir: string, generated: GeneratedTradeDay): Promise<string[]> {
  const { day, groundTruth } = generated;
  await mkdir(dir, { recursive: true });
  const documents: Record<(typeof TRADE_DAY_FILES)[number], unknown> = {
    "trades.json": day.trades,
    "confirmations.json": day.confirmations,
    "prices.json": { asOf: day.asOf, prices: day.prices },
    "positions.json": day.positions,
    "limits.json": day.limits,
    "reference.json": {
      spec: day.spec,
      instruments: day.instruments,
      counterparties: day.counterparties,
      desks: day.desks,
    },
    "ground-truth.json": { spec: day.spec, breaks: groundTruth },
  };
  const paths: string[] = [];
  for (const name of TRADE_DAY_FILES) {
    const path = join(dir, name);
    await writeFile(path, `${JSON.stringify(documents[name], null, 2)}\n`);
    paths.push(path);
  }
  return paths;
}
