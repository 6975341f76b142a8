/**
 * `npm run bench -- telemetry [--repeats N] [--trades N]`: every registered workflow with
 * telemetry on (callbacks + observer: spans, metrics into the Prometheus registry, cost) and
 * off (no hooks at all), side by side in one process, on the embedded AWS, in-process and on
 * the local Step Functions runner. Runs alternate on/off so drift hits both equally; the
 * figure is the ratio of medians. Target (issue: observability): on/off ≤ 1.05.
 * Logs are at SILENT and EMF is off here (both would only measure the terminal); spans are
 * still created and ended in full, with no exporter (as with OTLP unset).
 * A third column runs a no-op LangChain handler: LangChain builds a run (ids, run tree) for
 * every node, model and tool call as soon as ANY handler is attached, so "on / no-op" is what
 * Switchyard's handler itself costs and "no-op / off" is LangChain's callback machinery.
 * Those ratios move by several percent from run to run on a shared machine, more than the
 * handler costs, so "handler / off" measures the callback handler alone (not the observer): the
 * callback events of one run are recorded, then replayed through a fresh handler many times,
 * and its time per run is divided by the off run's. Warm and in a tight loop, it is a floor.
 *
 * Goal (exit 1 when it fails): on/off ≤ 1.05 overall — the median over every workflow × runner
 * row of its ratio of medians. A single row is shown against the target too, but is not a goal:
 * one row's ratio moves by several percent from run to run (see above).
 */
import { parseArgs } from "node:util";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { WorkflowDefinition } from "#engine";
import { createTelemetry, PrometheusRegistry, type Telemetry } from "#telemetry";
import { workflows } from "#workflows";
import { runInProcess, runOnStepFunctions } from "../local/engine.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { reportGoals } from "./lib/goals.ts";
import { median, printTable, verdict } from "./lib/table.ts";

const TARGET = 1.05;
type RunHooks = Pick<Parameters<typeof runInProcess>[2], "callbacks" | "observer">;
type Mode = "off" | "noop" | "on";
const MODES: readonly Mode[] = ["off", "noop", "on"];

/** Attached but doing nothing: the cost of LangChain's callback machinery alone. */
class NoopHandler extends BaseCallbackHandler {
  readonly name = "noop";
}

/** The callbacks the telemetry handler implements: what is recorded and replayed. */
const EVENTS = [
  "handleChainStart",
  "handleChainEnd",
  "handleChainError",
  "handleChatModelStart",
  "handleLLMEnd",
  "handleLLMError",
  "handleToolStart",
  "handleToolEnd",
  "handleToolError",
] as const;
type Event = readonly [(typeof EVENTS)[number], unknown[]];

/** Keeps every event of a run, arguments as LangChain passed them, to replay without LangChain. */
class RecordingHandler extends BaseCallbackHandler {
  readonly name = "recorder";
  override awaitHandlers = true;
  readonly events: Event[] = [];
}
for (const name of EVENTS) {
  Object.defineProperty(RecordingHandler.prototype, name, {
    value(this: RecordingHandler, ...args: unknown[]) {
      this.events.push([name, args]);
    },
  });
}

