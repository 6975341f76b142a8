import type { WorkflowDefinition } from "./define.ts";
import { readTupleForTasks } from "./delegating-saver.ts";
import { NotWaitingError, reportedTaskError } from "./errors.ts";
import {
  type CompiledWorkflow,
  compileWorkflow,
  errorHandlerOf,
  inputToState,
  threadConfig,
} from "./graph.ts";
import { invokeObserved } from "./observed.ts";
import { firstTaskError, planFrom, readPosition, type TaskState, type ThreadPosition } from "./plan.ts";
import { ERROR, ERROR_SOURCE_NODE, INTERRUPT, RESUME, RESUME_MAP } from "./pregel-channels.ts";
import { ReadOnceSaver } from "./read-once-saver.ts";
import {
  budgetFrom,
  budgetOfThread,
  DEFAULT_RECURSION_LIMIT,
  isRecursionError,
  RECURSION_LIMIT_CODE,
  type RecursionBudget,
  RecursionGuardSaver,
  recursionError,
} from "./recursion.ts";
import { interruptIdsOf, resumeMapOf, resumeWrites } from "./resume.ts";
import { RunStampSaver } from "./run-stamp.ts";
import { TaskScopedSaver } from "./task-scoped-saver.ts";
import type { EngineDeps, SuperstepPlan, TaskFailure, TaskOutcome } from "./types.ts";

/**
 * The superstep driver: the domain behind the start, run-node, commit and superstep Lambdas.
 * Every function takes references (thread, checkpoint, task ids), reads state from the saver,
 * and returns the next {@link SuperstepPlan}. Each is safe to repeat: Step Functions retries.
 */

// Stops the loop right before the next superstep's tasks, leaving them planned in the checkpoint.
const PAUSE_BEFORE_TASKS = { interruptBefore: "*" as const, durability: "sync" as const };

function run(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  graph: CompiledWorkflow,
  input: unknown,
  threadId: string,
  extra: object = PAUSE_BEFORE_TASKS,
  resumeMap?: Record<string, unknown>,
) {
  const callbacks = deps.callbacks ? { callbacks: deps.callbacks } : {};
  const config = threadConfig(threadId);
  const observed = { workflow: workflow.name, threadId, observer: deps.observer };
  return invokeObserved(
    graph,
    input,
    {
      // Answers by interrupt id reach the tasks as `Command({ resume: map })` hands them over.
      ...(resumeMap ? { configurable: { ...config.configurable, [RESUME_MAP]: resumeMap } } : config),
      // The run's own count is the guard's (see recursion.ts): LangGraph's count restarts at every
      // Lambda, and never stops one before the guard does. The run's limit is still passed, so a
      // subgraph inherits it, as in `invoke`.
      recursionLimit: UNBOUNDED,
      ...extra,
      ...callbacks,
    },
    observed,
  );
}

const UNBOUNDED = 1_000_000_000;

/** The limit a new invoke (a start or a resume) counts against. */
function limitOf(workflow: WorkflowDefinition, requested: number | undefined): number {
  return requested ?? workflow.recursionLimit ?? DEFAULT_RECURSION_LIMIT;
}

/** Where an execution's plan did not bring its budget (a recovery), the thread's own. */
async function budgetOf(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  threadId: string,
  carried: RecursionBudget | undefined,
): Promise<RecursionBudget> {
  if (carried) return carried;
  return budgetOfThread(await deps.saver.getTuple(threadConfig(threadId)), limitOf(workflow, undefined));
}

/**
 * Runs `step` with checkpoints counted against `budget`; the plan it returns carries the budget
 * on, and a run that exhausts it ends failed with LangGraph's code, at the checkpoint where
 * LangGraph's own loop would have stopped.
 */
async function counted(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  graphOf: (saver: EngineDeps["saver"]) => CompiledWorkflow,
  threadId: string,
  budget: RecursionBudget,
  step: (deps: EngineDeps, graph: CompiledWorkflow) => Promise<SuperstepPlan>,
): Promise<SuperstepPlan> {
  const guarded = { ...deps, saver: new RecursionGuardSaver(deps.saver, budget) };
  try {
    const plan = await step(guarded, graphOf(guarded.saver));
    // Already past it (a repeated call after the limit was hit): still exhausted.
    if (plan.status !== "failed" && plan.step >= budget.stop)
      return exhausted(deps, workflow, graphOf(deps.saver), threadId, budget);
    return { ...plan, recursion: budget };
  } catch (error) {
    if (!isRecursionError(error)) throw error;
    return exhausted(deps, workflow, graphOf(deps.saver), threadId, budget);
  }
}

