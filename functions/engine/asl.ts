import type { WorkflowDefinition } from "./define.ts";
import { NON_RETRYABLE_CODES } from "./errors.ts";
import { aslRetryFor, LAMBDA_SERVICE_RETRY } from "./retry.ts";

/**
 * Builds the Amazon States Language definition of a workflow's superstep loop — the ONE builder
 * used by CDK (`DefinitionBody.fromString` + `definitionSubstitutions`) and by the local runner,
 * so what runs locally is what deploys.
 *
 * ```
 * Start ─▶ Route ─running─▶ RunTasks (Map: ByNode ─▶ Run <node> | TaskFailed) ─▶ Commit ─▶ Route
 *            │ waiting ─▶ Waiting (Succeed)    succeeded ─▶ Done    failed ─▶ RunFailed (Fail)
 *            │ continued ─▶ Continue (StartExecution of this machine) ─▶ Continued (Succeed)
 * any error ─▶ NotifyFailure (SNS) ─▶ ExecutionFailed (Fail)
 * ```
 * per-superstep hosting replaces RunTasks+Commit with RunSuperstep; single with RunGraph.
 * Payloads are references (thread, checkpoint, task ids); state stays in DynamoDB.
 */
export type FunctionRole = "start" | "commit" | "node" | "superstep" | "graph";

export interface FunctionSlot {
  /** `${key}` placeholder in the definition, filled with the function ARN. */
  readonly key: string;
  readonly role: FunctionRole;
  readonly node?: string;
  /** The Task state(s) invoking it — the local runner binds handlers by state name. */
  readonly stateName: string;
  readonly timeoutSeconds: number;
}

export interface StateMachineSpec {
  readonly definition: Record<string, unknown>;
  readonly functions: readonly FunctionSlot[];
  /** `${AlertsTopicArn}`: where the catch-all publishes. */
  readonly alertsTopicKey: string;
  readonly notifyStateName: string;
  /**
   * The `states:startExecution` Task that starts a continued run's successor (continuation.ts);
   * absent for single hosting, whose one Lambda runs to the end. The local runner binds it by name.
   */
  readonly continueStateName?: string;
}

export const DEFAULT_NODE_TIMEOUT_SECONDS = 60;
const ENGINE_TIMEOUT_SECONDS = 60;
const DEFAULT_MAX_CONCURRENCY = 40;
const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const START_EXECUTION = "arn:aws:states:::states:startExecution";
const CONTINUE_STATE = "Continue";

/** Options of the loop itself. */
export interface BuildOptions {
  /** Map `MaxConcurrency` (per-node hosting); inline Map is capped at 40 by Step Functions. */
  readonly maxConcurrency?: number;
  /** Whole-execution timeout; a run longer than this fails and is alerted. */
  readonly executionTimeoutSeconds?: number;
}

