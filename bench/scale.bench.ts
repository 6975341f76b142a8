/**
 * `npm run bench -- scale [--workers N] [--baseline N]`: a `Send` fan-out of N workers (default
 * 1,000) in per-node hosting on the local Step Functions runner, against the same graph with a
 * small fan-out (default 50) in the same run. Each worker is one node invocation through the
 * inline Map (40 at a time) and one commit applies all outputs as one superstep.
 *
 * Goals (exit 1 when one fails), each from observations of this run:
 * - the wide run's final state equals the in-process run's, and its `Run match` state was
 *   invoked exactly N times (counted by the local runner per state, not by the engine);
 * - the time per worker stays flat as the fan-out grows: wide / baseline ≤ 2 — a task's cost
 *   must not grow with its siblings' output (docs/engine.md, "Scale").
 * The suite keeps a smaller fan-out (test/integration/engine-scale.int.test.ts); this is the
 * full-size proof, too slow for every commit.
 */
import { parseArgs } from "node:util";
import { runInProcess, runOnStepFunctions } from "../local/engine.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { fanOutWorkflow } from "../test/fixtures/graphs.ts";
import { reportGoals } from "./lib/goals.ts";
import { printTable } from "./lib/table.ts";

const MAX_GROWTH = 2;

interface Measured {
  readonly workers: number;
  readonly ms: number;
  readonly invocations: number;
  readonly equal: boolean;
}

async function measure(aws: LocalAws, workers: number): Promise<Measured> {
  const workflow = fanOutWorkflow("per-node", workers);
  const input = { trades: Array.from({ length: workers * 3 }, (_, i) => i + 1) };
  const started = performance.now();
  const distributed = await runOnStepFunctions(workflow, input, { aws });
  const ms = performance.now() - started;
  const local = await runInProcess(workflow, input, { aws });
  return {
    workers,
    ms,
    invocations: distributed.stats.invocationsByState["Run match"] ?? 0,
    equal:
      distributed.status === "succeeded" && JSON.stringify(distributed.state) === JSON.stringify(local.state),
  };
}

export default async function scale(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { workers: { type: "string", default: "1000" }, baseline: { type: "string", default: "50" } },
  });
  const wide = Number(values.workers);
  const small = Number(values.baseline);
  if (!Number.isInteger(wide) || !Number.isInteger(small) || small < 1 || wide <= small) {
    console.error("scale: --workers and --baseline must be integers with workers > baseline ≥ 1");
    process.exitCode = 2;
    return;
  }
  const aws = await startLocalAws({ stage: "bench-scale" });
  try {
    console.log(
      `fan-out of ${small} workers (baseline), then ${wide}, per-node hosting, local Step Functions`,
    );
    const base = await measure(aws, small);
    const big = await measure(aws, wide);
    const perWorker = (m: Measured) => m.ms / m.workers;
    const growth = perWorker(big) / perWorker(base);
    printTable(
      "fan-out",
      [base, big].map((m) => ({
        workers: m.workers,
        "Run match invocations": m.invocations,
        "wall s": m.ms / 1000,
        "ms / worker": perWorker(m),
        "equals in-process": m.equal ? "yes" : "NO",
      })),
    );
    const ok = reportGoals([
      [`${wide}-worker run equals the in-process run`, big.equal && base.equal],
      [`Run match invoked exactly once per worker (${big.invocations} / ${wide})`, big.invocations === wide],
      [
        `time per worker flat: ${growth.toFixed(2)}× the ${small}-worker run (goal ≤ ${MAX_GROWTH}×)`,
        growth <= MAX_GROWTH,
      ],
    ]);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await aws.stop();
  }
}