async function exhausted(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  graph: CompiledWorkflow,
  threadId: string,
  budget: RecursionBudget,
): Promise<SuperstepPlan> {
  const plan = await currentPlan(deps, workflow, graph, threadId);
  const error = { code: RECURSION_LIMIT_CODE, message: recursionError(budget.limit).message };
  return { ...plan, status: "failed", error, cause: JSON.stringify(error), recursion: budget };
}

/** Validates the input, applies it to the thread, and plans the first superstep. */
export async function startRun(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  request: {
    threadId: string;
    input: unknown;
    recursionLimit?: number;
    requestedBy?: string;
    runId?: string;
  },
): Promise<SuperstepPlan> {
  deps = readOnce(deps);
  // Express may deliver a start twice: its input checkpoint names the run (run-stamp.ts).
  if (request.runId && workflow.execution === "express")
    deps = { ...deps, saver: new RunStampSaver(deps.saver, request.runId) };
  const update = inputToState(workflow, request.input, request.requestedBy);
  const before = await deps.saver.getTuple(threadConfig(request.threadId));
  const budget = budgetFrom(Number(before?.metadata?.step ?? -2), limitOf(workflow, request.recursionLimit));
  const compile = (saver: EngineDeps["saver"]) => compileWorkflow(workflow, saver, "step-functions");
  return counted(deps, workflow, compile, request.threadId, budget, async (guarded, graph) => {
    await run(guarded, workflow, graph, update, request.threadId, {
      ...PAUSE_BEFORE_TASKS,
      recursionLimit: budget.limit,
    });
    return currentPlan(guarded, workflow, graph, request.threadId);
  });
}

/**
 * Records the answer to a waiting interrupt and plans the superstep that resumes it. The
 * interrupted task runs again (as LangGraph re-runs it), now finding the resume value.
 */
export async function resumeRun(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  request: { threadId: string; resume: unknown; recursionLimit?: number },
): Promise<SuperstepPlan> {
  deps = readOnce(deps);
  const graph = compileWorkflow(workflow, deps.saver, "step-functions");
  const position = await readPosition(deps, graph, request.threadId);
  const waiting = position.tasks.filter((t) => t.progress === "interrupted");
  if (waiting.length === 0) {
    throw new NotWaitingError(request.threadId, position.tasks.length === 0 ? "finished" : "not interrupted");
  }
  // The writes `invoke(new Command({ resume }))` makes, without running anything here.
  const writes = resumeWrites(request.threadId, position.tasks, request.resume);
  await deps.onAnswer?.(request.threadId, request.resume);
  const tuple = await deps.saver.getTuple(threadConfig(request.threadId));
  for (const { taskId, value } of writes) {
    await deps.saver.putWrites(tuple?.config ?? threadConfig(request.threadId), [[RESUME, value]], taskId);
  }
  // A resume is a new invoke: a new count from this checkpoint.
  const recursion = budgetFrom(position.step, limitOf(workflow, request.recursionLimit));
  return { ...(await currentPlan(deps, workflow, graph, request.threadId)), recursion };
}

/**
 * Plans the way forward for a thread that stopped without finishing (a failed or crashed
 * execution): the current superstep's unfinished tasks only — finished ones keep their writes.
 */
export async function recoverRun(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  request: { threadId: string },
): Promise<SuperstepPlan> {
  deps = readOnce(deps);
  const graph = compileWorkflow(workflow, deps.saver, "step-functions");
  // A recovery continues the same invoke: it keeps counting, and one already past its limit fails.
  const budget = await budgetOf(deps, workflow, request.threadId, undefined);
  const plan = await currentPlan(deps, workflow, graph, request.threadId);
  if (plan.status === "running" && plan.step >= budget.stop)
    return exhausted(deps, workflow, graph, request.threadId, budget);
  return { ...plan, recursion: budget };
}

/**
 * Runs one task of the planned superstep (per-node hosting) and stores its output as pending
 * writes keyed by the task id. A finished task is not run again; a task of a superstep that
 * has since been committed is skipped.
 */
