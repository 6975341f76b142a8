import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { describeAsk, fourEyesAskIn } from "#agents";
import { workflowOfRunId } from "#api";
import {
  compileWorkflow,
  readPosition,
  type ThreadPosition,
  type WorkflowDefinition,
  waitingInterrupts,
} from "#engine";
import { WorkflowNeededError } from "./errors.ts";

/** Reads where a run's thread stands; the checkpoint saver in use, or a stand-in in tests. */
export type PositionReader = (workflow: WorkflowDefinition, threadId: string) => Promise<ThreadPosition>;

export type RunStatusName = "running" | "waiting" | "succeeded" | "failed";

/** What `switchyard status` prints (and `--json` emits as is). */
export interface RunStatus {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatusName;
  readonly step: number;
  readonly checkpointId: string;
  /** The current superstep's tasks; none once the run has succeeded. */
  readonly nodes: readonly { readonly node: string; readonly progress: string }[];
  readonly waiting?: { readonly interrupts: readonly unknown[] };
  readonly error?: { readonly code: string; readonly message: string; readonly node: string };
}

/**
 * {@link PositionReader} over a checkpoint saver: the engine's own `readPosition`, with the graph
 * compiled as the state machine runs it, so the planned tasks are the ones the execution sees.
 *
 * @example
 * const read = checkpointPositions(target.saver);
 * const position = await read(getWorkflow("triage"), runId); // position.tasks[0].progress === "interrupted"
 */
export function checkpointPositions(saver: BaseCheckpointSaver): PositionReader {
  return (workflow, threadId) =>
    readPosition({ saver }, compileWorkflow(workflow, saver, "step-functions"), threadId);
}

/**
 * The workflow whose graph reads a run's checkpoints: `--workflow`, else the one the run id names
 * (`<workflow>_<uuid>`, as the API and `run --target aws` make them).
 *
 * @example
 * workflowForRun("triage_3f0c9a1e-…"); // "triage"
 */
export function workflowForRun(runId: string, given?: string): string {
  const name = given ?? workflowOfRunId(runId);
  if (!name) throw new WorkflowNeededError(runId);
  return name;
}

/**
 * A thread position as a run status. The checkpoint knows waiting, finished and task errors; an
 * execution that stopped without recording an error (timeout, abort) still reads `running` here —
 * the failed-runs queue knows those (`switchyard resume --list`, `GET /runs/{id}`).
 *
 * @example
 * runStatus("triage_3f0c…", "triage", position).status; // "waiting"
 */
export function runStatus(runId: string, workflow: string, position: ThreadPosition): RunStatus {
  const { tasks } = position;
  const interrupts = waitingInterrupts(tasks);
  const errored = tasks.find((t) => t.progress === "errored");
  return {
    runId,
    workflow,
    status: statusOf(position),
    step: position.step,
    checkpointId: position.checkpointId,
    nodes: tasks.map((t) => ({ node: t.node, progress: t.progress })),
    ...(interrupts.length > 0 ? { waiting: { interrupts } } : {}),
    ...(errored
      ? {
          error: {
            code: errored.error?.name ?? "Switchyard.TaskFailed",
            message: errored.error?.message ?? "task failed",
            node: errored.node,
          },
        }
      : {}),
  };
}

function statusOf({ tasks }: ThreadPosition): RunStatusName {
  if (tasks.length === 0) return "succeeded";
  if (tasks.some((t) => t.progress === "errored")) return "failed";
  // Waiting once every task has finished or stopped at interrupt(): nothing is left to run.
  if (tasks.some((t) => t.progress === "interrupted") && tasks.every((t) => t.progress !== "not-run")) {
    return "waiting";
  }
  return "running";
}

/** The status as a few aligned lines; the interrupt's value as JSON, since it is what to answer. */
export function formatRunStatus(s: RunStatus, where: string): string {
  const lines = [
    `Run ${s.runId} (${s.workflow}) on ${where}: ${s.status}`,
    `  step        ${s.step}`,
    `  checkpoint  ${s.checkpointId}`,
  ];
  if (s.nodes.length > 0) {
    lines.push(`  nodes       ${s.nodes.map((n) => `${n.node} (${n.progress})`).join(", ")}`);
  }
  if (s.error) lines.push(`  error       ${s.error.code} in ${s.error.node}: ${s.error.message}`);
  for (const i of s.waiting?.interrupts ?? []) {
    lines.push(`  waiting on  ${JSON.stringify(i)}`);
    const ask = fourEyesAskIn((i as { value?: unknown }).value);
    if (ask) lines.push(`  approvals   ${describeAsk(ask)}`);
  }
  return lines.join("\n");
}

export interface StatusCommandOptions {
  readonly runId: string;
  readonly workflow: WorkflowDefinition;
  readonly read: PositionReader;
  /** Where the checkpoints are, for the headline: `stage prod (eu-west-1)`, `the local AWS`. */
  readonly where: string;
  readonly json: boolean;
  readonly out: (text: string) => void;
}

/**
 * `switchyard status <runId> [--workflow w] [--json]`: where a run stands, from its checkpoint
 * thread. Exit code 0, or 1 when a task failed (as `run`). A thread with no checkpoint throws
 * the engine's `ThreadNotFoundError`.
 *
 * @example
 * await statusCommand({ runId, workflow: getWorkflow("triage"), read, where: "stage dev", json: false, out: console.log });
 */
export async function statusCommand(o: StatusCommandOptions): Promise<number> {
  const status = runStatus(o.runId, o.workflow.name, await o.read(o.workflow, o.runId));
  o.out(o.json ? JSON.stringify(status, null, 2) : formatRunStatus(status, o.where));
  return status.status === "failed" ? 1 : 0;
}