export function buildStateMachine(
  workflow: WorkflowDefinition,
  options: BuildOptions = {},
): StateMachineSpec {
  const functions: FunctionSlot[] = [];
  const slot = (role: FunctionRole, stateName: string, timeoutSeconds: number, node?: string) => {
    const key = node === undefined ? `${capitalize(role)}FunctionArn` : `NodeFunctionArn${functions.length}`;
    functions.push({ key, role, stateName, timeoutSeconds, ...(node === undefined ? {} : { node }) });
    return key;
  };
  const catchAll = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "NotifyFailure" }];
  const engineTask = (role: FunctionRole, name: string, timeout = ENGINE_TIMEOUT_SECONDS) =>
    lambdaTask(slot(role, name, timeout), timeout, {
      Retry: [fatal(), LAMBDA_SERVICE_RETRY, { ...transient(), MaxAttempts: 2 }],
      Catch: catchAll,
      Next: "Route",
    });

  const states: Record<string, unknown> = { Start: engineTask("start", "Start") };
  const continues = workflow.hosting !== "single";
  const runningNext =
    workflow.hosting === "per-node"
      ? "RunTasks"
      : workflow.hosting === "per-superstep"
        ? "RunSuperstep"
        : "RunGraph";
  states.Route = {
    Type: "Choice",
    Choices: [
      { Variable: "$.status", StringEquals: "running", Next: runningNext },
      { Variable: "$.status", StringEquals: "waiting", Next: "Waiting" },
      { Variable: "$.status", StringEquals: "succeeded", Next: "Done" },
      ...(continues ? [{ Variable: "$.status", StringEquals: "continued", Next: CONTINUE_STATE }] : []),
    ],
    Default: "RunFailed",
  };
  if (workflow.hosting === "per-node") {
    states.RunTasks = mapState(workflow, options, slot, catchAll);
    states.Commit = engineTask("commit", "Commit");
  } else if (workflow.hosting === "per-superstep") {
    states.RunSuperstep = engineTask("superstep", "RunSuperstep", maxNodeTimeout(workflow));
  } else {
    states.RunGraph = engineTask("graph", "RunGraph", 900);
  }
  states.Waiting = { Type: "Succeed", Comment: "Interrupted: resume starts a new execution on the thread." };
  states.Done = { Type: "Succeed" };
  if (continues) {
    states[CONTINUE_STATE] = continueState(catchAll);
    states.Continued = {
      Type: "Succeed",
      Comment: "Continued as new: the successor execution carries the run on, on the same thread.",
    };
  }
  // The execution fails with the task's own error code; the cause (JSON) names node and task.
  states.RunFailed = { Type: "Fail", ErrorPath: "$.error.code", CausePath: "$.cause" };
  states.NotifyFailure = {
    Type: "Task",
    Resource: "arn:aws:states:::sns:publish",
    Parameters: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a definitionSubstitutions placeholder, filled by CDK.
      TopicArn: "${AlertsTopicArn}",
      Subject: `Switchyard: ${workflow.name} execution failed`,
      "Message.$": "States.JsonToString($)",
    },
    TimeoutSeconds: 30,
    Retry: [LAMBDA_SERVICE_RETRY_SNS],
    Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyFailure", Next: "ExecutionFailed" }],
    Next: "ExecutionFailed",
  };
  states.ExecutionFailed = {
    Type: "Fail",
    Error: "Switchyard.ExecutionFailed",
    Cause: "Engine failure; alert sent.",
  };

  return {
    definition: {
      Comment: `Switchyard workflow "${workflow.name}" (${workflow.hosting} hosting): LangGraph supersteps on Step Functions.`,
      StartAt: "Start",
      TimeoutSeconds: options.executionTimeoutSeconds ?? 3600,
      States: states,
    },
    functions,
    alertsTopicKey: "AlertsTopicArn",
    notifyStateName: "NotifyFailure",
    ...(continues ? { continueStateName: CONTINUE_STATE } : {}),
  };
}

/**
 * Starts the successor of a continued plan: THIS state machine (`$$.StateMachine.Id`), under the
 * name the plan carries (deterministic, see continuation.ts). A retry whose first attempt did
 * start it meets `ExecutionAlreadyExists` once that execution has moved on: that is the
 * successor, so it counts as started.
 */
function continueState(catchAll: object[]) {
  const exists = "StepFunctions.ExecutionAlreadyExistsException";
  return {
    Type: "Task",
    Resource: START_EXECUTION,
    Parameters: {
      "StateMachineArn.$": "$$.StateMachine.Id",
      "Name.$": "$.successor.name",
      "Input.$": "$.successor.input",
    },
    ResultPath: "$.started",
    TimeoutSeconds: 60,
    Retry: [
      { ErrorEquals: [exists], MaxAttempts: 0 },
      {
        ErrorEquals: ["StepFunctions.ExecutionLimitExceededException", "States.TaskFailed"],
        IntervalSeconds: 2,
        MaxAttempts: 5,
        BackoffRate: 2,
        JitterStrategy: "FULL",
      },
    ],
    Catch: [{ ErrorEquals: [exists], ResultPath: "$.started", Next: "Continued" }, ...catchAll],
    Next: "Continued",
  };
}

const LAMBDA_SERVICE_RETRY_SNS = {
  ErrorEquals: ["SNS.SdkClientException", "SNS.InternalErrorException", "SNS.ThrottledException"],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
};

