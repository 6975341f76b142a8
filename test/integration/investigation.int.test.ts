import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InvestigationStateValue, investigation } from "#workflows";

/**
 * The investigation workflow keeps the engine's promise: on the embedded AWS, the state machine
 * (per-node hosting: the supervisor, each specialist batch and the report in Lambdas of their
 * own) gives the same final state and supersteps as LangGraph's own loop, on the default input.
 */

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "investigation" });
});
afterAll(async () => {
  await aws?.stop();
});

describe("investigation on Step Functions (per-node hosting)", () => {
  it("equals the in-process run: supervisor loop, one Lambda per specialist batch", async () => {
    // Act
    let started = performance.now();
    const local = await runInProcess(investigation, {}, { aws });
    const inProcessMs = performance.now() - started;
    started = performance.now();
    const distributed = await runOnStepFunctions(investigation, {}, { aws, retryIntervalMs: 1 });
    const stepFunctionsMs = performance.now() - started;
    // Assess
    expect(local.status).toBe("succeeded");
    expect(distributed.status).toBe("succeeded");
    expect(distributed.state).toEqual(local.state);
    expect(distributed.supersteps).toBe(local.supersteps);

    const state = distributed.state as InvestigationStateValue;
    // Two rounds on the standard day: supervisor, specialists, supervisor, specialists, supervisor, report.
    expect(state.round).toBe(2);
    expect(distributed.supersteps).toBe(6);
    const runs = distributed.stats.invocationsByState;
    expect(runs["Run supervisor"]).toBe(3);
    for (const specialist of ["pricing", "settlement", "booking"]) expect(runs[`Run ${specialist}`]).toBe(2);
    expect(runs["Run report"]).toBe(1);
    expect(state.conclusion).toMatchObject({ breaks: 40, resolved: 40, escalated: 0 });

    console.info(
      `investigation 2,000 trades: in-process ${Math.round(inProcessMs)} ms, ` +
        `Step Functions ${Math.round(stepFunctionsMs)} ms, ${distributed.supersteps} supersteps`,
    );
  });
});
