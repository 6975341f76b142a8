import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { WorkflowDefinition } from "./define.ts";
import { compileWorkflow, threadConfig } from "./graph.ts";
import { jsonSchemaOf } from "./json-schema.ts";
import { firstTaskError, readPosition, type TaskState, type ThreadPosition } from "./plan.ts";
import { type WaitingInterrupt, waitingInterrupts } from "./resume.ts";
import { type RunStatusName, type RunView, runLinks } from "./run-view-schema.ts";
import type { RecordedFailure, RecordedFailures } from "./types.ts";

/** What {@link runView} reads: the thread's position, its state once stopped, its recorded failure. */
export interface RunReading {
  readonly position: ThreadPosition;
  /** The thread's state values: a finished or waiting run's summary, outputs and result come from them. */
  readonly values?: unknown;
  /** The failure recorded beside the checkpoints, if any (only a running checkpoint heeds it). */
  readonly failure?: RecordedFailure;
}

/**
 * Reads a run for {@link runView}: its position (the graph compiled as the state machine runs
 * it), the failure recorded beside it while the checkpoint says running, and its state values
 * once it has stopped. Throws the engine's `ThreadNotFoundError` for a thread with no checkpoint.
 *
 * @example
 * const reading = await readRunReading({ saver, failures: ThreadLeases.beside(saver) }, getWorkflow("triage"), runId);
 * runView(getWorkflow("triage"), runId, reading).status; // "failed"
 */
export async function readRunReading(
  deps: { readonly saver: BaseCheckpointSaver; readonly failures?: RecordedFailures },
  workflow: WorkflowDefinition,
  threadId: string,
): Promise<RunReading> {
  const graph = compileWorkflow(workflow, deps.saver, "step-functions");
  const position = await readPosition({ saver: deps.saver }, graph, threadId);
  const running = runStatusOf(position.tasks) === "running";
  const failure = running ? currentFailure(position, await deps.failures?.failureOf(threadId)) : undefined;
  if (running && !failure) return { position };
  const { values } = await graph.getState(threadConfig(threadId));
  return { position, values, ...(failure ? { failure } : {}) };
}

/**
 * The run view of a reading: the one rule for status, error, summary, outputs and links, used by
 * `GET /runs/{id}`, `switchyard status`, `switchyard runs` and the failed-run records. The
 * checkpoint decides (waiting, succeeded, a task's error); a checkpoint that says running yields
 * to a failure recorded beside it at that checkpoint (`statusSource: "failed-runs"`). A finished
 * run says what it did (summary) and where its results are (outputs, once succeeded); a waiting
 * one what it waits for and accepts.
 *
 * @example
 * runView(getWorkflow("triage"), runId, { position, values }).waiting?.interrupts[0].answer;
 */
export function runView(workflow: WorkflowDefinition, runId: string, reading: RunReading): RunView {
  const { position, values } = reading;
  const checkpointStatus = runStatusOf(position.tasks);
  const failure = checkpointStatus === "running" ? currentFailure(position, reading.failure) : undefined;
  const status: RunStatusName = failure ? "failed" : checkpointStatus;
  const error = firstTaskError(position.tasks) ?? failure;
  const interrupts = waitingInterrupts(position.tasks);
  const { waiting, ...outcome } = outcomeView(workflow, {
    status,
    interrupts,
    ...(values !== undefined ? { values } : {}),
    ...(error ? { error } : {}),
  });
  return {
    runId,
    threadId: runId,
    workflow: workflow.name,
    status,
    step: position.step,
    checkpointId: position.checkpointId,
    nodes: position.tasks.map((t) => ({ node: t.node, taskId: t.id, progress: t.progress })),
    ...(waiting ? { waiting } : {}),
    ...outcome,
    links: runLinks(runId, workflow.result !== undefined),
    statusSource: failure ? "failed-runs" : "checkpoint",
  };
}

/** A run's outcome, however it was learnt: from its checkpoint, or from the runner that ran it. */
export interface RunOutcome {
  readonly status: RunStatusName;
  /** The run's state values; absent while nothing is known of them. */
  readonly values?: unknown;
  readonly interrupts: readonly WaitingInterrupt[];
  readonly error?: { readonly code: string; readonly message: string; readonly node?: string };
}

