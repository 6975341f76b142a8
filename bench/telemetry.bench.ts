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
 */
import { parseArgs } from "node:util";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { WorkflowDefinition } from "#engine";
import { createTelemetry, PrometheusRegistry } from "#telemetry";
import { workflows } from "#workflows";
import { runInProcess, runOnStepFunctions } from "../local/engine.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { median, printTable, verdict } from "./lib/table.ts";

const TARGET = 1.05;
type Mode = "off" | "noop" | "on";
const MODES: readonly Mode[] = ["off", "noop", "on"];

/** Attached but doing nothing: the cost of LangChain's callback machinery alone. */
class NoopHandler extends BaseCallbackHandler {
  readonly name = "noop";
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
    console.log(
      `\noverall on/off (median of rows): ${overall.toFixed(3)} ${verdict(overall <= TARGET)} target ≤ ${TARGET}`,
    );
    console.log(`Switchyard's handler over a no-op LangChain handler (median of rows): ${own.toFixed(3)}`);
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
  const hooks = (mode: Mode) => {
    if (mode === "off") return {};
    if (mode === "noop") return { callbacks: [new NoopHandler()] };
    return runner === "in-process"
      ? { callbacks: [telemetry.callbacks({ rootIsRun: true, workflow: workflow.name })] }
      : { callbacks: [telemetry.callbacks({ rootIsRun: false })], observer: telemetry.observer };
  };
  const once = async (mode: Mode) => {
    const t = performance.now();
    if (runner === "in-process") await runInProcess(workflow, input, { aws, ...hooks(mode) });
    else await runOnStepFunctions(workflow, input, { aws, ...hooks(mode) });
    return performance.now() - t;
  };
  for (const mode of MODES) await once(mode); // warm: JIT, the data memo, the state machine
  const times: Record<Mode, number[]> = { off: [], noop: [], on: [] };
  for (let i = 0; i < repeats; i++) {
    // Rotate which goes first, so none always runs on a warmer process.
    for (let j = 0; j < MODES.length; j++) {
      const mode = MODES[(i + j) % MODES.length] as Mode;
      times[mode].push(await once(mode));
    }
  }
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
  };
}
