import { randomUUID } from "node:crypto";
import { PublishCommand } from "@aws-sdk/client-sns";
import type { Callbacks } from "@langchain/core/callbacks/manager";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { StateMachine } from "aws-local-stepfunctions";
import { stateMachineName } from "#config";
import {
  buildStateMachine,
  CHILD_STATE_PREFIX,
  createEngineSteps,
  type EngineDeps,
  type FunctionSlot,
  latestStep,
  type RunError,
  type RunResult,
  readRunResult,
  resolveDefinition,
  S3TaskLists,
  type SuperstepPlan,
  type TaskListStore,
  type WorkflowDefinition,
} from "#engine";
import { encodeMessageBody } from "#ingress";
import type { LocalAws } from "./local-aws.ts";
import { writeMapResults } from "./map-results.ts";
import { localLeases } from "./saver.ts";

/** Counts from one execution, read off the local runner's event log and handler calls. */
export interface ExecutionStats {
  stateTransitions: number;
  lambdaInvocations: number;
  retries: number;
  invocationsByState: Record<string, number>;
}

export interface StepFunctionsOptions {
  readonly aws: LocalAws;
  readonly saver: BaseCheckpointSaver;
  readonly threadId?: string;
  /**
   * The first execution's name, which is also its lease holder, as on AWS, where the dispatcher
   * names an execution by its run id (so the failed-run handler finds the lease it releases).
   * Default: a new UUID.
   */
  readonly executionName?: string;
  /** LangChain callbacks the engine passes to every graph invocation (telemetry). */
  readonly callbacks?: Callbacks;
  /** The engine's observer: plans and task outcomes (telemetry). */
  readonly observer?: EngineDeps["observer"];
  /** Replaces every Retry wait with this many ms (tests); real intervals, backoff and jitter otherwise. */
  readonly retryIntervalMs?: number;
  /** Called with each plan the engine returns: supersteps, tasks, status (progress display). */
  readonly onPlan?: (plan: SuperstepPlan) => void;
  /**
   * Stops the execution (as `StopExecution` does on AWS) at a clean point: no task starts after
   * it, the tasks already running finish and keep their output, the thread keeps every committed
   * superstep — a recovery continues from there without redoing them.
   */
  readonly signal?: AbortSignal;
  /**
   * The watchdog: an execution in which no state starts or ends and no task starts or ends for
   * this long is ended with `Switchyard.RunStalled`, naming the state and tasks it was in.
   * Default: none.
   */
  readonly stallTimeoutMs?: number;
  /**
   * Where wide supersteps keep their task lists and Map results; default the embedded S3's data
   * bucket, as on AWS. `false`: every superstep runs inline.
   */
  readonly taskLists?: TaskListStore | false;
  /** The thread leases (one execution per thread); default the embedded AWS's, as on AWS. */
  readonly leases?: EngineDeps["leases"] | false;
  /** Wraps each Lambda handler: fault injection and counting in tests. */
  readonly wrapHandler?: (
    slot: FunctionSlot,
    handler: (event: unknown) => Promise<unknown>,
  ) => (event: unknown) => Promise<unknown>;
}

export interface StepFunctionsResult extends RunResult {
  /** The first execution's name (the run's, when its entry point named it). */
  readonly executionName: string;
  /**
   * Every execution the run went through, in order: more than one when it continued as new
   * (each successor started by the `Continue` state, as on AWS). Stats count them all.
   */
  readonly executions: readonly string[];
  readonly stats: ExecutionStats;
  /** How the execution itself failed — the `error` and `cause` EventBridge and DescribeExecution report. */
  readonly executionError?: { readonly Error: string; readonly Cause: string };
}

type RunOptions = NonNullable<Parameters<StateMachine["run"]>[1]>;
type LocalHandlers = NonNullable<NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"]>;
type LocalInput = Parameters<LocalHandlers[string]>[0];
type LocalOutput = Awaited<ReturnType<LocalHandlers[string]>>;

const machines = new WeakMap<WorkflowDefinition, StateMachine>();

interface ExecutionInput {
  input?: unknown;
  resume?: unknown;
  recover?: true;
  recursionLimit?: number;
  requestedBy?: string;
  /** A continued execution's successor: the lease holder it takes the thread over from. */
  continues?: string;
  /** The run's own continue-as-new setting (over the workflow's). */
  continueAsNew?: { afterSupersteps: number };
  runId?: string;
}

/**
 * Runs the workflow on the embedded AWS through the SAME state-machine definition CDK deploys,
 * interpreted by aws-local-stepfunctions, with each Lambda Task bound in-process to its real
 * handler and the failure alert published to the local SNS topic. An execution that continues
 * as new starts its successor through its `Continue` state; the run goes on there, on the same
 * thread, until an execution ends it.
 */
