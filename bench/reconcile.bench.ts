/**
 * `npm run bench -- reconcile [trades…] [--partition-size n] [--concurrency n]`: the partitioned
 * reconciliation (orchestrator streams the day into partition objects, workers read only their
 * own, `maxConcurrency` at a time as Lambda would run them) side by side with ONE in-process pass
 * over the same data (load the whole day, `reconcileDay`), at 10k, 100k and 1M trades by default.
 * Each row runs in its own process, so peak RSS is that run's alone.
 *
 * Goals (exit 1 when one fails):
 * - the same breaks, byte for byte (digest), in both modes at every size;
 * - linear cost: the workflow's time per trade at the largest size within 2× of the smallest;
 * - bounded memory: the workflow's peak RSS grows less than half as fast as the day (from the
 *   smallest size to the largest), and stays below the single pass's at the largest.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeGeneratedDay } from "#trading/generate";
import { type Goal, notMeasured, reportGoals } from "./lib/goals.ts";
import { printTable, verdict } from "./lib/table.ts";

const run = promisify(execFile);

interface Measured {
  mode: string;
  ms: number;
  peakRssMb: number;
  breaks: number;
  digest: string;
  workers: number;
}

export default async function bench(args: string[]): Promise<void> {
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
  };
  const partitionSize = flag("--partition-size", 2000);
  const concurrency = flag("--concurrency", 4);
  const sizes = args.length > 0 ? args.map(Number) : [10_000, 100_000, 1_000_000];
  const root = join(tmpdir(), "switchyard-bench-reconcile");
  const rows: Record<string, string | number>[] = [];
  const results: { trades: number; single: Measured; workflow: Measured }[] = [];

  for (const trades of sizes) {
    const dayDir = join(root, `day-${trades}`);
    if (!existsSync(join(dayDir, "manifest.json"))) {
      console.error(`generating ${trades.toLocaleString("en-US")} trades into ${dayDir} …`);
      await writeGeneratedDay(dayDir, { seed: 42, trades }, { format: "jsonl" });
    }
    const outDir = join(root, `out-${trades}`);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    console.error(`reconciling ${trades.toLocaleString("en-US")} trades: one in-process pass …`);
    const single = await measure(["single", dayDir], 16_384);
    console.error(`reconciling ${trades.toLocaleString("en-US")} trades: partitioned workflow …`);
    const workflow = await measure(
      ["workflow", dayDir, outDir, String(partitionSize), String(concurrency)],
      4096,
    );
    results.push({ trades, single, workflow });
    for (const m of [single, workflow]) {
      rows.push({
        trades,
        mode: m.mode === "single" ? "one pass, whole day" : `workflow, ${m.workers} partitions`,
        seconds: m.ms / 1000,
        "trades/s": Math.round(trades / (m.ms / 1000)),
        "peak RSS MB": m.peakRssMb,
        breaks: m.breaks,
        "same breaks": verdict(m.digest === single.digest),
      });
    }
  }
  printTable(
    `Reconciliation, partitioned workflow vs one in-process pass (partition size ${partitionSize}, ${concurrency} workers at a time)`,
    rows,
  );

  const first = results[0];
  const last = results.at(-1);
  const goals: Goal[] = [
    ["same breaks in both modes at every size", results.every((r) => r.single.digest === r.workflow.digest)],
  ];
  if (first && last && last !== first) {
    const perTrade = (r: { trades: number; workflow: Measured }) => r.workflow.ms / r.trades;
    const timeRatio = perTrade(last) / perTrade(first);
    const rssGrowth = last.workflow.peakRssMb / first.workflow.peakRssMb;
    const dayGrowth = last.trades / first.trades;
    goals.push([
      `linear cost: time per trade at ${last.trades} is ${timeRatio.toFixed(2)}× that at ${first.trades} (≤ 2)`,
      timeRatio <= 2,
    ]);
    // Memory is judged only over a real span of sizes: at small days the process's own baseline dominates.
    const span =
      dayGrowth >= 10
        ? undefined
        : notMeasured(`the sizes span ${dayGrowth}×, memory is judged over 10× or more`);
    goals.push([
      `bounded memory: peak RSS grew ${rssGrowth.toFixed(2)}× for ${dayGrowth}× the trades (< ${(dayGrowth / 2).toFixed(1)}×)`,
      span ?? rssGrowth < dayGrowth / 2,
    ]);
    goals.push([
      `bounded memory: workflow peak RSS at ${last.trades} is ${(last.workflow.peakRssMb / last.single.peakRssMb).toFixed(2)}× the single pass's (< 1)`,
      span ?? last.workflow.peakRssMb < last.single.peakRssMb,
    ]);
  }
  if (!reportGoals(goals)) process.exitCode = 1;
}

async function measure(args: string[], heapMb: number): Promise<Measured> {
  const { stdout } = await run("npx", ["tsx", join("bench", "lib", "reconcile-run.ts"), ...args], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${heapMb}` },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as Measured;
}
