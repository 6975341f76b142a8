import { randomUUID } from "node:crypto";
import { PublishCommand } from "@aws-sdk/client-sns";
import type { Callbacks } from "@langchain/core/callbacks/manager";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { StateMachine } from "aws-local-stepfunctions";
import {
  buildStateMachine,
  createEngineHandlers,
  type EngineDeps,
  type FunctionSlot,
  latestStep,
  type RunError,
  type RunResult,
  readRunResult,
  resolveDefinition,
  type SuperstepPlan,
  type WorkflowDefinition,
} from "#engine";
import { encodeMessageBody } from "#ops";
import type { LocalAws } from "./local-aws.ts";
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
  /** LangChain callbacks the engine passes to every graph invocation (telemetry). */
  readonly callbacks?: Callbacks;
  /** The engine's observer: plans and task outcomes (telemetry). */
  readonly observer?: EngineDeps["observer"];
  /** Replaces every Retry wait with this many ms (tests); real intervals, backoff and jitter otherwise. */
  readonly retryIntervalMs?: number;
  /** Called with each plan the engine returns: supersteps, tasks, status (progress display). */
  readonly onPlan?: (plan: SuperstepPlan) => void;
  /** Stops the execution (as `StopExecution` does on AWS); the thread keeps every committed superstep. */
  readonly signal?: AbortSignal;
  /** The thread leases (one execution per thread); default the embedded AWS's, as on AWS. */
  readonly leases?: EngineDeps["leases"] | false;
  /** Wraps each Lambda handler: fault injection and counting in tests. */
  readonly wrapHandler?: (
    slot: FunctionSlot,
    handler: (event: unknown) => Promise<unknown>,
  ) => (event: unknown) => Promise<unknown>;
}

export interface StepFunctionsResult extends RunResult {
  readonly executionName: string;
  readonly stats: ExecutionStats;
  /** How the execution itself failed — the `error` and `cause` EventBridge and DescribeExecution report. */
  readonly executionError?: { readonly Error: string; readonly Cause: string };
}

type RunOptions = NonNullable<Parameters<StateMachine["run"]>[1]>;
type LocalHandlers = NonNullable<NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"]>;
type LocalInput = Parameters<LocalHandlers[string]>[0];
type LocalOutput = Awaited<ReturnType<LocalHandlers[string]>>;

const machines = new WeakMap<WorkflowDefinition, StateMachine>();

/**
 * Runs the workflow on the embedded AWS through the SAME state-machine definition CDK deploys,
 * interpreted by aws-local-stepfunctions, with each Lambda Task bound in-process to its real
 * handler and the failure alert published to the local SNS topic.
 */
