import { runInProcess } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SuperstepPlan, TaskOutcome } from "#engine";
import { ssiCheck } from "../fixtures/cdk-app/workflow.ts";
import { setProcessEnv } from "../fixtures/process-env.ts";

/**
 * `switchyard/lambda` for an app of its own: the handler files of test/fixtures/cdk-app, set up
 * only by their environment as its CDK app sets it, drive the app's own graph — which no
 * registry of this repository knows — to the same end as the in-process run.
 */
type Handler<T> = { handler: (event: unknown) => Promise<T> };
let aws: LocalAws;
let start: Handler<SuperstepPlan>;
let node: Handler<TaskOutcome>;
let commit: Handler<SuperstepPlan>;

let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "own-handlers" });
  restoreEnv = setProcessEnv({ ...aws.env, AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
  start = await import("../fixtures/cdk-app/handlers/start.ts");
  node = await import("../fixtures/cdk-app/handlers/node.ts");
  commit = await import("../fixtures/cdk-app/handlers/commit.ts");
});
afterAll(async () => {
  restoreEnv?.();
  await aws?.stop();
});

describe("switchyard/lambda: the engine's handlers over an app's own workflows", () => {
  it("run the app's graph superstep by superstep, through its conditional edge, as invoke does", async () => {
    const threadId = "own-handlers-ssi";
    const input = { instructions: ["DEUTDEFF500", "bad ssi", "CHASUS33"] };
    let plan = await start.handler({ workflow: "ssi-check", threadId, input });
    const ran: string[] = [];
    while (plan.status === "running") {
      const outcomes = await Promise.all(
        plan.tasks.map((t) =>
          node.handler({
            workflow: "ssi-check",
            threadId,
            checkpointId: plan.checkpointId,
            taskId: t.id,
            node: t.node,
          }),
        ),
      );
      ran.push(...plan.tasks.map((t) => t.node));
      plan = await commit.handler({
        workflow: "ssi-check",
        threadId,
        checkpointId: plan.checkpointId,
        results: outcomes,
      });
    }
    const reference = await runInProcess(ssiCheck, input, { aws });

    expect(plan.status).toBe("succeeded");
    expect(ran).toEqual(["check", "repair"]);
    expect(reference.state).toMatchObject({ failed: ["bad ssi"], repaired: ["BAD SSI"] });
    expect(ran.length).toBe(reference.supersteps);
  });

  it("refuses a workflow the app did not give it, naming the ones it has", async () => {
    await expect(
      start.handler({ workflow: "triage", threadId: "own-handlers-unknown", input: {} }),
    ).rejects.toMatchObject({
      name: "Switchyard.UnknownWorkflow",
      message: 'Unknown workflow "triage". Known: ssi-check.',
    });
  });
});