export async function runOnStepFunctionsWith(
  workflow: WorkflowDefinition,
  executionInput: ExecutionInput,
  options: StepFunctionsOptions,
): Promise<StepFunctionsResult> {
  const threadId = options.threadId ?? randomUUID();
  const stepBefore = await latestStep(options.saver, threadId);
  const stats: ExecutionStats = {
    stateTransitions: 0,
    lambdaInvocations: 0,
    retries: 0,
    invocationsByState: {},
  };
  const executions: string[] = [];
  let next: { name: string; input: ExecutionInput } | undefined = {
    name: options.executionName ?? randomUUID(),
    input: executionInput,
  };
  let ended: Awaited<ReturnType<typeof runExecution>> | undefined;
  while (next) {
    executions.push(next.name);
    ended = await runExecution(workflow, next.input, next.name, threadId, stats, options);
    next = ended.successor;
  }
  const { error, executionFailure } = ended ?? {};
  const hadInput = executionInput.resume === undefined && !executionInput.recover;
  const result = await readRunResult(options.saver, workflow, threadId, { stepBefore, hadInput }, error);
  return {
    ...result,
    executionName: executions[0] ?? "",
    executions,
    stats,
    ...(executionFailure ? { executionError: executionFailure } : {}),
  };
}

/**
 * One execution of the state machine; `successor` when it ended by starting another (its
 * `Continue` state), which the caller runs next, as Step Functions would.
 */
