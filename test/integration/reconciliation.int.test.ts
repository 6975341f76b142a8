import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTradeDay } from "#data";
import { type ReconciliationStateValue, reconciliation } from "#workflows";

/**
 * The reconciliation workflow keeps the engine's promise: on the embedded AWS, the state machine
 * (per-node hosting, one Lambda per worker) gives the same final state and supersteps as
 * LangGraph's own loop, on the standard 2,000-trade day.
 */

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "reconciliation" });
});
afterAll(async () => {
  await aws?.stop();
});

const keyOf = (b: { kind: string; tradeIds: readonly string[] }) => `${b.kind}:${b.tradeIds.join("+")}`;

describe("reconciliation on Step Functions (per-node hosting)", () => {
  it("equals the in-process run, running one worker Lambda per partition", async () => {
    // Prepare
    const { groundTruth } = generateTradeDay({ trades: 2000 });
    const request = { dataset: { trades: 2000 } };
    // Act
    let started = performance.now();
    const local = await runInProcess(reconciliation, request, { aws });
    const inProcessMs = performance.now() - started;
    started = performance.now();
    const distributed = await runOnStepFunctions(reconciliation, request, { aws, retryIntervalMs: 1 });
    const stepFunctionsMs = performance.now() - started;
    // Assess
    expect(local.status).toBe("succeeded");
    expect(distributed.status).toBe("succeeded");
    expect(distributed.state).toEqual(local.state);
    expect(distributed.supersteps).toBe(local.supersteps);
    expect(distributed.supersteps).toBe(3);

    const state = distributed.state as ReconciliationStateValue;
    const partitions = state.plan?.partitions.length ?? 0;
    expect(partitions).toBe(12);
    expect(distributed.stats.invocationsByState["Run match"]).toBe(partitions);
    expect(distributed.stats.invocationsByState["Run partition"]).toBe(1);
    expect(distributed.stats.invocationsByState["Run summarize"]).toBe(1);
    expect(state.breaks.map(keyOf).sort()).toEqual(groundTruth.map(keyOf).sort());

    console.info(
      `reconciliation 2,000 trades: in-process ${Math.round(inProcessMs)} ms, ` +
        `Step Functions ${Math.round(stepFunctionsMs)} ms, ${partitions} workers`,
    );
  });
});
