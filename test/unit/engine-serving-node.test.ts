import { afterEach, describe, expect, it, vi } from "vitest";
import { type EngineSteps, NON_RETRYABLE_CODES, servingNode, type TaskOutcome } from "#engine";
import { getWorkflow } from "#workflows";
import { lambdaEngine } from "../../functions/handlers/lambda-engine.ts";
import { setProcessEnv } from "../fixtures/process-env.ts";

/**
 * A per-node function runs its own node only (`NODE_NAME`, set by AgentWorkflow on each node
 * function): another node's task would run without that node's grants, memory and timeout.
 */
const task = (node: string) => ({
  workflow: "triage",
  threadId: "t-1",
  checkpointId: "c-1",
  taskId: "k-1",
  node,
});
const ran: TaskOutcome = { taskId: "k-1", outcome: "done" };

describe("servingNode", () => {
  it("runs a task of its own node", async () => {
    const inner = vi.fn<EngineSteps["runNode"]>().mockResolvedValue(ran);

    await expect(servingNode("classify", inner)(task("classify"))).resolves.toBe(ran);
    expect(inner).toHaveBeenCalledWith(task("classify"));
  });

  it("refuses another node's task as a malformed payload, never retried, without running it", async () => {
    const inner = vi.fn<EngineSteps["runNode"]>().mockResolvedValue(ran);

    const refused = servingNode("classify", inner)(task("report"));

    await expect(refused).rejects.toMatchObject({
      name: "Switchyard.InvalidPayload",
      message: expect.stringMatching(/node "report" sent to the function of node "classify"/),
    });
    expect(NON_RETRYABLE_CODES).toContain("Switchyard.InvalidPayload");
    expect(inner).not.toHaveBeenCalled();
  });

  it("refuses a payload without a node before comparing", async () => {
    const inner = vi.fn<EngineSteps["runNode"]>();
    await expect(servingNode("classify", inner)({ workflow: "triage" })).rejects.toMatchObject({
      name: "Switchyard.InvalidPayload",
    });
    expect(inner).not.toHaveBeenCalled();
  });

  it("runs every node's task where no node is served (local runner, tests)", async () => {
    const inner = vi.fn<EngineSteps["runNode"]>().mockResolvedValue(ran);
    expect(servingNode(undefined, inner)).toBe(inner);
  });
});

describe("the Lambda engine (functions/handlers/lambda-engine.ts)", () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it("serves the node its NODE_NAME names, refusing the others before any AWS call", async () => {
    restore = setProcessEnv({
      CHECKPOINT_TABLE: "switchyard-unit-checkpoints",
      WORKFLOW_NAME: "triage",
      NODE_NAME: "classify",
      LOG_LEVEL: "SILENT",
    });
    const engine = lambdaEngine(getWorkflow);

    await expect(engine.runNode(task("report"))).rejects.toMatchObject({ name: "Switchyard.InvalidPayload" });
  });
});
