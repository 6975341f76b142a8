export {
  type BuildOptions,
  buildStateMachine,
  DEFAULT_NODE_TIMEOUT_SECONDS,
  type FunctionRole,
  type FunctionSlot,
  resolveDefinition,
  runStateName,
  type StateMachineSpec,
} from "./asl.ts";
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
  type Hosting,
  type NodeSettings,
  type RunSummary,
  type WorkflowDefinition,
  type WorkflowResult,
} from "./define.ts";
export * from "./errors.ts";
export { compileWorkflow, inputToState, threadConfig } from "./graph.ts";
export { createEngineHandlers, type EngineHandlers } from "./handlers.ts";
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
  commitSuperstep,
  recoverRun,
  resumeRun,
  runSuperstep,
  runTask,
  runToEnd,
  startRun,
} from "./superstep.ts";
export type {
  EngineDeps,
  EngineObserver,
  ModelCallEvent,
  NodeEvent,
  ObservedRun,
  RunError,
  RunEvent,
  RunStatus,
  SuperstepPlan,
  TaskFailure,
  TaskOutcome,
  TaskRef,
  ThreadLeaseStore,
  ToolCallEvent,
  WorkflowEvent,
} from "./types.ts";