export async function runOnStepFunctionsWith(
  workflow: WorkflowDefinition,
  executionInput: { input?: unknown; resume?: unknown; recover?: true; recursionLimit?: number },
  options: StepFunctionsOptions,
): Promise<StepFunctionsResult> {
  const threadId = options.threadId ?? randomUUID();
  const { aws } = options;
  const spec = buildStateMachine(workflow);
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
  const deps = {
    saver: options.saver,
    ...(leases ? { leases } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  };
  const engine = createEngineHandlers(deps, (name) => {
    if (name !== workflow.name) throw new Error(`This machine runs "${workflow.name}", not "${name}".`);
    return workflow;
  });
  const stats: ExecutionStats = {
    stateTransitions: 0,
    lambdaInvocations: 0,
    retries: 0,
    invocationsByState: {},
  };
  let lastPlan: SuperstepPlan | undefined;
  let engineError: RunError | undefined;
  const handlers: Record<string, (input: LocalInput) => Promise<LocalOutput>> = {};
  for (const slot of spec.functions) {
    const base = bindRole(engine, slot);
    const wrapped = options.wrapHandler ? options.wrapHandler(slot, base) : base;
    handlers[slot.stateName] = (async (input: unknown) => {
      // The interpreter keeps going after abort(); a stopped execution on AWS starts no new task.
      if (options.signal?.aborted)
        throw Object.assign(new Error("Execution stopped"), { name: "States.Aborted" });
      stats.lambdaInvocations++;
      stats.invocationsByState[slot.stateName] = (stats.invocationsByState[slot.stateName] ?? 0) + 1;
      // lambda:invoke sends the Parameters' `Payload` to the function as its event.
      let payload: unknown;
      try {
        payload = await wrapped((input as { Payload?: unknown }).Payload);
      } catch (err) {
        // The engine's own Lambdas failing ends the execution through the catch-all: keep why.
        if (slot.role !== "node")
          engineError = { code: (err as Error).name, message: (err as Error).message };
        throw err;
      }
      if (slot.role !== "node") {
        lastPlan = payload as SuperstepPlan;
        options.onPlan?.(lastPlan);
      }
      // The lambda:invoke integration wraps the function's result; the definition reads $.Payload.
      return { Payload: payload as LocalOutput, StatusCode: 200 };
    }) as (input: LocalInput) => Promise<LocalOutput>;
  }
  handlers[spec.notifyStateName] = (async (input: unknown) => {
    if (options.signal?.aborted) return { MessageId: "" };
    const sent = await aws.clients.sns.send(
      new PublishCommand({
        TopicArn: aws.topicArns[aws.resources.alertsTopic.name],
        Subject: `Switchyard: ${workflow.name} execution failed`,
        Message: encodeMessageBody(input),
      }),
    );
    return { MessageId: sent.MessageId ?? "" };
  }) as (input: LocalInput) => Promise<LocalOutput>;

  const stepBefore = await latestStep(options.saver, threadId);
  const executionName = randomUUID();
  const execution = machine.run(
    { workflow: workflow.name, threadId, runId: executionName, ...executionInput } as never,
    {
      overrides: {
        taskResourceLocalHandlers: handlers,
        ...(options.retryIntervalMs === undefined
          ? {}
          : { retryIntervalOverrides: retryOverrides(spec.functions, options.retryIntervalMs) }),
      },
      context: { Execution: { Id: executionName, Name: executionName } } as never,
    },
  );
  const onAbort = () => execution.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const counting = countEvents(execution.eventLogs, stats);
  let error: RunError | undefined;
  let executionFailure: StepFunctionsResult["executionError"];
  try {
    await execution.result;
  } catch (err) {
    const cause = (err as { cause?: { name?: string; message?: string } }).cause;
    if (cause?.name) executionFailure = { Error: cause.name, Cause: cause.message ?? "" };
    error = options.signal?.aborted
      ? { code: "Switchyard.ExecutionAborted", message: "The execution was stopped." }
      : (engineError ?? executionError(err, lastPlan));
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  await counting.catch(() => undefined);
  if (!error && lastPlan?.status === "failed") error = lastPlan.error;
  const hadInput = executionInput.resume === undefined && !executionInput.recover;
  const result = await readRunResult(options.saver, workflow, threadId, { stepBefore, hadInput }, error);
  return {
    ...result,
    executionName,
    stats,
    ...(executionFailure ? { executionError: executionFailure } : {}),
  };
}

function bindRole(engine: ReturnType<typeof createEngineHandlers>, slot: FunctionSlot) {
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
  const account = "000000000000";
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
  return Object.fromEntries(slots.map((s) => [s.stateName, ms]));
}

async function countEvents(events: AsyncGenerator<{ type: string }>, stats: ExecutionStats): Promise<void> {
  for await (const event of events) {
    if (event.type === "StateEntered") stats.stateTransitions++;
    if (event.type === "StateRetried") stats.retries++;
  }
}

function executionError(err: unknown, lastPlan: SuperstepPlan | undefined): RunError {
  if (lastPlan?.status === "failed" && lastPlan.error) return lastPlan.error;
  const cause = (err as { cause?: { name?: string; message?: string } }).cause;
  return { code: cause?.name ?? "Switchyard.ExecutionFailed", message: cause?.message ?? String(err) };
}
