import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultInjectionCallbacks, Faults, parseFaults } from "#faults";
import { AGENT_DOWN_QUEUE, getWorkflow } from "#workflows";

/**
 * Recovery inside the workflow: when the risk check cannot run (its agent is down) even after
 * its retries, triage escalates the break to a person instead of failing the run — the same in
 * LangGraph's own loop and on Step Functions, where the handler runs at commit after the Retry.
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "triage-recovery" });
});
afterAll(async () => {
  await aws?.stop();
});

const riskDown = () => [
  new FaultInjectionCallbacks(new Faults(parseFaults("node:risk_check=timeout*2", "dev"))),
];

describe("triage when the risk agent is down", () => {
  it("escalates to manual triage with the failure as the reason, in-process and on Step Functions alike", async () => {
    const triage = getWorkflow("triage");

    const local = await runInProcess(triage, {}, { aws, callbacks: riskDown() });
    const distributed = await runOnStepFunctions(
      triage,
      {},
      { aws, callbacks: riskDown(), retryIntervalMs: 1 },
    );

    expect(local.status).toBe("succeeded");
    expect(local.state.escalation).toMatchObject({
      queue: AGENT_DOWN_QUEUE,
      reason: expect.stringMatching(/^risk_check could not run \(TimeoutError/),
    });
    expect(distributed.status).toBe("succeeded");
    // Message ids are per-run when callbacks are attached (LangChain names them after the run):
    // compare what the run decided and did.
    for (const channel of ["classification", "decision", "escalation", "steps", "effects"]) {
      expect(distributed.state[channel]).toEqual(local.state[channel]);
    }
    expect(distributed.supersteps).toBe(local.supersteps);
    expect(distributed.stats.invocationsByState["Run risk_check"]).toBe(2);
    expect(distributed.stats.invocationsByState["Run compliance_check"]).toBeUndefined();
  });
});