async function runExecution(
  workflow: WorkflowDefinition,
  executionInput: ExecutionInput,
  executionName: string,
  threadId: string,
  stats: ExecutionStats,
  options: StepFunctionsOptions,
): Promise<{
  error?: RunError;
  executionFailure?: StepFunctionsResult["executionError"];
  successor?: { name: string; input: ExecutionInput };
}> {
  const { aws } = options;
  // The interpreter has no Distributed Map: wide supersteps run its emulation, on the same S3 code.
  const spec = buildStateMachine(workflow, { distributedMap: "emulated" });
  let machine = machines.get(workflow);
  if (!machine) {
    // Building validates the definition (~0.4 s): once per workflow.
    const definition = resolveDefinition(spec.definition, placeholderArns(workflow, spec.functions, aws));
    machine = new StateMachine(definition as unknown as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    machines.set(workflow, machine);
  }
  const leases = options.leases === false ? undefined : (options.leases ?? localLeases(aws));
  const taskLists =
    options.taskLists === false
      ? undefined
      : (options.taskLists ??
        new S3TaskLists({ client: aws.clients.s3, bucket: aws.resources.dataBucket.name }));
  const deps = {
    saver: options.saver,
    ...(leases ? { leases } : {}),
    ...(taskLists ? { taskLists } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  };
  const engine = createEngineSteps(deps, (name) => {
    if (name !== workflow.name) throw new Error(`This machine runs "${workflow.name}", not "${name}".`);
    return workflow;
  });
  let lastPlan: SuperstepPlan | undefined;
  let engineError: RunError | undefined;
  // Stopped by the caller's signal or by the watchdog; handlers refuse new work once it is.
  const stop = new AbortController();
  const watch = new Watch();
  const handlers: Record<string, (input: LocalInput) => Promise<LocalOutput>> = {};
  for (const slot of spec.functions) {
    const base = bindRole(engine, slot);
    const wrapped = options.wrapHandler ? options.wrapHandler(slot, base) : base;
    for (const stateName of stateNamesOf(slot))
      handlers[stateName] = (async (input: unknown) => {
        // The interpreter keeps going after abort(); a stopped execution on AWS starts no new task.
        if (stop.signal.aborted)
          throw Object.assign(new Error("Execution stopped"), { name: "States.Aborted" });
        stats.lambdaInvocations++;
        stats.invocationsByState[stateName] = (stats.invocationsByState[stateName] ?? 0) + 1;
        // lambda:invoke sends the Parameters' `Payload` to the function as its event.
        const event = (input as { Payload?: unknown }).Payload;
        let payload: unknown;
        const call = wrapped(event);
        const done = watch.running(slot, event, call);
        try {
          payload = await call;
        } catch (err) {
          // The engine's own Lambdas failing ends the execution through the catch-all: keep why.
          if (slot.role !== "node")
            engineError = { code: (err as Error).name, message: (err as Error).message };
          throw err;
        } finally {
          done();
        }
        if (slot.role !== "node") {
          lastPlan = payload as SuperstepPlan;
          options.onPlan?.(lastPlan);
        }
        // The lambda:invoke integration wraps the function's result; the definition reads $.Payload.
        return { Payload: payload as LocalOutput, StatusCode: 200 };
      }) as (input: LocalInput) => Promise<LocalOutput>;
  }
  const listStates = spec.taskListStates;
  if (listStates && taskLists) {
    handlers[listStates.load] = (async (input: unknown) => {
      const { Bucket, Key } = input as { Bucket: string; Key: string };
      return taskLists.read({ bucket: Bucket, key: Key });
    }) as unknown as (input: LocalInput) => Promise<LocalOutput>;
    handlers[listStates.writeResults] = (async (input: unknown) =>
      writeMapResults(aws.clients.s3, input as Parameters<typeof writeMapResults>[1])) as unknown as (
      input: LocalInput,
    ) => Promise<LocalOutput>;
  }
  handlers[spec.notifyStateName] = (async (input: unknown) => {
    if (stop.signal.aborted) return { MessageId: "" };
    const sent = await aws.clients.sns.send(
      new PublishCommand({
        TopicArn: aws.topicArns[aws.resources.alertsTopic.name],
        Subject: `Switchyard: ${workflow.name} execution failed`,
        Message: encodeMessageBody(input),
      }),
    );
    return { MessageId: sent.MessageId ?? "" };
  }) as (input: LocalInput) => Promise<LocalOutput>;
  const machineArn = `arn:aws:states:${aws.region}:${ACCOUNT}:stateMachine:${stateMachineName(aws.resources, workflow.name)}`;
  let successor: { name: string; input: ExecutionInput } | undefined;
  if (spec.continueStateName) {
    handlers[spec.continueStateName] = (async (input: unknown) => {
      if (stop.signal.aborted)
        throw Object.assign(new Error("Execution stopped"), { name: "States.Aborted" });
      const { StateMachineArn, Name, Input } = input as {
        StateMachineArn: string;
        Name: string;
        Input: ExecutionInput;
      };
      if (StateMachineArn !== machineArn)
        throw new Error(`Continue names another machine: ${StateMachineArn}.`);
      // Started once per name, as Step Functions does; the caller runs it once this one ends.
      successor ??= { name: Name, input: Input };
      return {
        ExecutionArn: `${machineArn.replace(":stateMachine:", ":execution:")}:${Name}`,
        StartDate: new Date().toISOString(),
      };
    }) as (input: LocalInput) => Promise<LocalOutput>;
  }

  const execution = machine.run(
    { workflow: workflow.name, threadId, runId: executionName, ...executionInput } as never,
    {
      overrides: {
        taskResourceLocalHandlers: handlers,
        ...(options.retryIntervalMs === undefined
          ? {}
          : { retryIntervalOverrides: retryOverrides(spec.functions, options.retryIntervalMs) }),
      },
      context: {
        Execution: { Id: executionName, Name: executionName },
        StateMachine: { Id: machineArn, Name: stateMachineName(aws.resources, workflow.name) },
      } as never,
    },
  );
  const onAbort = () => {
    stop.abort();
    execution.abort();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  let stalled: string | undefined;
  const watchdog =
    options.stallTimeoutMs === undefined
      ? undefined
      : setInterval(
          () => {
            stalled = watch.stalled(options.stallTimeoutMs ?? 0, lastPlan);
            if (stalled) {
              clearInterval(watchdog);
              onAbort();
            }
          },
          Math.max(10, Math.min(1000, options.stallTimeoutMs / 4)),
        );
  watchdog?.unref();
  const counting = countEvents(execution.eventLogs, stats, watch);
  let error: RunError | undefined;
  let executionFailure: StepFunctionsResult["executionError"];
  try {
    await execution.result;
  } catch (err) {
    const cause = (err as { cause?: { name?: string; message?: string } }).cause;
    if (cause?.name) executionFailure = { Error: cause.name, Cause: cause.message ?? "" };
    if (stalled) error = { code: RUN_STALLED, message: stalled };
    else if (stop.signal.aborted) {
      // The clean point: the tasks already running finish and keep their output.
      await watch.settled();
      error = { code: EXECUTION_ABORTED, message: "The execution was stopped." };
    } else error = engineError ?? executionError(err, lastPlan);
  } finally {
    clearInterval(watchdog);
    options.signal?.removeEventListener("abort", onAbort);
  }
  if (!stalled) await counting.catch(() => undefined);
  // The execution is over, however it ended (stopped, stalled, an engine Lambda failing past its
  // retries): its lease goes, so a recovery need not wait for it to expire.
  if (!error && lastPlan?.status === "failed") error = lastPlan.error;
  // Continued: the lease passes to the successor, which takes it over from this holder.
  const continued = !error && lastPlan?.status === "continued" ? successor : undefined;
  const stopped = error?.code === EXECUTION_ABORTED || error?.code === RUN_STALLED;
  if (!continued) await leases?.release(threadId, executionName, stopped ? undefined : error);
  return {
    ...(error ? { error } : {}),
    ...(executionFailure ? { executionFailure } : {}),
    ...(continued ? { successor: continued } : {}),
  };
}

const ACCOUNT = "000000000000";

function bindRole(engine: ReturnType<typeof createEngineSteps>, slot: FunctionSlot) {
  const byRole = {
    start: engine.start,
    commit: engine.commit,
    node: engine.runNode,
    superstep: engine.superstep,
    graph: engine.graph,
  } as const;
  return byRole[slot.role] as (event: unknown) => Promise<unknown>;
}

function placeholderArns(workflow: WorkflowDefinition, slots: readonly FunctionSlot[], aws: LocalAws) {
  const account = ACCOUNT;
  const values: Record<string, string> = {
    AlertsTopicArn:
      aws.topicArns[aws.resources.alertsTopic.name] ?? `arn:aws:sns:${aws.region}:${account}:alerts`,
  };
  for (const s of slots) {
    const fn = `${aws.resources.prefix}-${workflow.name}-${s.role}${s.node === undefined ? "" : `-${s.node}`}`;
    values[s.key] = `arn:aws:lambda:${aws.region}:${account}:function:${fn.slice(0, 64)}`;
  }
  return values;
}

function retryOverrides(slots: readonly FunctionSlot[], ms: number): Record<string, number> {
  return Object.fromEntries(slots.flatMap((s) => stateNamesOf(s).map((name) => [name, ms])));
}

/** The Task states invoking a slot's function: a node's also runs the emulated Distributed Map's items. */
function stateNamesOf(slot: FunctionSlot): string[] {
  return slot.role === "node" ? [slot.stateName, `${CHILD_STATE_PREFIX}${slot.stateName}`] : [slot.stateName];
}

async function countEvents(
  events: AsyncGenerator<{ type: string; state?: { name: string } }>,
  stats: ExecutionStats,
  watch: Watch,
): Promise<void> {
  for await (const event of events) {
    if (event.type === "StateEntered") stats.stateTransitions++;
    if (event.type === "StateRetried") stats.retries++;
    watch.moved(event.type === "StateEntered" ? event.state?.name : undefined);
  }
}

/** How a run stopped by its signal ends (`StopExecution` on AWS). */
export const EXECUTION_ABORTED = "Switchyard.ExecutionAborted";
/** How a run the watchdog ended ends: nothing moved for `stallTimeoutMs`. */
export const RUN_STALLED = "Switchyard.RunStalled";

/**
 * What the watchdog watches: when anything last moved (a state entered, a handler called or
 * returned), the state last entered, and the handler calls still running.
 */
class Watch {
  private last = performance.now();
  private state: string | undefined;
  private readonly calls = new Map<
    Promise<unknown>,
    { state: string; node?: string; taskId?: string; since: number }
  >();

  moved(state?: string): void {
    this.last = performance.now();
    if (state) this.state = state;
  }

  /** Records a handler call until it ends; returns what ends it. */
  running(slot: FunctionSlot, event: unknown, call: Promise<unknown>): () => void {
    const taskId = (event as { taskId?: unknown } | undefined)?.taskId;
    this.calls.set(call, {
      state: slot.stateName,
      ...(slot.node ? { node: slot.node } : {}),
      ...(typeof taskId === "string" ? { taskId } : {}),
      since: performance.now(),
    });
    this.moved();
    return () => {
      this.calls.delete(call);
      this.moved();
    };
  }

  /** Every handler call still running, ended (whichever way). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.calls.keys()]);
  }

  /** Why the run counts as stalled after `ms` without movement, or undefined while it moves. */
  stalled(ms: number, plan: SuperstepPlan | undefined): string | undefined {
    const idle = performance.now() - this.last;
    if (idle < ms) return undefined;
    const where = plan ? `step ${plan.step} (checkpoint ${plan.checkpointId})` : "before its first step";
    const calls = [...this.calls.values()];
    const doing =
      calls.length === 0
        ? `no task running; last state entered: "${this.state ?? "none"}"`
        : calls
            .slice(0, 5)
            .map(
              (c) =>
                `"${c.state}"${c.taskId ? ` task ${c.taskId}` : ""} running for ${Math.round((performance.now() - c.since) / 1000)} s`,
            )
            .join(", ") + (calls.length > 5 ? ` and ${calls.length - 5} more` : "");
    return `No progress for ${(idle / 1000).toFixed(1)} s at ${where}: ${doing}.`;
  }
}

function executionError(err: unknown, lastPlan: SuperstepPlan | undefined): RunError {
  if (lastPlan?.status === "failed" && lastPlan.error) return lastPlan.error;
  const cause = (err as { cause?: { name?: string; message?: string } }).cause;
  return { code: cause?.name ?? "Switchyard.ExecutionFailed", message: cause?.message ?? String(err) };
}
