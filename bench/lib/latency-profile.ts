import { buildStateMachine, type FunctionRole, type FunctionSlot, type WorkflowDefinition } from "#engine";
import { runOnStepFunctions } from "../../local/engine.ts";
import type { LocalAws } from "../../local/index.ts";
import { type ObservedInvocation, observeAwsCalls, serialRoundTrips, waitingMs } from "./aws-calls.ts";
import { AWS_LATENCY, type LambdaProfile, predictRun, type RunProfile } from "./latency-model.ts";
import { shapeOf } from "./superstep-shape.ts";
import { printTable } from "./table.ts";

const DYNAMO_READS = new Set(["GetItemCommand", "BatchGetItemCommand", "QueryCommand", "ScanCommand"]);

/** A local run observed for the model: its profile, and what the local runner itself counted. */
export interface ObservedRun {
  readonly profile: Omit<RunProfile, "coldImportMs">;
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
  readonly status: string;
}

/**
 * Runs `workflow` on the local Step Functions with every Lambda's DynamoDB and S3 requests
 * observed, and each plan's tasks recorded: the model's profile of the workflow.
 */
export async function observeRun(
  aws: LocalAws,
  workflow: WorkflowDefinition,
  input: unknown,
  memoryMb: (slot: FunctionSlot) => number,
): Promise<ObservedRun> {
  const calls = observeAwsCalls({ dynamodb: aws.clients.dynamodb, s3: aws.clients.s3 });
  const memory = new Map<FunctionRole, number>();
  const supersteps: { tasks: number; distributed: boolean }[] = [];
  try {
    const run = await runOnStepFunctions(workflow, input, {
      aws,
      wrapHandler: (slot, handler) => {
        memory.set(slot.role, Math.max(memory.get(slot.role) ?? 0, memoryMb(slot)));
        return calls.wrapHandler(slot, handler);
      },
      onPlan: (plan) => {
        if (plan.status !== "running") return;
        const listed = plan.taskList?.count ?? 0;
        supersteps.push({ tasks: plan.tasks.length + listed, distributed: listed > 0 });
      },
    });
    // Single hosting plans once: its one Lambda runs the rest, whose tasks no plan shows.
    while (supersteps.length < run.supersteps) supersteps.push({ tasks: 0, distributed: false });
    return {
      profile: { supersteps, lambdas: profileByRole(calls.invocations, memory) },
      stateTransitions: run.stats.stateTransitions,
      lambdaInvocations: run.stats.lambdaInvocations,
      status: run.status,
    };
  } finally {
    calls.detach();
  }
}

/** Each role's average invocation: compute (wall time less waits), serial round trips, requests. */
export function profileByRole(
  invocations: readonly ObservedInvocation[],
  memory: ReadonlyMap<FunctionRole, number>,
): Partial<Record<FunctionRole, LambdaProfile>> {
  const byRole = new Map<FunctionRole, ObservedInvocation[]>();
  for (const i of invocations) byRole.set(i.role, [...(byRole.get(i.role) ?? []), i]);
  const profiles: Partial<Record<FunctionRole, LambdaProfile>> = {};
  for (const [role, list] of byRole) {
    const mean = (f: (i: ObservedInvocation) => number) => list.reduce((s, i) => s + f(i), 0) / list.length;
    const of = (service: string) => (i: ObservedInvocation) => i.calls.filter((c) => c.service === service);
    const dynamo = of("dynamodb");
    profiles[role] = {
      computeMs: mean((i) => Math.max(0, i.endMs - i.startMs - waitingMs(i.calls))),
      dynamoRoundTrips: mean((i) => serialRoundTrips(dynamo(i))),
      s3RoundTrips: mean((i) => serialRoundTrips(of("s3")(i))),
      dynamoReads: mean((i) => dynamo(i).filter((c) => DYNAMO_READS.has(c.command)).length),
      dynamoWrites: mean((i) => dynamo(i).filter((c) => !DYNAMO_READS.has(c.command)).length),
      memoryMb: memory.get(role) ?? 0,
    };
  }
  return profiles;
}

/** The bundle a role's Lambda runs, as the engine bench names it (functions/handlers/<name>.ts). */
const BUNDLE_OF: Readonly<Record<FunctionRole, string>> = {
  start: "start",
  node: "run-node",
  commit: "commit",
  superstep: "superstep",
  graph: "graph",
};

/**
 * `npm run bench -- engine`'s latency model table: each workflow in each hosting mode observed
 * once locally, then predicted on AWS for each execution type with {@link AWS_LATENCY}, cold
 * imports from the bundles the bench measured. The model's transitions and Lambda invocations
 * stand beside the local runner's own counts of the same run.
 */
export async function printLatencyModel(
  aws: LocalAws,
  workflows: readonly WorkflowDefinition[],
  input: unknown,
  bundles: readonly { readonly handler: string; readonly "import ms": number }[],
  memoryMb: (workflow: WorkflowDefinition, slot: FunctionSlot) => number,
): Promise<void> {
  const coldImportMs: Partial<Record<FunctionRole, number>> = {};
  for (const [role, bundle] of Object.entries(BUNDLE_OF)) {
    const ms = bundles.find((b) => b.handler === bundle)?.["import ms"];
    if (ms !== undefined) coldImportMs[role as FunctionRole] = ms;
  }
  const rows = [];
  for (const workflow of workflows) {
    const observed = await observeRun(aws, workflow, input, (slot) => memoryMb(workflow, slot));
    const shape = shapeOf(buildStateMachine(workflow));
    for (const execution of ["standard", "express"] as const) {
      const p = predictRun(shape, { ...observed.profile, coldImportMs }, execution);
      const steps = Math.max(1, p.supersteps);
      rows.push({
        workflow: workflow.name,
        hosting: workflow.hosting,
        execution,
        supersteps: p.supersteps,
        transitions: p.transitions,
        "local count": p.transitions === observed.stateTransitions ? "✓" : `✗ ${observed.stateTransitions}`,
        lambdas: p.lambdaInvocations,
        "local λ":
          p.lambdaInvocations === observed.lambdaInvocations ? "✓" : `✗ ${observed.lambdaInvocations}`,
        "DDB trips/step": p.dynamoRoundTrips / steps,
        "warm ms/step": p.warmMs / steps,
        "cold ms/step": p.coldMs / steps,
        "warm s/run": p.warmMs / 1000,
        "cold s/run": p.coldMs / 1000,
        "$ per 1k runs": p.costUsd * 1000,
      });
    }
  }
  const a = AWS_LATENCY;
  printTable(
    `Latency model on AWS (bench/lib/latency-model.ts; assumed: transition ${a.transitionMs.standard} ms Standard / ` +
      `${a.transitionMs.express} ms Express, invoke ${a.lambdaInvokeMs} ms, cold init ${a.lambdaColdInitMs} ms + the bundle's ` +
      `import, DynamoDB ${a.dynamoRoundTripMs} ms, S3 ${a.s3RoundTripMs} ms; compute and round trips observed locally)`,
    rows,
  );
}
