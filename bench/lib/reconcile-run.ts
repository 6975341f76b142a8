/**
 * One measured reconciliation, in its own process so its peak RSS is its own (the reconcile
 * bench starts one per row). Prints one JSON line: wall time, peak RSS, break count and a digest
 * of `breaks` (sorted by id) that the bench compares across modes.
 *
 *   tsx bench/lib/reconcile-run.ts single   <dayDir>            one in-process pass over the whole day
 *   tsx bench/lib/reconcile-run.ts workflow <dayDir> <outDir> <partitionSize> <concurrency>
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { MemorySaver } from "@langchain/langgraph";
import { type Break, DEFAULT_TOLERANCES, loadTradingDay, localStore, reconcileDay } from "#trading";
import { type ReconciliationStateValue, reconciliation } from "#workflows";

const [mode, dayDir, outDir, partitionSize, concurrency] = process.argv.slice(2);

function digest(breaks: readonly Break[]): string {
  return createHash("sha256").update(JSON.stringify(breaks)).digest("hex").slice(0, 16);
}

const started = performance.now();
let breaks: readonly Break[];
let workers = 1;
if (mode === "single") {
  const { day } = await loadTradingDay(localStore(), dayDir as string);
  breaks = reconcileDay(day, DEFAULT_TOLERANCES).breaks;
} else {
  const input = reconciliation.input.parse({
    data: { uri: dayDir },
    out: `${outDir}/`,
    partitionSize: Number(partitionSize),
  });
  const app = reconciliation.graph.compile({ checkpointer: new MemorySaver() });
  // Like Lambda's concurrency: a few workers at a time, each holding only its own partition.
  const state = (await app.invoke(reconciliation.toState(input), {
    configurable: { thread_id: "bench" },
    maxConcurrency: Number(concurrency),
  })) as ReconciliationStateValue;
  workers = state.matched.length;
  breaks = JSON.parse(await readFile(join(outDir as string, "breaks.json"), "utf8")) as Break[];
}
const ms = performance.now() - started;
console.log(
  JSON.stringify({
    mode,
    ms: Math.round(ms),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    breaks: breaks.length,
    digest: digest(breaks),
    workers,
  }),
);