export async function runTask(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  ref: { threadId: string; checkpointId: string; taskId: string },
): Promise<TaskOutcome> {
  deps = readOnce(deps);
  const scoped = new TaskScopedSaver(deps.saver, ref.taskId);
  const graph = compileWorkflow(workflow, scoped, "single-task");
  const position = await readPosition({ ...deps, saver: scoped }, graph, ref.threadId);
  if (position.checkpointId !== ref.checkpointId) return { taskId: ref.taskId, outcome: "skipped-stale" };
  const task = position.tasks.find((t) => t.id === ref.taskId);
  if (!task) return { taskId: ref.taskId, outcome: "skipped-stale" };
  if (task.progress === "finished") return { taskId: ref.taskId, outcome: "skipped-finished" };

  scoped.showFinished(position.tasks.map((t) => t.id));
  const answered = task.interrupts.length > 0 ? await answersById(deps, ref.threadId, [task]) : undefined;
  // A node's exception propagates: the Lambda fails and the state machine's Retry takes over.
  const { limit } = await budgetOf(deps, workflow, ref.threadId, undefined);
  await run(
    deps,
    workflow,
    graph,
    null,
    ref.threadId,
    { ...PAUSE_BEFORE_TASKS, recursionLimit: limit },
    answered,
  );
  const interrupted = scoped.forwarded.some(([ch]) => ch === INTERRUPT);
  return { taskId: ref.taskId, outcome: interrupted ? "interrupted" : "done" };
}

/**
 * Applies every output of the planned superstep as ONE LangGraph superstep (reducers, edges,
 * `Send`, joins, ordering by task path — LangGraph's own loop does it) and plans the next.
 * Idempotent: if the thread has moved past `checkpointId`, the superstep was already applied.
 */
export async function commitSuperstep(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  ref: {
    threadId: string;
    checkpointId: string;
    failures?: readonly TaskFailure[];
    recursion?: RecursionBudget;
  },
): Promise<SuperstepPlan> {
  deps = readOnce(deps);
  const budget = await budgetOf(deps, workflow, ref.threadId, ref.recursion);
  const compile = (saver: EngineDeps["saver"]) => compileWorkflow(workflow, saver, "step-functions");
  return counted(deps, workflow, compile, ref.threadId, budget, (guarded, graph) =>
    commitPlanned(guarded, workflow, graph, ref, budget.limit),
  );
}

async function commitPlanned(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  graph: CompiledWorkflow,
  ref: { threadId: string; checkpointId: string; failures?: readonly TaskFailure[] },
  limit: number,
): Promise<SuperstepPlan> {
  const position = await readPosition(deps, graph, ref.threadId);
  if (position.checkpointId !== ref.checkpointId) return planFrom(workflow, ref.threadId, position);

  const base = planFrom(workflow, ref.threadId, position);
  const failures = ref.failures ?? [];
  const handled = await handOverToErrorHandlers(deps, graph, ref.threadId, position, failures);
  if (position.tasks.every((t) => t.progress === "finished" || handled.has(t.id))) {
    // Every task has output (or a failure its node's error handler takes): LangGraph's loop
    // applies them as one superstep, running the handlers first, as it would in-process.
    await run(deps, workflow, graph, null, ref.threadId, { ...PAUSE_BEFORE_TASKS, recursionLimit: limit });
    return currentPlan(deps, workflow, graph, ref.threadId);
  }
  const failure = failures[0];
  const error = firstTaskError(
    position.tasks,
    failure && {
      ...reportedTaskError(failure.error),
      node: failure.node,
      taskId: failure.taskId,
    },
  );
  if (error) return { ...base, status: "failed", error, cause: JSON.stringify(error) };
  if (position.tasks.some((t) => t.progress === "interrupted")) return { ...base, status: "waiting" };
  // Tasks without output and no recorded failure: run them again rather than lose them.
  return base;
}

/**
 * Failed tasks whose node has a LangGraph `errorHandler`: records the failure the way LangGraph's
 * runner does after a node's last attempt (`__error__` plus `__error_source_node__`), so the loop
 * runs the handler on commit. Returns the ids of the tasks handed over.
 */
