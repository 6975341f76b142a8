/**
 * `npm run bench -- engine [--trades N] [--bundles-only]`: each sample workflow in every hosting mode, on the
 * embedded AWS — the local Step Functions run against the in-process run measured in the same
 * process (the baseline), with the AWS usage that decides cost, and that cost on a Standard and
 * an Express state machine (per 1,000 runs and the orchestration's share per superstep) — then
 * every Lambda bundle's size and cold import time against an empty module's.
 *
 * Goals (issue #4; exit 1 when one fails):
 * - distributed ≤ 3× in-process per superstep: the local Step Functions run's ms per superstep
 *   within 3× the in-process run's, for every workflow in every hosting mode;
 * - every engine Lambda (start, run-node, commit, superstep, graph, for each workflow it serves),
 *   as `lib/bundling` builds it for CDK synth, loads ≤ 1.2 MiB of JavaScript at cold start: every
 *   file a fresh process importing it with that `WORKFLOW_NAME` reads, observed by a module hook
 *   (the workflow's own chunks included; source maps and chunks it never reaches not counted); a
 *   run-node Lambda serves one node (`NODE_NAME`) and reads its code during init: its row is the
 *   workflow's node whose cold start reads the most;
 * - every such cold import (median of fresh processes, taken in turns with the baseline's; the
 *   served workflow's module loaded within it) ≤ the baseline's: a handler importing only
 *   LangGraph, Powertools and the DynamoDB client (bench/lib/baseline-handler.ts), built the same
 *   way in the same run (issue #16).
 */

import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { FunctionSlot, Hosting, WorkflowDefinition } from "#engine";
import { workflows } from "#workflows";
import { bundleFiles, bundleLambda, type LambdaBundle } from "../lib/bundling/index.ts";
import { externalsFor } from "../lib/constructs/model-provider.ts";
import { runInProcess, runOnStepFunctions } from "../local/engine.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { localSaver } from "../local/saver.ts";
import { coldImportTimes, emptyImportMs, loadedAtStart, outputsAmong, topModules } from "./lib/bundles.ts";
import { type Goal, reportGoals } from "./lib/goals.ts";
import { printLatencyModel } from "./lib/latency-profile.ts";
import { costPerRun, orchestrationCost } from "./lib/prices.ts";
import { median, printTable, verdict } from "./lib/table.ts";

const HOSTINGS: Hosting[] = ["per-node", "per-superstep", "per-graph"];
const REPEATS = 3;
const MIB = 1024 * 1024;
const MAX_RATIO = 3;
const MAX_MIB = 1.2;
/** Fresh processes per bundle for the cold-import median. */
const IMPORT_RUNS = 7;
const ROLES = ["start", "run-node", "commit", "superstep", "graph"] as const;
const BASELINE = "baseline";

export default async function engineBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      trades: { type: "string", default: "2000" },
      "bundles-only": { type: "boolean", default: false },
    },
  });
  const input = { dataset: { trades: Number(values.trades) } };
  const aws = await startLocalAws({ stage: "bench" });
  try {
    const rows = [];
    if (!values["bundles-only"]) {
      for (const workflow of Object.values(workflows)) {
        for (const hosting of HOSTINGS)
          rows.push(await measureWorkflow(aws, { ...workflow, hosting }, input));
      }
      printTable(
        `Engine: distributed (local Step Functions) vs in-process, ${values.trades} trades, median of ${REPEATS}`,
        rows.map(({ usage: _usage, ...row }) => row),
      );
      printTable(
        "Cost by hosting mode × execution type (USD; Express duration = the local run's median, one execution per run)",
        rows.flatMap(costRows),
      );
    }
    const bundles = await benchBundles(aws);
    // The latency model (issue #16 §4): the same workflows predicted on AWS, cold starts from these bundles.
    if (!values["bundles-only"])
      await printLatencyModel(
        aws,
        Object.values(workflows).flatMap((w) => HOSTINGS.map((hosting) => ({ ...w, hosting }))),
        input,
        bundles,
        memoryMb,
      );
    const all = goals(rows, bundles);
    // --bundles-only: the workflow goal was not measured, so it is not judged.
    if (!reportGoals(values["bundles-only"] ? all.slice(1) : all)) process.exitCode = 1;
  } finally {
    await aws.stop();
  }
}

