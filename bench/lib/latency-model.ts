import type { Execution, FunctionRole } from "#engine";
import { AWS_PRICES, expressExecutionCost } from "#telemetry";
import type { DefinitionShape, SuperstepShape } from "./superstep-shape.ts";

/**
 * A per-superstep latency and cost model of a workflow on AWS: what the definition makes Step
 * Functions do (transitions, Lambda invocations: superstep-shape.ts), what each Lambda waits for
 * (DynamoDB and S3 round trips, observed in a local run: aws-calls.ts), its own compute (the
 * local run's handler time less those waits) and its cold import (the engine bench's bundles),
 * put together with the AWS latencies below. Docs: docs/engine.md, "Latency and cost on AWS".
 */

/**
 * ASSUMPTIONS, in ms — not measured here. AWS publishes two of them: DynamoDB's single-digit
 * millisecond requests (5 taken) and S3's 100–200 ms for a small object's first byte (150 taken).
 * It gives no figure for a state transition or for the `lambda:invoke` integration's overhead:
 * those are orders of magnitude, to be replaced with an account's own X-Ray traces.
 */
export interface LatencyAssumptions {
  /** One state transition, by execution type (Express runs its states in memory). */
  readonly transitionMs: Readonly<Record<Execution, number>>;
  /** A warm `lambda:invoke` from a Task state, beyond the handler's own time. */
  readonly lambdaInvokeMs: number;
  /** A cold start's sandbox and runtime start, before the bundle's import (measured separately). */
  readonly lambdaColdInitMs: number;
  readonly dynamoRoundTripMs: number;
  readonly s3RoundTripMs: number;
  /** A Distributed Map's child executions at once (the node setting's default, docs/engine.md). */
  readonly distributedConcurrency: number;
}

export const AWS_LATENCY: LatencyAssumptions = {
  transitionMs: { standard: 30, express: 10 },
  lambdaInvokeMs: 25,
  lambdaColdInitMs: 120,
  dynamoRoundTripMs: 5,
  s3RoundTripMs: 150,
  distributedConcurrency: 500,
};

/** One Lambda role's invocation on average, as observed in a local run. */
export interface LambdaProfile {
  /** The handler's own time: its wall time less its waits on DynamoDB and S3. */
  readonly computeMs: number;
  /** DynamoDB requests it waits for one after another (requests sent together count once). */
  readonly dynamoRoundTrips: number;
  readonly s3RoundTrips: number;
  /** Requests, for cost: at least one request unit each (larger items cost more). */
  readonly dynamoReads: number;
  readonly dynamoWrites: number;
  readonly memoryMb: number;
}

/** What the model needs of a workflow beyond its definition: its supersteps and its Lambdas. */
export interface RunProfile {
  /** Each superstep's task count, and whether its tasks ran from a task list (Distributed Map). */
  readonly supersteps: readonly { readonly tasks: number; readonly distributed: boolean }[];
  readonly lambdas: Readonly<Partial<Record<FunctionRole, LambdaProfile>>>;
  /** Each role's bundle's cold import (ms); a role absent here is charged none. */
  readonly coldImportMs: Readonly<Partial<Record<FunctionRole, number>>>;
}

export interface Prediction {
  readonly supersteps: number;
  readonly transitions: number;
  readonly lambdaInvocations: number;
  /** DynamoDB round trips on the run's critical path (parallel tasks count once per wave). */
  readonly dynamoRoundTrips: number;
  readonly s3RoundTrips: number;
  /** The whole run, every Lambda warm / every Lambda on the critical path cold. */
  readonly warmMs: number;
  readonly coldMs: number;
  /** Estimated USD of one run (`AWS_PRICES`; DynamoDB at one unit per request: a floor). */
  readonly costUsd: number;
}

const ZERO: LambdaProfile = {
  computeMs: 0,
  dynamoRoundTrips: 0,
  s3RoundTrips: 0,
  dynamoReads: 0,
  dynamoWrites: 0,
  memoryMb: 0,
};

interface Tally {
  transitions: number;
  invocations: number;
  dynamo: number;
  s3: number;
  warmMs: number;
  coldMs: number;
  lambdaUsd: number;
  childUsd: number;
}

/**
 * Predicts one run on AWS from the definition's shape and the run's profile.
 *
 * @example
 * const p = predictRun(shapeOf(buildStateMachine(triage)), profile, "standard");
 * p.warmMs / p.supersteps; // ms per superstep, warm
 */
