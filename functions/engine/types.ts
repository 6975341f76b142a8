import type { Callbacks } from "@langchain/core/callbacks/manager";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { RecursionBudget } from "./recursion.ts";

/** What the engine needs from its surroundings; handlers build it once per cold start. */
export interface EngineDeps {
  readonly saver: BaseCheckpointSaver;
  /**
   * LangChain callbacks passed to every graph invocation: they see node, model and tool runs
   * (telemetry spans, token usage) the same way in every runner and hosting mode.
   */
  readonly callbacks?: Callbacks;
  /** Told of every plan and task outcome the engine produces (metrics, logs, progress). */
  readonly observer?: EngineObserver;
  /**
   * Told of a person's answer to a waiting run once it has been checked against the waiting
   * interrupts and before the run goes on (the decision audit records it here). A failure
   * fails the resume: an answer that cannot be recorded is not acted on.
   */
  readonly onAnswer?: (threadId: string, answer: unknown) => Promise<void>;
  /**
   * One execution per thread (the checkpoint table's lease, `#checkpoint` ThreadLeases): taken by
   * start, resume and recover, renewed by every commit, released when the run stops. Without
   * it, nothing keeps two executions off one thread but their names.
   */
  readonly leases?: ThreadLeaseStore;
  /**
   * Where a superstep too wide for the payload keeps its task list and finds its Map's results
   * (docs/engine.md, "Scale: the inline Map and the Distributed Map"). Without it every superstep runs inline.
   */
  readonly taskLists?: TaskListStore;
}

/**
 * A superstep's task list in S3, as the plan carries it instead of the tasks: the Distributed
 * Map's `ItemReader` reads `key`, its `ResultWriter` writes under `resultsPrefix`.
 */
export interface TaskListRef {
  readonly bucket: string;
  readonly key: string;
  readonly count: number;
  readonly resultsPrefix: string;
  /** The Map's `MaxConcurrencyPath`: the lowest `maxConcurrency` of the superstep's nodes. */
  readonly maxConcurrency: number;
}

/** Where a Map run's `ResultWriter` left its manifest (`ResultWriterDetails`). */
export interface ManifestRef {
  readonly bucket: string;
  readonly key: string;
}

/** What the engine needs of a task-list store (`S3TaskLists`, task-list.ts). */
export interface TaskListStore {
  /** Writes the tasks of `plan`'s superstep; returns where they are. */
  write(plan: SuperstepPlan, maxConcurrency: number): Promise<TaskListRef>;
  read(list: Pick<TaskListRef, "bucket" | "key">): Promise<TaskRef[]>;
  /** The tasks whose child execution failed, from a `ResultWriter` manifest. */
  failures(manifest: ManifestRef): Promise<TaskFailure[]>;
}

/** What the engine needs of a lease store; `ThreadBusyError` (`Switchyard.ThreadBusy`) when held. */
export interface ThreadLeaseStore {
  /** `info.from`: the holder it passes from (a continued execution's successor takes it over). */
  take(threadId: string, holder: string, info?: { workflow?: string; from?: string }): Promise<void>;
  renew(threadId: string, holder: string): Promise<void>;
  /**
   * Gives the lease up as the run stops; `failure` says why it failed, recorded beside the
   * checkpoints for `runView` (`GET /runs/{id}`, `switchyard status`, `switchyard runs`).
   */
  release(threadId: string, holder: string, failure?: RecordedFailure): Promise<void>;
}

/** Superstep-level events, as the handlers produce them; every method optional. */
export interface EngineObserver {
  /** A plan left start, resume, recover, commit, superstep or graph. */
  onPlan?(
    plan: SuperstepPlan,
    from: "start" | "resume" | "recover" | "continue" | "commit" | "superstep" | "graph",
  ): void;
  /** A node task ended (run or skipped), or threw. */
  onTask?(event: {
    workflow: string;
    threadId: string;
    taskId: string;
    node: string;
    ms: number;
    outcome?: TaskOutcome["outcome"];
    error?: unknown;
  }): void;
  /**
   * A run of LangGraph's own loop in this process (`runInProcessWith`) began or ended: the
   * in-process runner has no plans, so this is where its run starts and stops.
   */
  onRun?(event: RunEvent): void;
  /**
   * A node's task ended, as LangGraph's loop reports it (its `tasks` stream): every runner and
   * hosting mode, no callback handler needed. An attempt LangGraph retries inside its loop
   * (its retry policy, in-process) is one task: only the last attempt is reported.
   */
  onNode?(event: NodeEvent): void;
  /**
   * An attempt of a node failed and LangGraph retries it inside its loop (its retry policy,
   * in-process): the task goes on, and `onNode` reports how it ends. Told when the retry is
   * decided, before the retry's wait.
   */
  onNodeRetry?(event: NodeRetryEvent): void;
  /** A model call of an agent (one attempt), from the agent's loop: see `reportToObserver`. */
  onModelCall?(event: ModelCallEvent): void;
  /** A tool call an agent ran (refused calls run nothing and are not reported). */
  onToolCall?(event: ToolCallEvent): void;
  /** A workflow's own event (`announceDeadlineHold`, `announceTimeToDeadline`). */
  onWorkflowEvent?(event: WorkflowEvent): void;
}

/** Where an observed event happened: the run's workflow and thread. */
export interface ObservedRun {
  readonly workflow: string;
  readonly threadId: string;
  /** The node task a report came from (a model or tool call inside a node); absent outside one. */
  readonly taskId?: string;
}

export type RunEvent =
  | (ObservedRun & { readonly phase: "start"; readonly kind: "in-process" | "resume" })
  | (ObservedRun & { readonly phase: "end"; readonly status: RunStatus; readonly error?: RunError });

