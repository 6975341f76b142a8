import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStateMachine } from "#engine";
import { predictRun } from "../../bench/lib/latency-model.ts";
import { observeRun } from "../../bench/lib/latency-profile.ts";
import { shapeOf } from "../../bench/lib/superstep-shape.ts";
import { fanOutWorkflow, supervisorWorkflow } from "../fixtures/graphs.ts";

/**
 * The latency model's transitions and Lambda invocations, derived from the definition, against
 * what the local Step Functions did with the same definition (its event log and its handler
 * calls); its DynamoDB round trips observed at the client (docs/engine.md, "Latency and cost on AWS").
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "latency" });
});
afterAll(async () => {
  await aws?.stop();
});

describe("latency model against a local run", () => {
  for (const hosting of ["per-node", "per-superstep", "per-graph"] as const) {
    for (const [name, workflow, input] of [
      ["a Send fan-out", fanOutWorkflow(hosting, 7), {}],
      ["a supervisor loop", supervisorWorkflow(hosting), {}],
    ] as const) {
      it(`${name}, ${hosting}: the model's transitions and invocations are the runner's`, async () => {
        const observed = await observeRun(aws, workflow, input, () => 1024);
        expect(observed.status).toBe("succeeded");
        const p = predictRun(
          shapeOf(buildStateMachine(workflow)),
          { ...observed.profile, coldImportMs: {} },
          "standard",
        );
        expect(p.transitions).toBe(observed.stateTransitions);
        expect(p.lambdaInvocations).toBe(observed.lambdaInvocations);
        // Every engine Lambda reads the thread's checkpoint before it does anything.
        for (const role of ["start", "commit", "superstep", "graph", "node"] as const) {
          const lambda = observed.profile.lambdas[role];
          if (lambda) expect(lambda.dynamoRoundTrips, role).toBeGreaterThanOrEqual(1);
        }
        expect(p.dynamoRoundTrips).toBeGreaterThan(0);
      });
    }
  }
});