export function predictRun(
  shape: DefinitionShape,
  profile: RunProfile,
  execution: Execution,
  assume: LatencyAssumptions = AWS_LATENCY,
): Prediction {
  const t: Tally = {
    transitions: 0,
    invocations: 0,
    dynamo: 0,
    s3: 0,
    warmMs: 0,
    coldMs: 0,
    lambdaUsd: 0,
    childUsd: 0,
  };
  const lambda = (role: FunctionRole, count = 1, onPath = 1) => {
    const p = profile.lambdas[role] ?? ZERO;
    const waits = p.dynamoRoundTrips * assume.dynamoRoundTripMs + p.s3RoundTrips * assume.s3RoundTripMs;
    const warm = assume.lambdaInvokeMs + p.computeMs + waits;
    t.invocations += count;
    t.dynamo += onPath * p.dynamoRoundTrips;
    t.s3 += onPath * p.s3RoundTrips;
    t.warmMs += onPath * warm;
    t.coldMs += onPath * (warm + assume.lambdaColdInitMs + (profile.coldImportMs[role] ?? 0));
    t.lambdaUsd +=
      count *
      (AWS_PRICES.lambdaRequest +
        (((p.computeMs + waits) / 1000) * p.memoryMb * AWS_PRICES.lambdaGbSecondArm) / 1024 +
        p.dynamoReads * AWS_PRICES.dynamoReadUnit +
        p.dynamoWrites * AWS_PRICES.dynamoWriteUnit);
    return warm;
  };
  const transitions = (n: number) => {
    t.transitions += n;
    t.warmMs += n * assume.transitionMs[execution];
    t.coldMs += n * assume.transitionMs[execution];
  };

  transitions(shape.opening.transitions);
  for (const role of shape.opening.engineLambdas) lambda(role);
  // A graph Lambda (per-graph hosting) runs every superstep in one invocation: its loop turns once.
  const oneLoop = shape.inline.engineLambdas.includes("graph");
  const loops = oneLoop ? [{ tasks: 0, distributed: false }] : profile.supersteps;
  for (const superstep of loops) {
    const loop = superstep.distributed && shape.distributed ? shape.distributed : shape.inline;
    superstepOf(loop, superstep.tasks, superstep.distributed, { transitions, lambda, t, execution, assume });
  }
  transitions(shape.closingTransitions);
  const orchestration =
    execution === "express"
      ? expressExecutionCost(t.warmMs)
      : t.transitions * AWS_PRICES.stepFunctionsTransition;
  return {
    supersteps: profile.supersteps.length,
    transitions: t.transitions,
    lambdaInvocations: t.invocations,
    dynamoRoundTrips: t.dynamo,
    s3RoundTrips: t.s3,
    warmMs: t.warmMs,
    coldMs: t.coldMs,
    costUsd: orchestration + t.lambdaUsd + t.childUsd,
  };
}

/**
 * One superstep: its own states, then its tasks in waves of the Map's concurrency (the slowest
 * wave's time each: the average task's here), then the engine Lambda(s) that commit it.
 */
function superstepOf(
  loop: SuperstepShape,
  tasks: number,
  distributed: boolean,
  ctx: {
    transitions: (n: number) => void;
    lambda: (role: FunctionRole, count?: number, onPath?: number) => number;
    t: Tally;
    execution: Execution;
    assume: LatencyAssumptions;
  },
): void {
  const { transitions, lambda, t, assume } = ctx;
  transitions(loop.transitions);
  if (loop.lambdasPerTask > 0 && tasks > 0) {
    const concurrency = distributed ? assume.distributedConcurrency : loop.maxConcurrency;
    const waves = Math.ceil(tasks / Math.max(1, concurrency));
    if (distributed) {
      // Child executions are Express: their states cost time, and each child its own execution.
      const childStates = loop.childTransitionsPerTask * assume.transitionMs.express;
      const nodeMs = lambda("node", tasks * loop.lambdasPerTask, waves);
      t.warmMs += waves * childStates + loop.stateS3Requests * assume.s3RoundTripMs;
      t.coldMs += waves * childStates + loop.stateS3Requests * assume.s3RoundTripMs;
      t.s3 += loop.stateS3Requests;
      t.childUsd += tasks * expressExecutionCost(childStates + nodeMs);
    } else {
      // Items in a wave run side by side: the path pays each wave's states once.
      lambda("node", tasks * loop.lambdasPerTask, waves);
      const hidden = (tasks - waves) * loop.transitionsPerTask;
      transitions(waves * loop.transitionsPerTask);
      // Billed, but off the critical path.
      t.transitions += hidden;
    }
  }
  for (const role of loop.engineLambdas) lambda(role);
}
