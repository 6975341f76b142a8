/**
 * `npm run bench -- engine [--trades N]`: each sample workflow in every hosting mode, on the
 * embedded AWS — the local Step Functions run against the in-process run measured in the same
 * process (the baseline), with the AWS usage that decides cost — then every Lambda bundle's size
 * and cold import time against an empty module's.
 * Targets (issue #4): distributed ≤ 3× in-process per superstep; node bundle ≤ 1.2 MiB; import ≤ 180 ms.
 */
import { parseArgs } from "node:util";
import type { FunctionSlot, Hosting, WorkflowDefinition } from "#engine";
import { workflows } from "#workflows";
import { externalsFor } from "../lib/constructs/model-provider.ts";
import { runInProcess, runOnStepFunctions } from "../local/engine.ts";
import { type LocalAws, startLocalAws } from "../local/index.ts";
import { localSaver } from "../local/saver.ts";
import { emptyImportMs, measureBundle } from "./lib/bundles.ts";
import { costPerRun } from "./lib/prices.ts";
import { median, printTable, verdict } from "./lib/table.ts";

const HOSTINGS: Hosting[] = ["per-node", "per-superstep", "single"];
const REPEATS = 3;
const MIB = 1024 * 1024;

export default async function engineBench(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { trades: { type: "string", default: "2000" } } });
  const input = { dataset: { trades: Number(values.trades) } };
  const aws = await startLocalAws({ stage: "bench" });
  try {
    const rows = [];
    for (const workflow of Object.values(workflows)) {
      for (const hosting of HOSTINGS) rows.push(await measureWorkflow(aws, { ...workflow, hosting }, input));
    }
    printTable(
      `Engine: distributed (local Step Functions) vs in-process, ${values.trades} trades, median of ${REPEATS}`,
      rows,
    );
    await benchBundles(aws);
  } finally {
    await aws.stop();
  }
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
  const cost = costPerRun({
    transitions: run.stats.stateTransitions,
    lambdaInvocations: run.stats.lambdaInvocations,
    lambdaGbSeconds: usage.gbSeconds,
    writeUnits: usage.writeUnits,
    readUnits: usage.readUnits,
  });
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
    "≤3×": verdict(perStepOut / perStepIn <= 3),
    "$ per 1k runs": cost * 1000,
  };
}

/** The memory a slot's Lambda gets (as `AgentWorkflow` sizes it), for GB-seconds. */
function memoryMb(workflow: WorkflowDefinition, slot: FunctionSlot): number {
  if (slot.role === "node") return workflow.nodes[slot.node as string]?.memoryMb ?? 512;
  return 1024;
}

async function benchBundles(aws: LocalAws): Promise<void> {
  const env = { ...aws.env, AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench" };
  const floor = await emptyImportMs();
  const rows = [];
  for (const role of ["start", "run-node", "commit", "superstep", "graph"]) {
    // As deployed with the default (offline) model: the provider packages stay out.
    const b = await measureBundle(`functions/handlers/${role}.ts`, env, 5, externalsFor("offline"));
    rows.push({
      handler: role,
      "size MiB": b.bytes / MIB,
      "≤1.2": verdict(b.bytes <= 1.2 * MIB),
      "import ms": b.importMs,
      "≤180": verdict(b.importMs <= 180),
      "vs empty module": b.importMs / floor,
    });
  }
  printTable(
    `Lambda bundles (esbuild as SwitchyardFunction; cold import, median of 5 fresh processes; empty module ${floor.toFixed(0)} ms)`,
    rows,
  );
}
