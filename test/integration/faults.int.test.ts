import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Faults, parseFaults, withFaults } from "#faults";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * DynamoDB throttling, injected through the SDK middleware into the checkpoint saver's own
 * client: every throttled write is retried and none is lost — the run ends where an unthrottled
 * run ends.
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "faults" });
});
afterAll(async () => {
  await aws?.stop();
});

describe("fault injection", () => {
  it("DynamoDB throttling → retried, no lost write", async () => {
    // Prepare: throttle checkpoint writes and reads twice each, every time they come up, 24 in all.
    const workflow = fanOutWorkflow("per-node", 3);
    const reference = await runInProcess(workflow, {}, { aws });
    const faults = new Faults(
      parseFaults(
        "aws:DynamoDB.PutItem=throttle*8,aws:DynamoDB.BatchWriteItem=throttle*8,aws:DynamoDB.Query=throttle*8",
        "faults",
      ),
    );
    withFaults(aws.clients.dynamodb, faults);

    // Act
    const result = await runOnStepFunctions(workflow, {}, { aws, threadId: "throttled-thread" });

    // Assess
    const injected = faults.injected.map((f) => f.name);
    expect(injected.length).toBeGreaterThanOrEqual(8);
    expect(new Set(injected)).toContain("PutItem");
    expect(result.status).toBe("succeeded");
    expect(result.state).toEqual(reference.state);
    expect(result.supersteps).toBe(reference.supersteps);
  });
});
