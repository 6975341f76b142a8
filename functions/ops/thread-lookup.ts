import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { compileWorkflow, readPosition, ThreadNotFoundError, type WorkflowDefinition } from "#engine";
import type { LookupThread } from "./failed-runs.ts";

/**
 * {@link LookupThread} over the checkpoint saver: the thread's last checkpoint and its first
 * errored task (the node's own exception, as LangGraph recorded it). Read-only.
 *
 * @example
 * const lookupThread = checkpointLookup(DynamoDBSaver.fromEnv(), getWorkflow);
 * await lookupThread("triage", "run-0001"); // { checkpointId, step: 4, node: "classify", error: {...} }
 */
export function checkpointLookup(
  saver: BaseCheckpointSaver,
  workflowNamed: (name: string) => WorkflowDefinition,
): LookupThread {
  return async (workflowName, threadId) => {
    const workflow = workflowNamed(workflowName);
    const graph = compileWorkflow(workflow, saver, "step-functions");
    try {
      const position = await readPosition({ saver }, graph, threadId);
      const failed = position.tasks.find((t) => t.progress === "errored");
      return {
        checkpointId: position.checkpointId,
        step: position.step,
        pendingNodes: position.tasks.filter((t) => t.progress !== "finished").map((t) => t.node),
        finishedTasks: position.tasks.filter((t) => t.progress === "finished").length,
        ...(failed
          ? {
              node: failed.node,
              taskId: failed.id,
              error: {
                code: failed.error?.name ?? "Switchyard.TaskFailed",
                message: failed.error?.message ?? "task failed",
              },
            }
          : {}),
      };
    } catch (err) {
      // Failed before its first checkpoint (e.g. invalid input): nothing to resume from.
      if (err instanceof ThreadNotFoundError) return undefined;
      throw err;
    }
  };
}
