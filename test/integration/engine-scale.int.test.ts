import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * A wide `Send` fan-out completes in per-node hosting: one node invocation per worker through the
 * inline Map (40 at a time, so several batches), one commit applying every output as one
 * superstep. The 1,000-worker proof, with its cost per worker, is `npm run bench -- scale`.
 */
const WORKERS = 130;

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "scale" });
});
afterAll(async () => {
  await aws?.stop();
});

describe("scale", () => {
  it(`fans out to ${WORKERS} workers and merges them like the in-process run`, async () => {
    const workflow = fanOutWorkflow("per-node", WORKERS);
    const input = { trades: Array.from({ length: WORKERS * 3 }, (_, i) => i + 1) };

    const distributed = await runOnStepFunctions(workflow, input, { aws });
    const local = await runInProcess(workflow, input, { aws });

    expect(distributed.status).toBe("succeeded");
    expect(distributed.stats.invocationsByState["Run match"]).toBe(WORKERS);
    expect(distributed.stats.invocationsByState.Commit).toBe(distributed.supersteps);
    expect(distributed.state).toEqual(local.state);
    expect((distributed.state.breaks as string[]).length).toBe(Math.floor((WORKERS * 3) / 7));
  }, 120_000);
});
