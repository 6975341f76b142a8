import { describe, expect, it } from "vitest";
import { UnknownWorkflowError } from "#engine";
import { getWorkflow, workflows } from "#workflows";
import { loadWorkflow, WORKFLOW_MODULES } from "#workflows/registry";

/** functions/workflows/registry.ts: the one list of workflows, each behind its own import(). */
describe("the workflow registry", () => {
  it("loads each registered workflow under its own name, the same definition #workflows holds", async () => {
    for (const name of Object.keys(WORKFLOW_MODULES)) {
      const loaded = await loadWorkflow(name);
      expect(loaded.name).toBe(name);
      expect(loaded).toBe(getWorkflow(name));
    }
    expect(Object.keys(workflows)).toEqual(Object.keys(WORKFLOW_MODULES));
  });

  it("refuses a name it does not register, listing the ones it does", async () => {
    await expect(loadWorkflow("fx-fixings")).rejects.toBeInstanceOf(UnknownWorkflowError);
    await expect(loadWorkflow("toString")).rejects.toMatchObject({
      name: "Switchyard.UnknownWorkflow",
      known: Object.keys(WORKFLOW_MODULES),
    });
  });
});