type WorkflowRow = Awaited<ReturnType<typeof measureWorkflow>>;

/**
 * One run's price on each execution type: per 1,000 runs, and the orchestration's share per
 * superstep (Standard's transitions, or Express's request and duration) — the overhead the
 * execution type adds to each superstep beside the Lambdas and DynamoDB both pay.
 */
function costRows(row: WorkflowRow) {
  return (["standard", "express"] as const).map((execution) => ({
    workflow: row.workflow,
    hosting: row.hosting,
    execution,
    supersteps: row.supersteps,
    "$ per 1k runs": costPerRun(row.usage, execution) * 1000,
    "orchestration $ per 1k runs": orchestrationCost(row.usage, execution) * 1000,
    "orchestration µ$ per superstep": (orchestrationCost(row.usage, execution) / row.supersteps) * 1e6,
    "ms/step SFN": row["ms/step SFN"],
  }));
}
type BundleRow = Awaited<ReturnType<typeof benchBundles>>[number];

/** The goals, judged on the figures the tables show (the same figures their ✓/✗ columns judge). */
function goals(rows: readonly WorkflowRow[], bundles: readonly BundleRow[]): Goal[] {
  const worst = <T>(items: readonly T[], by: (t: T) => number) =>
    items.reduce<T | undefined>((w, t) => (w === undefined || by(t) > by(w) ? t : w), undefined);
  const misses = <T>(items: readonly T[], ok: (t: T) => boolean, name: (t: T) => string) => {
    const failed = items.filter((t) => !ok(t)).map(name);
    return failed.length > 0 ? `; over: ${failed.join(", ")}` : "";
  };
  const ratio = (r: WorkflowRow) => r["SFN/in-proc"];
  const run = (r: WorkflowRow) => `${r.workflow}/${r.hosting}`;
  const slowest = worst(rows, ratio);
  const largest = worst(bundles, (b) => b["loaded MiB"]);
  const slowestImport = worst(bundles, (b) => b["import ms"]);
  const baselineMs = bundles[0]?.["baseline ms"] ?? Number.NaN;
  const lambda = (b: BundleRow) => `${b.workflow}/${b.handler}${b.node ? ` (${b.node})` : ""}`;
  const ratioOk = (r: WorkflowRow) => ratio(r) <= MAX_RATIO;
  const sizeOk = (b: BundleRow) => b["loaded MiB"] <= MAX_MIB;
  const importOk = (b: BundleRow) => b["import ms"] <= b["baseline ms"];
  return [
    [
      `distributed ≤ ${MAX_RATIO}× in-process per superstep in all ${rows.length} workflow × hosting runs: ` +
        `worst ${slowest ? `${ratio(slowest).toFixed(2)}× (${run(slowest)})` : "—"}${misses(rows, ratioOk, run)}`,
      rows.length > 0 && rows.every(ratioOk),
    ],
    [
      `every engine Lambda (workflow × role) loads ≤ ${MAX_MIB} MiB at cold start: largest ` +
        `${largest ? `${largest["loaded MiB"].toFixed(2)} MiB (${lambda(largest)})` : "—"}` +
        misses(bundles, sizeOk, lambda),
      bundles.length > 0 && bundles.every(sizeOk),
    ],
    [
      `every engine Lambda's cold import ≤ the baseline's (${baselineMs.toFixed(0)} ms): slowest ` +
        `${slowestImport ? `${slowestImport["import ms"].toFixed(0)} ms (${lambda(slowestImport)}, ${slowestImport["vs baseline"].toFixed(2)}×)` : "—"}` +
        misses(bundles, importOk, lambda),
      bundles.length > 0 && bundles.every(importOk),
    ],
  ];
}