/**
 * The parts of a run view that follow from its outcome — what it waits for and accepts, its
 * summary once finished, its outputs once succeeded, its error — for {@link runView} and for
 * the view of a run the CLI has just executed.
 *
 * @example
 * outcomeView(getWorkflow("triage"), { status: "succeeded", values, interrupts: [] }).summary?.headline;
 */
export function outcomeView(
  workflow: WorkflowDefinition,
  outcome: RunOutcome,
): Pick<RunView, "waiting" | "summary" | "outputs" | "error"> {
  const { status, values, interrupts, error } = outcome;
  const finished = status === "succeeded" || status === "failed";
  const summary = finished && values !== undefined ? summaryOf(workflow, status, values) : undefined;
  const outputs =
    status === "succeeded" && values !== undefined && workflow.outputs
      ? workflow.outputs(values as never)
      : undefined;
  return {
    ...(interrupts.length > 0 ? { waiting: { interrupts: withAnswers(workflow, interrupts) } } : {}),
    ...(summary
      ? {
          summary: { headline: summary.headline, steps: [...summary.steps], figures: { ...summary.figures } },
        }
      : {}),
    ...(outputs ? { outputs: { ...outputs } } : {}),
    ...(error
      ? { error: { code: error.code, message: error.message, ...(error.node ? { node: error.node } : {}) } }
      : {}),
  };
}

/**
 * Where a thread's checkpoint alone says it stands: succeeded with nothing left to run, failed
 * with a task error, waiting once every task has finished or stopped at `interrupt()`, else running.
 */
export function runStatusOf(tasks: readonly TaskState[]): RunStatusName {
  if (tasks.length === 0) return "succeeded";
  if (tasks.some((t) => t.progress === "errored")) return "failed";
  if (tasks.some((t) => t.progress === "interrupted") && tasks.every((t) => t.progress !== "not-run"))
    return "waiting";
  return "running";
}

/**
 * The workflow's declared result of a state, when the run has one: succeeded, or waiting (what
 * is decided so far). Undefined while it runs, once it failed, or when the workflow declares none.
 *
 * @example
 * resultOf(getWorkflow("triage"), "succeeded", values)?.outcome; // "amended"
 */
export function resultOf(
  workflow: WorkflowDefinition,
  status: RunStatusName,
  values: unknown,
): Record<string, unknown> | undefined {
  if (!workflow.result || values === undefined || (status !== "succeeded" && status !== "waiting"))
    return undefined;
  return { ...workflow.result.of(values as never) };
}

/**
 * Each waiting interrupt with the answers its node accepts (JSON Schema), when the workflow
 * declares them: a caller learns what to send to `POST /runs/{id}/resume` from the run itself.
 *
 * @example
 * withAnswers(getWorkflow("triage"), interrupts)[0].answer?.required; // ["decision", "by"]
 */
export function withAnswers(
  workflow: WorkflowDefinition,
  interrupts: readonly WaitingInterrupt[],
): NonNullable<RunView["waiting"]>["interrupts"] {
  return interrupts.map((i) => {
    const schema = workflow.result?.answers?.[i.node];
    // Nested in the view, the answer's schema needs no `$schema` of its own.
    const answer = schema ? (({ $schema: _, ...rest }) => rest)(jsonSchemaOf(schema)) : undefined;
    return { id: i.id, node: i.node, value: i.value, ...(answer ? { answer } : {}) };
  });
}

/** A failure recorded at an older checkpoint than the current one is stale: the run was resumed since. */
function currentFailure(
  position: ThreadPosition,
  failure: RecordedFailure | undefined,
): RecordedFailure | undefined {
  if (!failure) return undefined;
  return failure.checkpointId === undefined || failure.checkpointId === position.checkpointId
    ? failure
    : undefined;
}

/**
 * A finished run's summary. A failed run's state can be partial in ways its summary never met
 * (a node that died half-way): the view then goes without one rather than failing as a whole.
 */
function summaryOf(workflow: WorkflowDefinition, status: RunStatusName, values: unknown) {
  if (!workflow.summarize) return undefined;
  if (status !== "failed") return workflow.summarize(values as never);
  try {
    return workflow.summarize(values as never);
  } catch {
    return undefined;
  }
}
