import type { CheckpointPendingWrite } from "@langchain/langgraph-checkpoint";
import type { WorkflowDefinition } from "./define.ts";
import { ThreadNotFoundError } from "./errors.ts";
import { type CompiledWorkflow, threadConfig } from "./graph.ts";
import { ERROR, INTERRUPT, NOT_OUTPUT, NULL_TASK_ID } from "./pregel-channels.ts";
import { isRecursionError, RECURSION_LIMIT_CODE } from "./recursion.ts";
import type { EngineDeps, RunError, SuperstepPlan, TaskRef } from "./types.ts";

/** Channels LangGraph writes about a task that are not its output (mirrors `isTaskOutput`). */

export type TaskProgress = "finished" | "interrupted" | "errored" | "not-run";

export interface TaskState extends TaskRef {
  readonly progress: TaskProgress;
  readonly error?: { message?: string; name?: string };
  readonly interrupts: readonly unknown[];
}

export interface ThreadPosition {
  readonly checkpointId: string;
  readonly step: number;
  readonly tasks: readonly TaskState[];
}

/**
 * Where a thread stands: its latest checkpoint and, for each task LangGraph plans next, how far
 * it got, read from the checkpoint's pending writes (the same evidence LangGraph's own resume uses).
 */
export async function readPosition(
  deps: EngineDeps,
  graph: CompiledWorkflow,
  threadId: string,
): Promise<ThreadPosition> {
  const config = threadConfig(threadId);
  const tuple = await deps.saver.getTuple(config);
  if (!tuple) throw new ThreadNotFoundError(threadId);
  const writes = tuple.pendingWrites ?? [];
  const planned = await plannedTasks(graph, threadId, tuple.checkpoint.id, writes);
  const tasks = planned.map((t) => taskState(t.id, t.name, writes));
  return { checkpointId: tuple.checkpoint.id, step: Number(tuple.metadata?.step ?? 0), tasks };
}

/**
 * The tasks LangGraph plans from a checkpoint. They are fixed once the checkpoint exists (ids are
 * derived from it), except for input written against it afterwards (null-task writes), so they
 * are remembered per checkpoint: planning a 1,000-task superstep costs as much as running a small
 * task, and every node Lambda of that superstep would otherwise repeat it.
 */
const PLANNED_CACHE_SIZE = 256;
const planned = new Map<string, readonly { id: string; name: string }[]>();

async function plannedTasks(
  graph: CompiledWorkflow,
  threadId: string,
  checkpointId: string,
  writes: readonly CheckpointPendingWrite[],
): Promise<readonly { id: string; name: string }[]> {
  const inputWrites = writes.filter(([taskId]) => taskId === NULL_TASK_ID).length;
  const key = JSON.stringify([threadId, checkpointId, inputWrites]);
  const known = planned.get(key);
  if (known) return known;
  const snapshot = await graph.getState(threadConfig(threadId));
  const tasks = snapshot.tasks.map((t) => ({ id: t.id, name: t.name }));
  if (planned.size >= PLANNED_CACHE_SIZE) planned.delete(planned.keys().next().value as string);
  planned.set(key, tasks);
  return tasks;
}

function taskState(id: string, node: string, writes: readonly CheckpointPendingWrite[]): TaskState {
  const own = writes.filter(([taskId]) => taskId === id);
  const interrupts = own.filter(([, ch]) => ch === INTERRUPT).flatMap(([, , v]) => v as unknown[]);
  const error = own.find(([, ch]) => ch === ERROR)?.[2] as TaskState["error"];
  const progress: TaskProgress = own.some(([, ch]) => !NOT_OUTPUT.has(ch))
    ? "finished"
    : interrupts.length > 0
      ? "interrupted"
      : error
        ? "errored"
        : "not-run";
  return { id, node, progress, interrupts, ...(error ? { error } : {}) };
}

/**
 * The plan a state machine continues with, from a position: done when nothing is left to run,
 * else the tasks without output (finished tasks are never run again).
 */
export function planFrom(
  workflow: WorkflowDefinition,
  threadId: string,
  position: ThreadPosition,
): SuperstepPlan {
  const base = {
    workflow: workflow.name,
    threadId,
    checkpointId: position.checkpointId,
    step: position.step,
  };
  if (position.tasks.length === 0) return { ...base, status: "succeeded", tasks: [] };
  const tasks = position.tasks.filter((t) => t.progress !== "finished").map(({ id, node }) => ({ id, node }));
  return { ...base, status: "running", tasks };
}

/** The run error for the first failed task, in task order. */
export function firstTaskError(tasks: readonly TaskState[], fallback?: RunError): RunError | undefined {
  const failed = tasks.find((t) => t.progress === "errored");
  if (!failed) return fallback;
  return {
    code: codeOfTaskError(failed.error),
    message: failed.error?.message ?? "task failed",
    node: failed.node,
    taskId: failed.id,
  };
}

/**
 * The run error code of a task's stored error: its name, except LangGraph's recursion error (a
 * subgraph out of steps), which fails the run under LangGraph's code, as in-process.
 */
function codeOfTaskError(error: TaskState["error"]): string {
  if (isRecursionError(error) || error?.name === "GraphRecursionError") return RECURSION_LIMIT_CODE;
  return error?.name ?? "Switchyard.TaskFailed";
}
