import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { type RunView, workflowOfRunId } from "#api";
import {
  type RecordedFailures,
  type RunReading,
  readRunReading,
  resultOf,
  runView,
  type WorkflowDefinition,
} from "#engine";
import { formatRunView } from "../format.ts";
import { WorkflowNeededError } from "./errors.ts";

/**
 * Reads what a run's view needs (`#engine` RunReading: position, recorded failure, state values);
 * the checkpoint saver in use, or a stand-in in tests.
 */
export type RunReader = (workflow: WorkflowDefinition, threadId: string) => Promise<RunReading>;

export type { RunStatusName } from "#api";

/**
 * What `switchyard status` prints, and `--json` emits: the API's run view (`GET /runs/{id}`,
 * `docs/schemas/run-view.schema.json`) with the workflow's result beside it.
 */
export type RunStatus = RunView;

/**
 * {@link RunReader} over a checkpoint saver and the failures recorded beside it: the engine's
 * own `readRunReading`, as `GET /runs/{id}` reads a run.
 *
 * @example
 * const read = checkpointReader(target.saver, target.failures);
 * const { position } = await read(getWorkflow("triage"), runId); // position.tasks[0].progress === "interrupted"
 */
export function checkpointReader(saver: BaseCheckpointSaver, failures?: RecordedFailures): RunReader {
  return (workflow, threadId) =>
    readRunReading({ saver, ...(failures ? { failures } : {}) }, workflow, threadId);
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
 * A reading as a run status, by the engine's one rule (`runView`, as `GET /runs/{id}`), with the
 * workflow's result once it has one. The checkpoint knows waiting, finished and task errors; the
 * failure recorded beside it, an execution that stopped without one (timeout, abort).
 *
 * @example
 * runStatus("triage_3f0c…", getWorkflow("triage"), { position }).status; // "waiting"
 */
export function runStatus(runId: string, workflow: WorkflowDefinition, reading: RunReading): RunStatus {
  const view = runView(workflow, runId, reading);
  const result = resultOf(workflow, view.status, reading.values);
  return { ...view, ...(result ? { result } : {}) };
}

/** The status as a few aligned lines, then the summary, outputs and result (see `formatRunView`). */
export function formatRunStatus(s: RunStatus, where: string): string {
  return formatRunView(s, where);
}

export interface StatusCommandOptions {
  readonly runId: string;
  readonly workflow: WorkflowDefinition;
  readonly read: RunReader;
  /** Where the checkpoints are, for the headline: `stage prod (eu-west-1)`, `the local AWS`. */
  readonly where: string;
  readonly json: boolean;
  readonly out: (text: string) => void;
}

/**
 * `switchyard status <runId> [--workflow w] [--json]`: where a run stands, from its checkpoint
 * thread and the failure recorded beside it — once finished its summary, outputs and result;
 * waiting, what it asks and accepts. Exit code 0, or 1 when the run failed (as `run`). A thread
 * with no checkpoint throws the engine's `ThreadNotFoundError`.
 *
 * @example
 * await statusCommand({ runId, workflow: getWorkflow("triage"), read, where: "stage dev", json: false, out: console.log });
 */
export async function statusCommand(o: StatusCommandOptions): Promise<number> {
  const status = runStatus(o.runId, o.workflow, await o.read(o.workflow, o.runId));
  o.out(o.json ? JSON.stringify(status, null, 2) : formatRunStatus(status, o.where));
  return status.status === "failed" ? 1 : 0;
}