async function measureWorkflow(aws: LocalAws, workflow: WorkflowDefinition, input: unknown) {
  const saver = localSaver(aws);
  await runInProcess(workflow, input, { aws }); // warm: JIT, the data memo
  const inProcess: number[] = [];
  const distributed: number[] = [];
  let last: Awaited<ReturnType<typeof runOnStepFunctions>> | undefined;
  let usage = { writeUnits: 0, readUnits: 0, requests: 0, gbSeconds: 0 };
  for (let i = 0; i < REPEATS; i++) {
    let t = performance.now();
    await runInProcess(workflow, input, { aws });
    inProcess.push(performance.now() - t);

    saver.resetStats();
    let gbSeconds = 0;
    t = performance.now();
    last = await runOnStepFunctions(workflow, input, {
      aws,
      wrapHandler: (slot, handler) => async (event) => {
        const started = performance.now();
        try {
          return await handler(event);
        } finally {
          gbSeconds += ((performance.now() - started) / 1000) * (memoryMb(workflow, slot) / 1024);
        }
      },
    });
    distributed.push(performance.now() - t);
    const s = saver.stats;
    usage = {
      writeUnits: s.writeUnits,
      readUnits: s.readUnits,
      requests: s.readRequests + s.writeRequests,
      gbSeconds,
    };
  }
  const run = last as NonNullable<typeof last>;
  const perStepIn = median(inProcess) / run.supersteps;
  const perStepOut = median(distributed) / run.supersteps;
  const forCost = {
    transitions: run.stats.stateTransitions,
    lambdaInvocations: run.stats.lambdaInvocations,
    lambdaGbSeconds: usage.gbSeconds,
    writeUnits: usage.writeUnits,
    readUnits: usage.readUnits,
    durationMs: median(distributed),
  };
  const cost = costPerRun(forCost);
  return {
    workflow: workflow.name,
    hosting: workflow.hosting,
    status: run.status,
    supersteps: run.supersteps,
    transitions: run.stats.stateTransitions,
    lambdas: run.stats.lambdaInvocations,
    "ddb req": usage.requests,
    "WCU+RCU": Math.round(usage.writeUnits + usage.readUnits),
    "ms/step in-proc": perStepIn,
    "ms/step SFN": perStepOut,
    "SFN/in-proc": perStepOut / perStepIn,
    "≤3×": verdict(perStepOut / perStepIn <= MAX_RATIO),
    "$ per 1k runs": cost * 1000,
    usage: forCost,
  };
}

/** The memory a slot's Lambda gets (as `AgentWorkflow` sizes it), for GB-seconds. */
function memoryMb(workflow: WorkflowDefinition, slot: FunctionSlot): number {
  if (slot.role === "node") return workflow.nodes[slot.node as string]?.memoryMb ?? 512;
  return 1024;
}

/**
 * Builds the baseline and every engine role with `lib/bundling` (as deployed with the default,
 * offline model: the provider packages stay out; one bundle per role, shared by every workflow's
 * functions), then, for each workflow × role — the Lambda `AgentWorkflow` deploys, told its
 * workflow by `WORKFLOW_NAME` — observes the files its cold start reads and times its cold
 * import, in turns with the baseline's (one fresh process each per round), so drift on a shared
 * machine falls on all of them alike.
 */
/** The node of `workflow` whose Lambda reads the most bytes at cold start (each node observed). */
function heaviestNode(
  bundle: LambdaBundle,
  env: Record<string, string>,
  workflow: WorkflowDefinition,
): string {
  const loaded = (node: string) =>
    loadedAtStart(bundle.entryFile, { ...env, NODE_NAME: node }).reduce((sum, f) => sum + f.bytes, 0);
  const nodes = Object.keys(workflow.graph.nodes).filter((n) => !n.startsWith("__"));
  const sized = nodes.map((node) => ({ node, bytes: loaded(node) }));
  return sized.reduce((a, b) => (b.bytes > a.bytes ? b : a)).node;
}