function mapState(
  workflow: WorkflowDefinition,
  options: BuildOptions,
  slot: (role: FunctionRole, stateName: string, timeout: number, node?: string) => string,
  catchAll: object[],
) {
  // LangGraph's generated error-handler nodes run inside commit, after the failed task's retries.
  const nodes = Object.keys(workflow.graph.nodes).filter(
    (n) => n !== "__start__" && !n.startsWith("__error_handler__"),
  );
  const itemStates: Record<string, unknown> = {
    ByNode: {
      Type: "Choice",
      Choices: nodes.map((node) => ({ Variable: "$.node", StringEquals: node, Next: runStateName(node) })),
      Default: "UnknownNode",
    },
    UnknownNode: {
      Type: "Fail",
      Error: "Switchyard.UnknownNode",
      Cause: "The plan named a node this machine does not have.",
    },
    TaskFailed: {
      Type: "Pass",
      Parameters: { "taskId.$": "$.taskId", "node.$": "$.node", "error.$": "$.error", outcome: "failed" },
      End: true,
    },
  };
  for (const node of nodes) {
    const timeout = workflow.nodes[node]?.timeoutSeconds ?? DEFAULT_NODE_TIMEOUT_SECONDS;
    const key = slot("node", runStateName(node), timeout, node);
    itemStates[runStateName(node)] = lambdaTask(key, timeout, {
      ResultSelector: { "taskId.$": "$.Payload.taskId", "outcome.$": "$.Payload.outcome" },
      Retry: [fatal(), LAMBDA_SERVICE_RETRY, ...aslRetryFor(workflow, node)],
      // Inside the Map: a Catch targeting a state outside it crashes CDK synth
      // (docs/architecture.md, "Verified pitfalls").
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "TaskFailed" }],
      End: true,
    });
  }
  return {
    Type: "Map",
    ItemsPath: "$.tasks",
    ItemSelector: {
      "workflow.$": "$.workflow",
      "threadId.$": "$.threadId",
      "checkpointId.$": "$.checkpointId",
      "taskId.$": "$$.Map.Item.Value.id",
      "node.$": "$$.Map.Item.Value.node",
    },
    MaxConcurrency: Math.min(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_CONCURRENCY),
    ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "ByNode", States: itemStates },
    ResultPath: "$.results",
    Catch: catchAll,
    Next: "Commit",
  };
}

function lambdaTask(key: string, timeoutSeconds: number, rest: Record<string, unknown>) {
  return {
    Type: "Task",
    Resource: LAMBDA_INVOKE,
    Parameters: { FunctionName: `\${${key}}`, "Payload.$": "$" },
    // The Lambda's own timeout fires first; this bounds a hung invocation.
    TimeoutSeconds: timeoutSeconds + 10,
    ...(rest.ResultSelector ? {} : { OutputPath: "$.Payload" }),
    ...rest,
  };
}

const fatal = () => ({ ErrorEquals: [...NON_RETRYABLE_CODES], MaxAttempts: 0 });
const transient = () => ({
  ErrorEquals: ["States.TaskFailed"],
  IntervalSeconds: 1,
  BackoffRate: 2,
  JitterStrategy: "FULL",
});

export function runStateName(node: string): string {
  return `Run ${node}`;
}

function maxNodeTimeout(workflow: WorkflowDefinition): number {
  const timeouts = Object.values(workflow.nodes).map((n) => n.timeoutSeconds ?? DEFAULT_NODE_TIMEOUT_SECONDS);
  return Math.max(DEFAULT_NODE_TIMEOUT_SECONDS, ...timeouts) * 2;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Fills `${Key}` placeholders (what CDK's `definitionSubstitutions` does at deploy time).
 *
 * @example
 * resolveDefinition(spec.definition, { StartFunctionArn: "arn:aws:lambda:...:function:start" });
 */
export function resolveDefinition(
  definition: object,
  values: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const text = JSON.stringify(definition).replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`No value for definition placeholder ${whole}.`);
    return value;
  });
  return JSON.parse(text) as Record<string, unknown>;
}
