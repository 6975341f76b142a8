/**
 * `npm run bench -- telemetry [--repeats N] [--trades N] [--audit]`: what telemetry costs a run.
 * Every registered workflow, in-process and on the local Step Functions runner (per-node
 * hosting, the embedded AWS), three ways, side by side in one process:
 * - off: no telemetry at all (`TELEMETRY=off`);
 * - no-op: telemetry on, nothing exporting spans (no OTLP endpoint, no capture) — metrics into a
 *   Prometheus registry: `telemetry.hooks()` attaches no callback handler, the tracer is a no-op;
 * - on: spans exported over OTLP/HTTP (to a receiver in a child process that drops them) and the
 *   same metrics: still no callback handler — the observer counts and writes the spans from the
 *   engine's debug stream and the agents' reports (`functions/telemetry/spans.ts`).
 * Each run gets a fresh telemetry (as a CLI run or a cold Lambda does), built before the clock
 * starts; the clock stops after `flush()` (as a Lambda awaits it: spans exported, EMF out) — the
 * CPU clock once the process is idle again, so each run pays for the background work it left
 * (see `settle`), whichever the variant. Runs are interleaved — off, no-op, on, then no-op, on, off, … — so the noise of a
 * shared machine (other processes on its two cores) hits each variant alike; each figure is a
 * median with its spread (max − min over the median), and a ratio of medians against "off"
 * measured in the same run. The goals use the paired figure: in each round, every variant's time
 * over that round's off run, the median over rounds — the medians themselves move with the load
 * of the moment by more than telemetry costs, and a round's runs share the moment.
 * Logs are at SILENT and EMF is off (both would only measure the terminal).
 * By default the engine runners are called without the decision audit, whose recorder is a
 * callback handler too: with it attached, LangChain's callback machinery runs in every variant
 * and hides what attaching telemetry's handler costs. `--audit` measures with it, as every
 * local run records.
 *
 * Goals (exit 1 when one fails): no-op/off ≤ 1.03 and on/off ≤ 1.03 in CPU time (see CLOCKS),
 * each the median over every workflow × runner row of its paired ratio. A single row is printed against the target too,
 * but is not a goal: one row's ratio moves by a few percent from run to run on a shared machine.
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { runInProcessWith, type WorkflowDefinition } from "#engine";
import { createTelemetry, PrometheusRegistry, type TelemetryHooks } from "#telemetry";
import { workflows } from "#workflows";
import { runInProcess, runOnStepFunctions } from "../local/engine.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { localSaver } from "../local/saver.ts";
import { runOnStepFunctionsWith } from "../local/step-functions.ts";
import { reportGoals } from "./lib/goals.ts";
import { median, printTable, verdict } from "./lib/table.ts";

const TARGET = 1.03;
const MODES = ["off", "no-op", "on"] as const;
type Mode = (typeof MODES)[number];
/**
 * CPU time of this process (user + system) is what telemetry adds to: on a shared two-core
 * machine, wall time mostly measures how long the others kept the cores. Both are printed.
 */
const CLOCKS = ["cpu", "wall"] as const;
type Clock = (typeof CLOCKS)[number];
const CLOCK_TITLES: Record<Clock, string> = { cpu: "CPU time", wall: "Wall time" };
type Runner = "in-process" | "step-functions";