async function benchBundles(aws: LocalAws) {
  const env = { ...aws.env, AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench" };
  const floor = await emptyImportMs();
  const external = externalsFor("offline");
  const build = async (entry: string) => bundleLambda({ entry: resolve(entry), external });
  const baseline = { bundle: await build("bench/lib/baseline-handler.ts"), env, times: [] as number[] };
  const roles = new Map<string, LambdaBundle>();
  for (const role of ROLES) roles.set(role, await build(`functions/handlers/${role}.ts`));
  const lambdas = Object.entries(workflows).flatMap(([workflow, definition]) =>
    ROLES.map((role) => {
      const bundle = roles.get(role) as LambdaBundle;
      const served = { ...env, WORKFLOW_NAME: workflow };
      // A node Lambda serves one node (NODE_NAME, as AgentWorkflow sets it) and loads its code
      // during init: the row is the node whose cold start reads the most.
      const node = role === "run-node" ? heaviestNode(bundle, served, definition) : undefined;
      return {
        workflow,
        role,
        node: node ?? "",
        bundle,
        env: node ? { ...served, NODE_NAME: node } : served,
        times: [] as number[],
      };
    }),
  );
  for (let round = 0; round < IMPORT_RUNS; round++) {
    for (const l of [baseline, ...lambdas]) l.times.push(...coldImportTimes(l.bundle.entryFile, l.env, 1));
  }
  const deployed = async (bundle: LambdaBundle) =>
    (await bundleFiles(bundle.dir)).reduce((sum, f) => sum + f.bytes, 0);
  const figures = async (l: typeof baseline) => {
    const loaded = loadedAtStart(l.bundle.entryFile, l.env);
    return {
      deployed: await deployed(l.bundle),
      loaded: loaded.reduce((sum, f) => sum + f.bytes, 0),
      top: topModules(
        outputsAmong(
          l.bundle.metafile,
          loaded.map((f) => f.file),
        ),
        10,
      ),
      importMs: median(l.times),
    };
  };
  const base = await figures(baseline);
  const measured = [];
  for (const l of lambdas) measured.push({ ...l, ...(await figures(l)) });
  const rows = measured.map((m) => ({
    workflow: m.workflow,
    handler: m.role,
    node: m.node,
    "bundle MiB": m.deployed / MIB,
    "loaded MiB": m.loaded / MIB,
    "≤1.2": verdict(m.loaded <= MAX_MIB * MIB),
    "import ms": m.importMs,
    "baseline ms": base.importMs,
    "vs baseline": m.importMs / base.importMs,
    "≤ baseline": verdict(m.importMs <= base.importMs),
    "vs empty module": m.importMs / floor,
  }));
  const baselineRow = {
    workflow: "",
    handler: BASELINE,
    node: "",
    "bundle MiB": base.deployed / MIB,
    "loaded MiB": base.loaded / MIB,
    "≤1.2": "",
    "import ms": base.importMs,
    "baseline ms": base.importMs,
    "vs baseline": 1,
    "≤ baseline": "",
    "vs empty module": base.importMs / floor,
  };
  printTable(
    `Lambda bundles (lib/bundling, as CDK synth builds them: one bundle per role, "bundle" = all of it, ` +
      `"loaded" = the files a cold start of that workflow's Lambda reads; cold import, median of ${IMPORT_RUNS} ` +
      `fresh processes taken in turns; empty module ${floor.toFixed(0)} ms; "node": the node a run-node ` +
      `Lambda serves, the workflow's heaviest)`,
    [baselineRow, ...rows],
  );
  for (const b of [baseline.bundle, ...roles.values()]) await rm(b.dir, { recursive: true, force: true });
  // Where the loaded bytes are: the next regression names its package here (esbuild metafile).
  printTable(
    `${BASELINE}: top ${base.top.length} modules by bytes loaded at cold start`,
    base.top.map((t) => ({ module: t.module, KiB: t.bytes / 1024 })),
  );
  for (const workflow of Object.keys(workflows)) {
    const ofWorkflow = measured.filter((m) => m.workflow === workflow);
    const modules = [...new Set(ofWorkflow.flatMap((m) => m.top.map((t) => t.module)))];
    printTable(
      `${workflow}: top modules by KiB loaded at cold start, per role`,
      modules.map((module) => ({
        module,
        ...Object.fromEntries(
          ofWorkflow.map((m) => [m.role, (m.top.find((t) => t.module === module)?.bytes ?? 0) / 1024]),
        ),
      })),
    );
  }
  return rows;
}
