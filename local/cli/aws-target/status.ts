import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { type RunView, resultOf, runViewOf, workflowOfRunId } from "#api";
import {
  compileWorkflow,
  readPosition,
  type ThreadPosition,
  threadConfig,
  type WorkflowDefinition,
} from "#engine";
import { formatRunView } from "../format.ts";
import { WorkflowNeededError } from "./errors.ts";

/**
 * Reads where a run's thread stands, and — once it finished or waits — its state values (the
 * summary, outputs and result come from them); the checkpoint saver in use, or a stand-in in tests.
 */
export type PositionReader = (
  workflow: WorkflowDefinition,
  threadId: string,
) => Promise<ThreadPosition & { readonly values?: unknown }>;

export type { RunStatusName } from "#api";

/**
 * What `switchyard status` prints, and `--json` emits: the API's run view (`GET /runs/{id}`,
 * `docs/schemas/run-view.schema.json`) with the workflow's result beside it.
 */
export type RunStatus = RunView;

/**
 * {@link PositionReader} over a checkpoint saver: the engine's own `readPosition`, with the graph
 * compiled as the state machine runs it, so the planned tasks are the ones the execution sees.
 *
 * @example
 * const read = checkpointPositions(target.saver);
 * const position = await read(getWorkflow("triage"), runId); // position.tasks[0].progress === "interrupted"
 */
export function checkpointPositions(saver: BaseCheckpointSaver): PositionReader {
  return async (workflow, threadId) => {
    const graph = compileWorkflow(workflow, saver, "step-functions");
    const position = await readPosition({ saver }, graph, threadId);
    const running = runViewOf(workflow, threadId, { position }).status === "running";
    if (running) return position;
    return { ...position, values: (await graph.getState(threadConfig(threadId))).values };
  };
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
 * A thread position as a run status, by the API's own rule (`runViewOf`), with the workflow's
 * result once it has one. The checkpoint knows waiting, finished and task errors; an execution
 * that stopped without recording an error (timeout, abort) still reads `running` here — the
 * failed-runs queue knows those (`switchyard resume --list`, `GET /runs/{id}`).
 *
 * @example
 * runStatus("triage_3f0c…", getWorkflow("triage"), position).status; // "waiting"
 */
export function runStatus(
  runId: string,
  workflow: WorkflowDefinition,
  reading: ThreadPosition & { readonly values?: unknown },
): RunStatus {
  const { values, ...position } = reading;
  const view = runViewOf(workflow, runId, { position, ...(values !== undefined ? { values } : {}) });
  const result = resultOf(workflow, view.status, values);
  return { ...view, ...(result ? { result } : {}) };
}

/** The status as a few aligned lines, then the summary, outputs and result (see `formatRunView`). */
export function formatRunStatus(s: RunStatus, where: string): string {
  return formatRunView(s, where);
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
 * thread — once finished its summary, outputs and result; waiting, what it asks and accepts.
 * Exit code 0, or 1 when a task failed (as `run`). A thread with no checkpoint throws the
 * engine's `ThreadNotFoundError`.
 *
 * @example
 * await statusCommand({ runId, workflow: getWorkflow("triage"), read, where: "stage dev", json: false, out: console.log });
 */
export async function statusCommand(o: StatusCommandOptions): Promise<number> {
  const status = runStatus(o.runId, o.workflow, await o.read(o.workflow, o.runId));
  o.out(o.json ? JSON.stringify(status, null, 2) : formatRunStatus(status, o.where));
  return status.status === "failed" ? 1 : 0;
}