export default async function telemetryBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { repeats: { type: "string", default: "7" }, trades: { type: "string", default: "2000" } },
  });
  const repeats = Number(values.repeats);
  const input = { dataset: { trades: Number(values.trades) } };
  const aws = await startLocalAws({ stage: "bench" });
  try {
    const rows = [];
    for (const workflow of Object.values(workflows)) {
      for (const runner of ["in-process", "step-functions"] as const) {
        rows.push(await measure(aws, workflow, runner, input, repeats));
      }
    }
    const overall = median(rows.map((r) => r.ratio));
    printTable(`Telemetry on vs off, ${values.trades} trades, median of ${repeats} alternating runs`, [
      ...rows.map((r) => ({ ...r, ratio: r.ratio, target: `≤ ${TARGET}`, ok: verdict(r.ratio <= TARGET) })),
    ]);
    const own = median(rows.map((r) => r["on / no-op"]));
    const alone = median(rows.map((r) => r["handler / off"]));
    console.log(
      `\noverall on/off (median of rows): ${overall.toFixed(3)} ${verdict(overall <= TARGET)} target ≤ ${TARGET}`,
    );
    console.log(`Switchyard's handler over a no-op LangChain handler (median of rows): ${own.toFixed(3)}`);
    console.log(
      `Switchyard's handler alone, replayed, over the off run (median of rows): ${alone.toFixed(4)}`,
    );
    const held = reportGoals([
      [
        `telemetry on/off ≤ ${TARGET} overall (median of ${rows.length} rows): ${overall.toFixed(3)}`,
        rows.length > 0 && overall <= TARGET,
      ],
    ]);
    if (!held) process.exitCode = 1;
  } finally {
    await aws.stop();
  }
}

async function measure(
  aws: LocalAws,
  workflow: WorkflowDefinition,
  runner: "in-process" | "step-functions",
  input: unknown,
  repeats: number,
) {
  const registry = new PrometheusRegistry();
  const telemetry = createTelemetry({ prometheus: registry, logLevel: "SILENT" });
  const hooks = (mode: Mode): RunHooks => {
    if (mode === "off") return {};
    if (mode === "noop") return { callbacks: [new NoopHandler()] };
    return runner === "in-process"
      ? { callbacks: [telemetry.callbacks({ rootIsRun: true, workflow: workflow.name })] }
      : { callbacks: [telemetry.callbacks({ rootIsRun: false })], observer: telemetry.observer };
  };
  const run = async (attached: RunHooks) => {
    const t = performance.now();
    if (runner === "in-process") await runInProcess(workflow, input, { aws, ...attached });
    else await runOnStepFunctions(workflow, input, { aws, ...attached });
    return performance.now() - t;
  };
  const once = (mode: Mode) => run(hooks(mode));
  for (const mode of MODES) await once(mode); // warm: JIT, the data memo, the state machine
  const times: Record<Mode, number[]> = { off: [], noop: [], on: [] };
  for (let i = 0; i < repeats; i++) {
    // Rotate which goes first, so none always runs on a warmer process.
    for (let j = 0; j < MODES.length; j++) {
      const mode = MODES[(i + j) % MODES.length] as Mode;
      times[mode].push(await once(mode));
    }
  }
  const handlerMs = await replayHandler(telemetry, workflow, runner, run);
  await telemetry.flush();
  const [off, noop, on] = [median(times.off), median(times.noop), median(times.on)];
  return {
    workflow: workflow.name,
    runner,
    "off ms": off,
    "no-op ms": noop,
    "on ms": on,
    ratio: on / off,
    "on / no-op": on / noop,
    "handler / off": handlerMs / off,
  };
}

/**
 * Milliseconds the telemetry handler spends on one run's callbacks: one run is recorded, then
 * its events go through a fresh handler (as each run gets) in batches; the median batch counts.
 */
async function replayHandler(
  telemetry: Telemetry,
  workflow: WorkflowDefinition,
  runner: "in-process" | "step-functions",
  run: (hooks: RunHooks) => Promise<number>,
): Promise<number> {
  const recorder = new RecordingHandler();
  await run({ callbacks: [recorder] });
  const options =
    runner === "in-process" ? { rootIsRun: true, workflow: workflow.name } : { rootIsRun: false };
  const batch = 50;
  const perRun: number[] = [];
  for (let b = 0; b < 9; b++) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) {
      const handler = telemetry.callbacks(options) as unknown as Record<string, (...args: unknown[]) => void>;
      for (const [name, args] of recorder.events) handler[name]?.(...args);
    }
    if (b > 0) perRun.push((performance.now() - t) / batch);
  }
  return median(perRun);
}
