import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import {
  compileWorkflow,
  firstTaskError,
  readPosition,
  ThreadNotFoundError,
  type WorkflowDefinition,
} from "#engine";
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
      const failed = firstTaskError(position.tasks);
      return {
        checkpointId: position.checkpointId,
        step: position.step,
        pendingNodes: position.tasks.filter((t) => t.progress !== "finished").map((t) => t.node),
        finishedTasks: position.tasks.filter((t) => t.progress === "finished").length,
        ...(failed
          ? {
              ...(failed.node ? { node: failed.node } : {}),
              ...(failed.taskId ? { taskId: failed.taskId } : {}),
              error: { code: failed.code, message: failed.message },
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
