import { generateTradeDay } from "./generate.ts";
import { resolveDatasetSpec } from "./spec.ts";
import type { DatasetSpec, TradeDay } from "./types.ts";

/**
 * A few recent days per process. Lambdas keep module state between warm invocations, so the
 * nodes of one run regenerate their day once, not once per node; the bound keeps a long-lived
 * process from holding every day it ever saw.
 */
const MEMO_SIZE = 4;
const memo = new Map<string, TradeDay>();

/**
 * The trade day for a spec, generated on first use and then served from memory. The day is
 * shared: treat it as read-only.
 *
 * @example
 * const day = loadTradeDay({ seed: 42, trades: 2000, date: "2026-11-24" });
 * day === loadTradeDay({ seed: 42, trades: 2000, date: "2026-11-24" }); // true
 */
export function loadTradeDay(spec: Partial<DatasetSpec> = {}): TradeDay {
  const resolved = resolveDatasetSpec(spec);
  const key = `${resolved.seed}:${resolved.trades}:${resolved.date}:${resolved.breakRate}`;
  const cached = memo.get(key);
  if (cached) {
    // Re-insert to mark as most recently used.
    memo.delete(key);
    memo.set(key, cached);
    return cached;
  }
  const { day } = generateTradeDay(resolved);
  memo.set(key, day);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  return day;
}