export default async function telemetryBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      repeats: { type: "string", default: "9" },
      trades: { type: "string", default: "2000" },
      audit: { type: "boolean", default: false },
    },
  });
  const repeats = Math.max(5, Number(values.repeats));
  const input = { dataset: { trades: Number(values.trades) } };
  const aws = await startLocalAws({ stage: "bench" });
  const receiver = await startReceiver();
  const loadAtStart = loadavg()[0] ?? 0;
  console.log(
    `Telemetry off / no-op / on: ${values.trades} trades, median of ${repeats} interleaved runs each, ` +
      `${values.audit ? "with" : "without"} the decision audit's handler. The machine is shared: ` +
      "other processes' load lands on every variant alike (interleaved), not on the figures' ratios.",
  );
  try {
    const rows: Row[] = [];
    for (const workflow of Object.values(workflows)) {
      for (const runner of ["in-process", "step-functions"] as const) {
        rows.push(await measure(aws, receiver.url, workflow, runner, input, repeats, values.audit));
      }
    }
    for (const clock of CLOCKS) {
      printTable(
        `${CLOCK_TITLES[clock]} per run, ms: median (spread = (max − min) / median); ratios against off: of the medians, and paired (median over rounds)`,
        rows.map((row) => {
          const r = row[clock];
          return {
            workflow: row.workflow,
            runner: row.runner,
            off: r.off.median,
            "off spread": percent(r.off.spread),
            "no-op": r.noop.median,
            "no-op spread": percent(r.noop.spread),
            on: r.on.median,
            "on spread": percent(r.on.spread),
            "no-op/off": r.noopRatio,
            "on/off": r.onRatio,
            "no-op/off paired": r.noopPaired,
            "on/off paired": r.onPaired,
            ok: verdict(r.noopPaired <= TARGET && r.onPaired <= TARGET),
          };
        }),
      );
    }
    const overall = (clock: Clock, k: keyof Ratios) => median(rows.map((r) => r[clock][k]));
    for (const clock of CLOCKS) {
      console.log(
        `\n${CLOCK_TITLES[clock]}, median of rows: no-op/off ${overall(clock, "noopPaired").toFixed(3)} paired ` +
          `(${overall(clock, "noopRatio").toFixed(3)} of medians), on/off ${overall(clock, "onPaired").toFixed(3)} paired ` +
          `(${overall(clock, "onRatio").toFixed(3)} of medians)`,
      );
    }
    console.log(
      `load average (1 min) at the start and end: ${loadAtStart.toFixed(1)}, ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
    );
    const noop = overall("cpu", "noopPaired");
    const on = overall("cpu", "onPaired");
    const held = reportGoals([
      [
        `telemetry no-op/off ≤ ${TARGET}, CPU time (median of ${rows.length} rows, paired): ${noop.toFixed(3)}`,
        noop <= TARGET,
      ],
      [
        `telemetry on/off ≤ ${TARGET}, CPU time (median of ${rows.length} rows, paired): ${on.toFixed(3)}`,
        on <= TARGET,
      ],
    ]);
    if (!held) process.exitCode = 1;
  } finally {
    await aws.stop();
    receiver.stop();
  }
}

type Row = Awaited<ReturnType<typeof measure>>;

/** A variant's figures: median and relative spread of its runs. */
interface Figures {
  readonly median: number;
  readonly spread: number;
}

async function measure(
  aws: LocalAws,
  otlpEndpoint: string,
  workflow: WorkflowDefinition,
  runner: Runner,
  input: unknown,
  repeats: number,
  audit: boolean,
) {
  const once = async (mode: Mode): Promise<Record<Clock, number>> => {
    const telemetry =
      mode === "off"
        ? undefined
        : createTelemetry({
            prometheus: new PrometheusRegistry(),
            logLevel: "SILENT",
            ...(mode === "on" ? { otlpEndpoint } : {}),
          });
    const hooks = telemetry?.hooks() ?? {};
    // What building telemetry leaves to run later (the OTLP exporter is made once its module
    // is in) is building, not the run: it ends before the clock starts, as the comment above says.
    await settle();
    const cpu = process.cpuUsage();
    const t = performance.now();
    await run(aws, workflow, runner, input, hooks, audit);
    await telemetry?.flush();
    const wall = performance.now() - t;
    // A run leaves work behind it (the embedded AWS's deferred writes, the GC's background
    // threads): every variant is charged for its own. Without this, "on" alone was, as its flush
    // waits for the collector's answer while that work runs, and each of the others left its
    // work to the next run — an "on" run then paid for two runs' leftovers.
    await settle();
    const used = process.cpuUsage(cpu);
    return { cpu: (used.user + used.system) / 1000, wall };
  };
  for (const mode of MODES) await once(mode); // warm: JIT, the data memo, the state machine
  const times: Record<Clock, Record<Mode, number[]>> = {
    cpu: { off: [], "no-op": [], on: [] },
    wall: { off: [], "no-op": [], on: [] },
  };
  for (let i = 0; i < repeats; i++) {
    // Rotate which goes first, so none always runs on a warmer (or busier) process.
    for (let j = 0; j < MODES.length; j++) {
      const mode = MODES[(i + j) % MODES.length] as Mode;
      const took = await once(mode);
      for (const clock of CLOCKS) times[clock][mode].push(took[clock]);
    }
  }
  return { workflow: workflow.name, runner, cpu: ratios(times.cpu), wall: ratios(times.wall) };
}

interface Ratios {
  readonly noopRatio: number;
  readonly onRatio: number;
  readonly noopPaired: number;
  readonly onPaired: number;
}

/** A clock's figures for one row: each variant's median and spread, and its ratios against off. */
function ratios(times: Record<Mode, number[]>): Ratios & Record<"off" | "noop" | "on", Figures> {
  const [off, noop, on] = MODES.map((m) => figures(times[m])) as [Figures, Figures, Figures];
  // Each round's variants ran back to back: their ratio to that round's off run cancels the
  // load of the moment, which moves the medians themselves by more than telemetry costs.
  const paired = (mode: Mode) => median(times[mode].map((t, i) => t / (times.off[i] as number)));
  return {
    off,
    noop,
    on,
    noopRatio: noop.median / off.median,
    onRatio: on.median / off.median,
    noopPaired: paired("no-op"),
    onPaired: paired("on"),
  };
}

/** One run through the runner, with the audit's recorder (as every local run) or without. */
async function run(
  aws: LocalAws,
  workflow: WorkflowDefinition,
  runner: Runner,
  input: unknown,
  hooks: Partial<TelemetryHooks>,
  audit: boolean,
): Promise<void> {
  if (audit) {
    if (runner === "in-process") await runInProcess(workflow, input, { aws, ...hooks });
    else await runOnStepFunctions(workflow, input, { aws, ...hooks });
    return;
  }
  const saver = localSaver(aws);
  if (runner === "in-process") await runInProcessWith(workflow, input, { saver, ...hooks });
  else await runOnStepFunctionsWith(workflow, { input }, { aws, saver, ...hooks });
}

/**
 * An OTLP/HTTP receiver that reads every request and drops it: export without a collector. It
 * runs in a child process, as a collector would run outside the Lambda: its work is not the
 * exporting process's CPU time.
 */
async function startReceiver(): Promise<{ url: string; stop: () => void }> {
  const source = `
    const server = require("node:http").createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    });
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the OTLP receiver exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/**
 * Waits until the process is idle: a 10 ms window in which it used under 0.3 ms of CPU (at most
 * 20 windows). Idle windows cost every variant alike, a few hundredths of a millisecond each.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const used = process.cpuUsage(before);
    if (used.user + used.system < 300) return;
  }
}

function figures(times: readonly number[]): Figures {
  const m = median(times);
  return { median: m, spread: (Math.max(...times) - Math.min(...times)) / m };
}

function percent(v: number): string {
  return `${(v * 100).toFixed(0)}%`;
}
