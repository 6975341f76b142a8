import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type InvestigationStateValue,
  investigation,
  SPECIALIST_FOR_CATEGORY,
  SPECIALISTS,
} from "#workflows";

/**
 * The investigation workflow keeps the engine's promise: on the embedded AWS, the state machine
 * (per-node hosting: the supervisor, each specialist batch and the report in Lambdas of their
 * own) gives the same final state and supersteps as LangGraph's own loop, on the default input
 * (the generated standard day, its breaks found by the matcher, every node opening the day by
 * reference).
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

    // Each specialist takes ceil(its breaks / batchSize) rounds; the run takes the longest of them.
    const state = distributed.state as InvestigationStateValue;
    const roundsOf = Object.fromEntries(
      SPECIALISTS.map((s) => [
        s,
        Math.ceil(
          state.breaks.filter((b) => SPECIALIST_FOR_CATEGORY[b.category] === s).length / state.batchSize,
        ),
      ]),
    );
    const rounds = Math.max(...Object.values(roundsOf));
    expect(state.round).toBe(rounds);
    // supervisor, then per round: specialists, supervisor; then report.
    expect(distributed.supersteps).toBe(1 + 2 * rounds + 1);
    const runs = distributed.stats.invocationsByState;
    expect(runs["Run supervisor"]).toBe(rounds + 1);
    for (const specialist of SPECIALISTS) expect(runs[`Run ${specialist}`]).toBe(roundsOf[specialist]);
    expect(runs["Run report"]).toBe(1);
    expect(state.conclusion).toMatchObject({ breaks: state.breaks.length, escalations: { round_bound: 0 } });
    expect((state.conclusion?.resolved ?? 0) + (state.conclusion?.escalated ?? 0)).toBe(state.breaks.length);

    console.info(
      `investigation 2,000 trades, ${state.breaks.length} breaks: in-process ${Math.round(inProcessMs)} ms, ` +
        `Step Functions ${Math.round(stepFunctionsMs)} ms, ${distributed.supersteps} supersteps`,
    );
  });
});
