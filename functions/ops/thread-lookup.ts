import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import {
  compileWorkflow,
  readPosition,
  runView,
  ThreadNotFoundError,
  type WorkflowDefinition,
} from "#engine";
import type { LookupThread } from "./failed-runs.ts";

/**
 * {@link LookupThread} over the checkpoint saver: the thread's last checkpoint and its first
 * errored task (the node's own exception, as LangGraph recorded it), by the engine's one rule
 * (`runView`, as `GET /runs/{id}`). Read-only; the failure this handler is about to record is
 * not read back.
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
    try {
      // The position alone: the view's error and tasks need no state values (they can be megabytes).
      const position = await readPosition(
        { saver },
        compileWorkflow(workflow, saver, "step-functions"),
        threadId,
      );
      const view = runView(workflow, threadId, { position });
      const nodes = view.nodes;
      const failedTask = view.error ? nodes.find((t) => t.progress === "errored")?.taskId : undefined;
      return {
        checkpointId: position.checkpointId,
        step: position.step,
        pendingNodes: nodes.filter((t) => t.progress !== "finished").map((t) => t.node),
        finishedTasks: nodes.filter((t) => t.progress === "finished").length,
        ...(view.error
          ? {
              ...(view.error.node ? { node: view.error.node } : {}),
              ...(failedTask ? { taskId: failedTask } : {}),
              error: { code: view.error.code, message: view.error.message },
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
