export {
  type BuildOptions,
  buildStateMachine,
  CHILD_STATE_PREFIX,
  DEFAULT_NODE_TIMEOUT_SECONDS,
  type FunctionRole,
  type FunctionSlot,
  resolveDefinition,
  runStateName,
  type StateMachineSpec,
} from "./asl.ts";
export {
  afterSuperstep,
  continueIfDue,
  historyCost,
  historyLine,
  openingHistory,
  successorOf,
} from "./continuation.ts";
export {
  announceDeadlineHold,
  announceTimeToDeadline,
  DEADLINE_HOLD_EVENT,
  type DeadlineHold,
  type DeadlineRetryOptions,
  deadlineRetry,
  isDeadlineAtRisk,
  TIME_TO_DEADLINE_EVENT,
} from "./deadline.ts";
export {
  type AnyStateGraph,
  type DefineWorkflowOptions,
  defineWorkflow,
  type Execution,
  HOSTINGS,
  type Hosting,
  type NodeSettings,
  type RunSummary,
  type WorkflowDefinition,
  type WorkflowResult,
} from "./define.ts";
export * from "./errors.ts";
export { EXPRESS_MAX_SECONDS, type ExpressBudget, expressBudget } from "./express.ts";
export {
  DEFAULT_DISTRIBUTED_ABOVE,
  DEFAULT_DISTRIBUTED_CONCURRENCY,
  DISTRIBUTED_MAX_CONCURRENCY,
  distributedAbove,
  distributedConcurrency,
  runsDistributed,
  withTaskList,
} from "./fan-out.ts";
export { compileWorkflow, inputToState, threadConfig } from "./graph.ts";
export {
  HISTORY_EVENT_LIMIT,
  HISTORY_MARGIN_EVENTS,
  type HistoryCost,
  historyCostOf,
  nearHistoryLimit,
  superstepEvents,
} from "./history.ts";
export { jsonSchemaOf } from "./json-schema.ts";
export { type LazyNode, type LazyNodes, lazyNodes } from "./lazy-node.ts";
export { invokeObserved, isObserved, reportToObserver } from "./observed.ts";
export { firstTaskError, readPosition, type TaskState, type ThreadPosition } from "./plan.ts";
export {
  DEFAULT_RECURSION_LIMIT,
  isRecursionError,
  RECURSION_LIMIT_CODE,
  type RecursionBudget,
} from "./recursion.ts";
export { latestStep, type RunResult, readRunResult, superstepsSince } from "./result.ts";
export {
  answersFor,
  resumeWrites,
  type WaitingInterrupt,
  waitingInterrupts,
} from "./resume.ts";
export { aslRetryFor, LAMBDA_SERVICE_RETRY, langGraphRetryOn, nodeFailure, nodeRetry } from "./retry.ts";
export { type InProcessOptions, resumeInProcessWith, runInProcessWith } from "./run-in-process.ts";
export {
  outcomeView,
  type RunOutcome,
  type RunReading,
  readRunReading,
  resultOf,
  runStatusOf,
  runView,
  withAnswers,
} from "./run-view.ts";
export * from "./run-view-schema.ts";
export { createEngineSteps, type EngineSteps, servingNode } from "./steps.ts";
export {
  commitSuperstep,
  recoverRun,
  resumeRun,
  runGraph,
  runSuperstep,
  runTask,
  startRun,
} from "./superstep.ts";
export {
  failuresOf,
  type MapResultEntry,
  type MapRunManifest,
  S3TaskLists,
  TASK_LIST_PREFIX,
  taskListKeys,
} from "./task-list.ts";
export type {
  EngineDeps,
  EngineObserver,
  ExecutionHistory,
  ManifestRef,
  ModelCallEvent,
  NodeEvent,
  NodeRetryEvent,
  ObservedRun,
  PlanStatus,
  RecordedFailure,
  RecordedFailures,
  RunError,
  RunEvent,
  RunStatus,
  Successor,
  SuperstepPlan,
  TaskFailure,
  TaskListRef,
  TaskListStore,
  TaskOutcome,
  TaskRef,
  ThreadLeaseStore,
  ToolCallEvent,
  WorkflowEvent,
} from "./types.ts";
