/**
 * The `switchyard/engine` face: the engine's public API for users and tests, plus the runners
 * bound to the embedded AWS. Lambda code imports `#engine` internals instead, so nothing here
 * (the local Step Functions interpreter, emulators) ever enters a Lambda bundle.
 */
import type { Callbacks } from "@langchain/core/callbacks/manager";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { stampAnswers } from "#agents";
import { answerEntry } from "#audit";
import {
  answersFor,
  compileWorkflow,
  type EngineDeps,
  type RunResult,
  readPosition,
  resumeInProcessWith,
  runInProcessWith,
  type WorkflowDefinition,
  waitingInterrupts,
} from "#engine";
import { localApprover } from "./identity.ts";
import type { LocalAws } from "./local-aws.ts";
import { localSaver } from "./saver.ts";
import {
  runOnStepFunctionsWith,
  type StepFunctionsOptions,
  type StepFunctionsResult,
} from "./step-functions.ts";

export {
  type AnyStateGraph,
  buildStateMachine,
  defineWorkflow,
  type Hosting,
  type NodeSettings,
  type RunResult,
  type RunSummary,
  resolveDefinition,
  type SuperstepPlan,
  type WaitingInterrupt,
  type WorkflowDefinition,
} from "#engine";
export type { ExecutionStats, StepFunctionsResult } from "./step-functions.ts";

export interface RunOptions {
  /** The embedded AWS (what `startLocalAws()` returns); checkpoints go to its DynamoDB table. */
  readonly aws: LocalAws;
  readonly threadId?: string;
  /** Another saver instead of the DynamoDB one (benchmarks). */
  readonly saver?: BaseCheckpointSaver;
  /** LangChain callbacks for every graph invocation (telemetry's span handler: `telemetry.hooks(...)`). */
  readonly callbacks?: Callbacks;
  /** Told of plans, runs, nodes, model and tool calls (telemetry's `hooks().observer`). */
  readonly observer?: EngineDeps["observer"];
  /** LangGraph's `recursionLimit` for this run (a start or a resume); the workflow's otherwise. */
  readonly recursionLimit?: number;
  /**
   * Step Functions runners: this run's `continueAsNew` (docs/engine.md, "Long runs"), over the
   * workflow's, for every execution of the run. In-process runs have no execution history.
   */
  readonly continueAsNew?: { readonly afterSupersteps: number };
  /** Who answers on a resume (stamped on the answer, never read from it); the OS user by default. */
  readonly approver?: string;
  /**
   * Who asks for a new run (the workflow's `requesterField`): the API's caller, by way of the
   * requests queue. A run started in this process records none: on one machine the maker and
   * the checker are the same OS account (docs/controls.md, "Four-eyes approval").
   */
  readonly requestedBy?: string;
  /** The clock an answer is stamped with and checked against an approval deadline. */
  readonly now?: () => Date;
  /**
   * The answer comes stamped from a resume path (the API, the CLI) by way of the requests queue:
   * checked against the waiting interrupts and recorded, not stamped again.
   */
  readonly stamped?: boolean;
}

export type StepFunctionsRunOptions = RunOptions & Omit<StepFunctionsOptions, "aws" | "saver" | "threadId">;

/**
 * Runs a workflow in this process, checkpointed in the embedded DynamoDB.
 *
 * @example
 * const aws = await startLocalAws();
 * const result = await runInProcess(triage, {}, { aws });
 */
export function runInProcess(
  workflow: WorkflowDefinition,
  input: unknown,
  options: RunOptions,
): Promise<RunResult> {
  return runInProcessWith(workflow, input, {
    saver: options.saver ?? localSaver(options.aws),
    threadId: options.threadId,
    ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
    ...audited(options),
    ...limit(options),
  });
}

export async function resumeInProcess(
  workflow: WorkflowDefinition,
  threadId: string,
  resumeValue: unknown,
  options: RunOptions,
): Promise<RunResult> {
  const saver = options.saver ?? localSaver(options.aws);
  const answer = await recordAnswer(workflow, saver, options, threadId, resumeValue);
  return resumeInProcessWith(workflow, threadId, answer, {
    saver,
    ...(options.observer ? { observer: options.observer } : {}),
    ...audited(options),
    ...limit(options),
  });
}

