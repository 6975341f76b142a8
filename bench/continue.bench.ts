/**
 * `npm run bench -- continue [--supersteps N] [--after K]`: a loop of N one-task supersteps
 * (default 300) in per-node hosting on the local Step Functions runner, once in one execution and
 * once continuing as new every K supersteps (default 50), in the same run.
 *
 * Goals (exit 1 when one fails), each from observations of this run:
 * - both runs end with the state plain `invoke` gives;
 * - the continued run went through ⌈N / K⌉ executions, counted by the local runner's calls of
 *   the `Start` state (one per execution), not by the engine;
 * - a hand-over costs little: time per superstep with hand-overs ≤ 1.25× the one-execution run's.
 * Also printed: each run's history events per execution as the engine estimates them
 * (docs/engine.md, "Long runs: continue-as-new").
 */

import { parseArgs } from "node:util";
import { MemorySaver } from "@langchain/langgraph";
import { historyCost, superstepEvents } from "#engine";
import { runOnStepFunctions } from "../local/engine.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { longLoopGraph, longLoopWorkflow } from "../test/fixtures/long-loop.ts";
import { reportGoals } from "./lib/goals.ts";
import { printTable } from "./lib/table.ts";

const MAX_OVERHEAD = 1.25;

interface Measured {
  readonly label: string;
  readonly ms: number;
  readonly executions: number;
  readonly starts: number;
  readonly state: unknown;
}

async function measure(aws: LocalAws, label: string, supersteps: number, after: number): Promise<Measured> {
  const workflow = longLoopWorkflow("per-node", { rounds: supersteps, afterSupersteps: after });
  const started = performance.now();
  const run = await runOnStepFunctions(workflow, {}, { aws, threadId: `bench-${label}-${Date.now()}` });
  return {
    label,
    ms: performance.now() - started,
    executions: run.executions.length,
    starts: run.stats.invocationsByState.Start ?? 0,
    state: run.status === "succeeded" ? run.state : undefined,
  };
}

export default async function continueAsNew(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { supersteps: { type: "string", default: "300" }, after: { type: "string", default: "50" } },
  });
  const supersteps = Number(values.supersteps);
  const after = Number(values.after);
  if (!Number.isInteger(supersteps) || !Number.isInteger(after) || after < 1 || supersteps <= after) {
    console.error("continue: --supersteps and --after must be integers with supersteps > after ≥ 1");
    process.exitCode = 2;
    return;
  }
  const plain = await longLoopGraph(supersteps)
    .compile({ checkpointer: new MemorySaver() })
    .invoke({}, { configurable: { thread_id: "plain" }, recursionLimit: supersteps + 10 });
  const aws = await startLocalAws({ stage: "bench-continue" });
  try {
    console.log(`a loop of ${supersteps} one-task supersteps, per-node hosting, local Step Functions`);
    const one = await measure(aws, "one-execution", supersteps, supersteps + 1);
    const continued = await measure(aws, "continued", supersteps, after);
    const cost = historyCost(longLoopWorkflow("per-node", { rounds: supersteps }));
    const events = (perExecution: number) =>
      cost.opening + perExecution * superstepEvents(cost, 1) + cost.closing;
    printTable(
      "continue-as-new",
      [one, continued].map((m) => ({
        run: m.label,
        executions: m.executions,
        "Start calls": m.starts,
        "history events / execution (est.)": events(
          Math.min(supersteps, m.label === "continued" ? after : supersteps),
        ),
        "wall s": m.ms / 1000,
        "ms / superstep": m.ms / supersteps,
      })),
    );
    const overhead = continued.ms / one.ms;
    const expected = Math.ceil(supersteps / after);
    const equal = (m: Measured) => JSON.stringify(m.state) === JSON.stringify(plain);
    const ok = reportGoals([
      ["both runs end with plain invoke's state", equal(one) && equal(continued)],
      [
        `${expected} executions when continuing every ${after} (Start called ${continued.starts}×; one execution: ${one.starts}×)`,
        continued.starts === expected && one.starts === 1,
      ],
      [
        `hand-overs cost little: ${overhead.toFixed(2)}× the one-execution run's time (goal ≤ ${MAX_OVERHEAD}×)`,
        overhead <= MAX_OVERHEAD,
      ],
    ]);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await aws.stop();
  }
}