export interface NodeEvent extends ObservedRun {
  readonly node: string;
  readonly taskId: string;
  /** From the task's start to its result, as the loop reported them. */
  readonly ms: number;
  /** When the task started (epoch ms), as the loop stamped it. */
  readonly startedAt?: number;
  /** The superstep the task ran in (LangGraph's `langgraph_step`). */
  readonly step?: number;
  readonly error?: unknown;
  /** The node called `interrupt()`: it waits for an answer, it did not fail. */
  readonly interrupted: boolean;
}

export interface NodeRetryEvent extends ObservedRun {
  readonly node: string;
  readonly taskId: string;
  /** What the attempt threw. */
  readonly error: unknown;
}

export interface ModelCallEvent extends ObservedRun {
  /** LangSmith's names, as the model declares them (`ls_provider`, `ls_model_name`). */
  readonly provider: string;
  readonly model: string;
  /** The model the provider says answered (`response_metadata.model_name`), when it says. */
  readonly responseModel?: string;
  readonly ms: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly error?: unknown;
}

export interface ToolCallEvent extends ObservedRun {
  readonly tool: string;
  readonly ok: boolean;
  /** The model's id for the call (`gen_ai.tool.call.id`). */
  readonly callId?: string;
  /** How long the tool ran, when timed (the agent times it while observed). */
  readonly ms?: number;
  /** What the tool threw, when it failed. */
  readonly error?: unknown;
}

export interface WorkflowEvent extends ObservedRun {
  readonly name: string;
  readonly data: unknown;
}

export type RunStatus = "running" | "waiting" | "succeeded" | "failed";

/**
 * A plan's status: a run's, or `continued` — the execution ends here and its successor carries
 * the same run on (continue-as-new, see continuation.ts). Never a run's status: the thread is
 * still running.
 */
export type PlanStatus = RunStatus | "continued";

/** One task of a superstep, as it travels through Step Functions: a reference, never data. */
export interface TaskRef {
  readonly id: string;
  readonly node: string;
}

export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly node?: string;
  readonly taskId?: string;
}

/**
 * The state machine's payload between states: where the thread stands and what to run next.
 * Small by design (ids only) so Step Functions' 256 KB payload limit never binds.
 */
export interface SuperstepPlan {
  readonly workflow: string;
  readonly threadId: string;
  /** The checkpoint the listed tasks belong to; commit refuses to apply another one's outputs. */
  readonly checkpointId: string;
  readonly step: number;
  readonly status: PlanStatus;
  /**
   * Tasks still to run in this superstep (finished ones are never listed again); empty when
   * `taskList` holds them.
   */
  readonly tasks: readonly TaskRef[];
  /** A superstep above its nodes' `distributedAbove`: its tasks in S3, for the Distributed Map. */
  readonly taskList?: TaskListRef;
  readonly error?: RunError;
  /**
   * `error` as a JSON string when failed: the state machine's Fail state names it as the
   * execution's cause (`CausePath`), so the failed-runs record carries the node and task on AWS.
   */
  readonly cause?: string;
  /** The run's recursion budget, carried from call to call (see recursion.ts). */
  readonly recursion?: RecursionBudget;
  /** The execution holding the thread's lease (EngineDeps.leases): commit renews it, or stops. */
  readonly lease?: string;
  /** What this execution has spent of its history so far (see history.ts); absent before the first plan. */
  readonly history?: ExecutionHistory;
  /** When `continued`: the execution that carries the run on (the state machine's `Continue` state starts it). */
  readonly successor?: Successor;
}

/** One execution's use of its history, carried from plan to plan (see history.ts). */
export interface ExecutionHistory {
  /** Supersteps this execution has committed. */
  readonly supersteps: number;
  /** Its history events so far, estimated from the definition. */
  readonly events: number;
  /** The run's own `continueAsNew.afterSupersteps` (a run option), carried to every execution. */
  readonly afterSupersteps?: number;
}

/** The execution a `continued` plan starts: its name, and its input (a recovery of the thread). */
export interface Successor {
  /** Deterministic (thread and checkpoint), so a retried `Continue` never starts two. */
  readonly name: string;
  readonly input: {
    readonly workflow: string;
    readonly threadId: string;
    readonly runId: string;
    readonly recover: true;
    /** The lease holder it takes the thread over from (absent without leases). */
    readonly continues?: string;
    /** The run's own continue-as-new setting, kept by every execution of the run. */
    readonly continueAsNew?: { readonly afterSupersteps: number };
  };
}

/** A failed Map item, as the state machine's Catch records it. */
export interface TaskFailure {
  readonly taskId: string;
  readonly node: string;
  readonly error: { readonly Error?: string; readonly Cause?: string };
}

/** Outcome of running one task in a node Lambda. */
export interface TaskOutcome {
  readonly taskId: string;
  readonly outcome: "done" | "interrupted" | "skipped-finished" | "skipped-stale";
}

/**
 * How an execution ended badly, as recorded beside the thread's checkpoints (its lease item,
 * `#checkpoint` ThreadLeases): by the engine when a plan fails, by the failed-run handler when an
 * execution stops (a timeout, an abort, an engine Lambda failing) without a task error.
 */
export interface RecordedFailure {
  readonly code: string;
  readonly message: string;
  readonly node?: string;
  /** The execution's end; FAILED when absent. */
  readonly status?: "FAILED" | "TIMED_OUT" | "ABORTED";
  /** The thread's last checkpoint when it failed: a run that moved on since (resumed) is not failed. */
  readonly checkpointId?: string;
}

/** Reads the failure recorded beside a thread's checkpoints (`#checkpoint` ThreadLeases is one). */
export interface RecordedFailures {
  /** The failure of the thread's last execution, or undefined when it did not fail (or never ran). */
  failureOf(threadId: string): Promise<RecordedFailure | undefined>;
}