/**
 * The run's callbacks with the local AWS's audit recorder added: every local run records its
 * decisions, as every Lambda does (its recorder comes from its environment).
 */
function audited(options: RunOptions): { callbacks: Callbacks } {
  const given = options.callbacks ?? [];
  if (!Array.isArray(given)) {
    given.addHandler(options.aws.audit.recorder, true);
    return { callbacks: given };
  }
  return { callbacks: [...given, options.aws.audit.recorder] };
}

/**
 * Checks a person's answer against the waiting interrupts (refused here, before any execution
 * starts, as the API and CLI do), stamps the approver on answers to four-eyes approvals (refused:
 * an excluded approver, a second approval, one after the deadline, an answer naming its own
 * `by`), then puts it on the run's audit chain, with who gave it, before the run goes on.
 * Returns the answer as the run is to get it.
 */
async function recordAnswer(
  workflow: WorkflowDefinition,
  saver: BaseCheckpointSaver,
  options: RunOptions,
  threadId: string,
  answer: unknown,
): Promise<unknown> {
  const position = await readPosition({ saver }, compileWorkflow(workflow, saver), threadId);
  const waiting = waitingInterrupts(position.tasks);
  const answers = answersFor(threadId, waiting, answer);
  if (options.stamped) {
    // Stamped by the resume path that queued it (the API): recorded with the identities on it.
    await options.aws.audit.log.append(threadId, answerEntry(answer));
    return answer;
  }
  const by = options.approver ?? localApprover();
  const stamped = stampAnswers(waiting, answers, by, options.now?.() ?? new Date());
  await options.aws.audit.log.append(threadId, answerEntry(stamped, { by }));
  return stamped;
}

function continuing(options: RunOptions): { continueAsNew?: { afterSupersteps: number } } {
  return options.continueAsNew
    ? { continueAsNew: { afterSupersteps: options.continueAsNew.afterSupersteps } }
    : {};
}

function limit(options: RunOptions): { recursionLimit?: number } {
  return options.recursionLimit === undefined ? {} : { recursionLimit: options.recursionLimit };
}

/**
 * Runs a workflow through the state machine CDK deploys, interpreted locally, every Lambda task
 * bound to its real handler, against the embedded AWS. Equal to {@link runInProcess} by design.
 *
 * @example
 * const result = await runOnStepFunctions(triage, {}, { aws, onPlan: (p) => console.log(p.step) });
 */
export function runOnStepFunctions(
  workflow: WorkflowDefinition,
  input: unknown,
  options: StepFunctionsRunOptions,
): Promise<StepFunctionsResult> {
  return runOnStepFunctionsWith(
    workflow,
    {
      input: input ?? {},
      ...limit(options),
      ...continuing(options),
      ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
    },
    { ...options, ...audited(options), saver: options.saver ?? localSaver(options.aws) },
  );
}

/**
 * Answers a waiting interrupt: a new execution on the same thread, starting with `Command({ resume })`
 * — one value, or `{ [interruptId]: value }` answering some of several. An answer that does not fit
 * the waiting interrupts is refused here, before any execution starts (as the API and CLI do).
 */
export async function resumeOnStepFunctions(
  workflow: WorkflowDefinition,
  threadId: string,
  resumeValue: unknown,
  options: StepFunctionsRunOptions,
): Promise<StepFunctionsResult> {
  const saver = options.saver ?? localSaver(options.aws);
  const answer = await recordAnswer(workflow, saver, options, threadId, resumeValue);
  return runOnStepFunctionsWith(
    workflow,
    { resume: answer, ...limit(options), ...continuing(options) },
    { ...options, ...audited(options), threadId, saver },
  );
}

/**
 * Continues a failed or crashed run in a new execution on the same thread, from its last
 * checkpoint: finished tasks are not run again.
 */
export function recoverOnStepFunctions(
  workflow: WorkflowDefinition,
  threadId: string,
  options: StepFunctionsRunOptions,
): Promise<StepFunctionsResult> {
  return runOnStepFunctionsWith(
    workflow,
    { recover: true, ...continuing(options) },
    { ...options, ...audited(options), threadId, saver: options.saver ?? localSaver(options.aws) },
  );
}