async function handOverToErrorHandlers(
  deps: EngineDeps,
  graph: CompiledWorkflow,
  threadId: string,
  position: ThreadPosition,
  failures: readonly TaskFailure[],
): Promise<Set<string>> {
  const handed = new Set<string>();
  const failedIds = new Set(failures.map((f) => f.taskId));
  const tuple = await deps.saver.getTuple(threadConfig(threadId));
  for (const task of position.tasks) {
    const failed = task.progress === "errored" || (task.progress === "not-run" && failedIds.has(task.id));
    if (!failed || !errorHandlerOf(graph, task.node) || !tuple) continue;
    const reported = reportedTaskError(failures.find((f) => f.taskId === task.id)?.error);
    const error = task.error ?? { name: reported.code, message: reported.message };
    const writes: [string, unknown][] = [
      ...(task.error ? [] : [[ERROR, error] as [string, unknown]]),
      [ERROR_SOURCE_NODE, task.node],
    ];
    await deps.saver.putWrites(tuple.config, writes, task.id);
    handed.add(task.id);
  }
  return handed;
}

/** Runs a whole superstep in this process and commits it (per-superstep hosting). */
export async function runSuperstep(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  ref: { threadId: string; checkpointId: string; recursion?: RecursionBudget },
): Promise<SuperstepPlan> {
  deps = readOnce(deps);
  const budget = await budgetOf(deps, workflow, ref.threadId, ref.recursion);
  // One Lambda runs the whole superstep, so LangGraph's own retry policies apply inside it.
  const compile = (saver: EngineDeps["saver"]) => compileWorkflow(workflow, saver, "in-process");
  return counted(deps, workflow, compile, ref.threadId, budget, async (guarded, graph) => {
    const before = await readPosition(guarded, graph, ref.threadId);
    if (before.checkpointId !== ref.checkpointId) return planFrom(workflow, ref.threadId, before);
    const answered = await answersById(guarded, ref.threadId, before.tasks);
    const config = { ...PAUSE_BEFORE_TASKS, recursionLimit: budget.limit };
    await run(guarded, workflow, graph, null, ref.threadId, config, answered);
    return settle(guarded, workflow, graph, ref.threadId, before.checkpointId);
  });
}

/** Runs the graph from where the thread stands to the end or an interrupt (per-graph hosting). */
export async function runGraph(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  ref: { threadId: string; checkpointId: string; recursion?: RecursionBudget },
): Promise<SuperstepPlan> {
  deps = readOnce(deps);
  const budget = await budgetOf(deps, workflow, ref.threadId, ref.recursion);
  const compile = (saver: EngineDeps["saver"]) => compileWorkflow(workflow, saver, "in-process");
  return counted(deps, workflow, compile, ref.threadId, budget, async (guarded, graph) => {
    const before = await readPosition(guarded, graph, ref.threadId);
    const answered = await answersById(guarded, ref.threadId, before.tasks);
    // `sync` durability: the recursion guard's failure surfaces from the put that crossed the limit.
    const config = { durability: "sync", recursionLimit: budget.limit };
    await run(guarded, workflow, graph, null, ref.threadId, config, answered);
    return settle(guarded, workflow, graph, ref.threadId, "");
  });
}

/** After a run that stopped by itself: still at `stalledAt` with interrupted tasks means waiting. */
async function settle(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  graph: CompiledWorkflow,
  threadId: string,
  stalledAt: string,
): Promise<SuperstepPlan> {
  const position = await readPosition(deps, graph, threadId);
  const plan = planFrom(workflow, threadId, position);
  const interrupted = position.tasks.some((t) => t.progress === "interrupted");
  if (interrupted && (stalledAt === "" || position.checkpointId === stalledAt))
    return { ...plan, status: "waiting" };
  return plan;
}

/** The answers by interrupt id stored for `tasks`' interrupts (see resume.ts), as LangGraph's resume map. */
async function answersById(
  deps: EngineDeps,
  threadId: string,
  tasks: readonly TaskState[],
): Promise<Record<string, unknown> | undefined> {
  const ids = interruptIdsOf(tasks);
  if (ids.length === 0) return undefined;
  const tuple = await readTupleForTasks(deps.saver, threadConfig(threadId), ids);
  return resumeMapOf(tasks, tuple?.pendingWrites ?? []);
}

/** One handler call reads each checkpoint once (see {@link ReadOnceSaver}). */
function readOnce(deps: EngineDeps): EngineDeps {
  return deps.saver instanceof ReadOnceSaver ? deps : { ...deps, saver: new ReadOnceSaver(deps.saver) };
}

/** Where the thread stands now, as the plan the state machine continues with. */
async function currentPlan(
  deps: EngineDeps,
  workflow: WorkflowDefinition,
  graph: CompiledWorkflow,
  threadId: string,
): Promise<SuperstepPlan> {
  return planFrom(workflow, threadId, await readPosition(deps, graph, threadId));
}
