import { runInProcess } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SuperstepPlan, TaskOutcome } from "#engine";
import { getWorkflow } from "#workflows";
import { setProcessEnv } from "../fixtures/process-env.ts";

/**
 * The deployed entry points, configured only by their environment as CDK sets it (the SDK's
 * AWS_ENDPOINT_URL_DYNAMODB points them at the embedded DynamoDB), drive a sample workflow to
 * the same end as the in-process run.
 */
type Handler<T> = { handler: (event: unknown) => Promise<T> };
let aws: LocalAws;
let restoreEnv: (() => void) | undefined;
let start: Handler<SuperstepPlan>;
let runNode: Handler<TaskOutcome>;
let commit: Handler<SuperstepPlan>;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "handlers" });
  restoreEnv = setProcessEnv({
    ...aws.env,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    WORKFLOW_NAME: "triage",
  });
  start = await import("../../functions/handlers/start.ts");
  runNode = await import("../../functions/handlers/run-node.ts");
  commit = await import("../../functions/handlers/commit.ts");
});
afterAll(async () => {
  restoreEnv?.();
  await aws?.stop();
});

describe("Lambda entry points", () => {
  it("run the triage workflow superstep by superstep from their environment alone", async () => {
    const threadId = "lambda-handlers-triage";
    const input = { dataset: { trades: 300, seed: 7 } };
    let plan = await start.handler({ workflow: "triage", threadId, input });
    let supersteps = 0;
    while (plan.status === "running") {
      const outcomes = await Promise.all(
        plan.tasks.map((t) =>
          runNode.handler({
            workflow: "triage",
            threadId,
            checkpointId: plan.checkpointId,
            taskId: t.id,
            node: t.node,
          }),
        ),
      );
      expect(outcomes.every((o) => o.outcome === "done")).toBe(true);
      plan = await commit.handler({
        workflow: "triage",
        threadId,
        checkpointId: plan.checkpointId,
        results: outcomes,
      });
      supersteps++;
    }
    const reference = await runInProcess(getWorkflow("triage"), input, { aws });

    expect(plan.status).toBe("succeeded");
    expect(supersteps).toBe(reference.supersteps);
  });

  it("refuses a malformed payload with a typed, non-retryable error", async () => {
    await expect(runNode.handler({ workflow: "triage" })).rejects.toMatchObject({
      name: "Switchyard.InvalidPayload",
    });
  });

  it("serves only the workflow WORKFLOW_NAME names, refusing another by name", async () => {
    await expect(
      start.handler({ workflow: "reconciliation", threadId: "other-workflow", input: {} }),
    ).rejects.toMatchObject({ name: "Switchyard.UnknownWorkflow", known: ["triage"] });
  });

  it("refuses input the workflow's schema rejects, before writing any state", async () => {
    await expect(
      start.handler({ workflow: "triage", threadId: "bad-input", input: { dataset: { trades: -5 } } }),
    ).rejects.toMatchObject({ name: "Switchyard.InvalidInput" });
  });
});
