import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { WorkflowDefinition } from "./define.ts";
import { compileWorkflow, threadConfig } from "./graph.ts";
import { readPosition } from "./plan.ts";
import { type WaitingInterrupt, waitingInterrupts } from "./resume.ts";
import type { RunError } from "./types.ts";

/** What both runners return; equal for the same input — the engine's core promise. */
export interface RunResult<State = Record<string, unknown>> {
  readonly status: "succeeded" | "waiting" | "failed";
  readonly threadId: string;
  readonly state: State;
  /** Node supersteps this run executed (the input's own bookkeeping steps not counted). */
  readonly supersteps: number;
  /** When `waiting`: each interrupt with its id (what a resume answers by), payload and node. */
  readonly interrupts?: readonly WaitingInterrupt[];
  readonly error?: RunError;
}

/** The thread's latest step, or undefined for a thread never run. */
export async function latestStep(saver: BaseCheckpointSaver, threadId: string): Promise<number | undefined> {
  const tuple = await saver.getTuple(threadConfig(threadId));
  return tuple ? Number(tuple.metadata?.step ?? 0) : undefined;
}

/**
 * Supersteps run since `stepBefore`. A run with new input first writes two bookkeeping
 * checkpoints (the input, then `__start__` applying it); a resume writes none.
 */
export function superstepsSince(
  stepBefore: number | undefined,
  stepAfter: number,
  hadInput: boolean,
): number {
  if (!hadInput) return stepAfter - (stepBefore ?? 0);
  return stepAfter - (stepBefore ?? -2) - 2;
}

/** Reads the run's outcome from its checkpoint: final state, waiting interrupts, supersteps. */
export async function readRunResult(
  saver: BaseCheckpointSaver,
  workflow: WorkflowDefinition,
  threadId: string,
  since: { stepBefore: number | undefined; hadInput: boolean },
  error?: RunError,
): Promise<RunResult> {
  const graph = compileWorkflow(workflow, saver);
  const snapshot = await graph.getState(threadConfig(threadId));
  const step = Number(snapshot.metadata?.step ?? 0);
  // A thread never written (input refused) has no position and waits on nothing.
  const interrupts =
    snapshot.tasks.length > 0
      ? waitingInterrupts((await readPosition({ saver }, graph, threadId)).tasks)
      : [];
  const status = error ? "failed" : interrupts.length > 0 ? "waiting" : "succeeded";
  return {
    status,
    threadId,
    state: snapshot.values as Record<string, unknown>,
    supersteps: superstepsSince(since.stepBefore, step, since.hadInput),
    ...(interrupts.length > 0 && !error ? { interrupts } : {}),
    ...(error ? { error } : {}),
  };
}
