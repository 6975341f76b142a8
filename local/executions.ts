import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { stateMachineName } from "#config";
import type { WorkflowDefinition } from "#engine";
import type { Faults } from "#faults";
import type { ExecutionInput, StartExecution, StartExecutionRequest } from "#ingress";
import type { ExecutionStatusChangeEvent } from "#ops";
import { type ExpressLogEvent, statusChangeFromExpressLog } from "#ops";
import {
  recoverOnStepFunctions,
  resumeOnStepFunctions,
  runOnStepFunctions,
  type StepFunctionsResult,
  type StepFunctionsRunOptions,
} from "./engine.ts";
import type { LocalAws } from "./local-aws.ts";
import { EXECUTION_ABORTED, RUN_STALLED } from "./step-functions.ts";

/**
 * Step Functions' execution registry, for the embedded AWS (there is no Step Functions service
 * here): `startExecution` refuses a second execution of the same name with an
 * `ExecutionAlreadyExists` error as AWS does, runs the state machine locally, records the
 * status, and on FAILED / TIMED_OUT / ABORTED delivers the same "Step Functions Execution Status
 * Change" event EventBridge would, to whatever stands in for the rule's target.
 */
export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface ExecutionRecord {
  readonly name: string;
  readonly executionArn: string;
  readonly workflow: string;
  readonly threadId: string;
  readonly input: ExecutionInput;
  status: ExecutionStatus;
  readonly startDate: number;
  stopDate?: number;
  error?: { code: string; message: string; node?: string; taskId?: string };
  result?: StepFunctionsResult;
}

/** What Step Functions answers to a second StartExecution of a name. */
export class ExecutionAlreadyExistsError extends Error {
  override readonly name = "ExecutionAlreadyExists";
  readonly code = "ExecutionAlreadyExists";
  readonly retryable = false;
  constructor(executionArn: string) {
    super(`Execution Already Exists: '${executionArn}'`);
  }
}

export interface LocalExecutionsOptions {
  readonly aws: LocalAws;
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  /** Where an execution that ended FAILED / TIMED_OUT / ABORTED is announced (the EventBridge rule's target). */
  readonly onFailed?: (event: ExecutionStatusChangeEvent) => Promise<unknown>;
  /** Faults for `aws:StartExecution` (throttles, as Step Functions gives under load). */
  readonly faults?: Faults;
  /** Keeps the execution names here (JSON) so duplicates are refused across CLI invocations. */
  readonly file?: string;
  readonly saver?: BaseCheckpointSaver;
  readonly retryIntervalMs?: number;
  /** The watchdog for every execution: nothing moving for this long ends it TIMED_OUT. */
  readonly stallTimeoutMs?: number;
  readonly wrapHandler?: StepFunctionsRunOptions["wrapHandler"];
  /** Telemetry for every execution (`telemetry.hooks(...)`: its callbacks, if any, and observer), as in Lambda. */
  readonly callbacks?: StepFunctionsRunOptions["callbacks"];
  readonly observer?: StepFunctionsRunOptions["observer"];
}

const ACCOUNT = "000000000000";

export class LocalExecutions {
  readonly #o: LocalExecutionsOptions;
  readonly #records = new Map<string, ExecutionRecord>();
  readonly #running = new Map<string, Promise<ExecutionRecord>>();

  constructor(options: LocalExecutionsOptions) {
    this.#o = options;
    if (options.file && existsSync(options.file)) {
      for (const r of JSON.parse(readFileSync(options.file, "utf8")) as ExecutionRecord[]) {
        // An execution left RUNNING by a process that exited is lost, as a stopped one would be.
        this.#records.set(r.name, r.status === "RUNNING" ? { ...r, status: "ABORTED" } : r);
      }
    }
  }

  /**
   * The dispatcher's port: starts an execution and returns at once, as StartExecution does.
   *
   * @example
   * const executions = new LocalExecutions({ aws, workflowNamed: getWorkflow });
   * await dispatchBatch(event, { startExecution: executions.startExecution });
   */
  readonly startExecution: StartExecution = async (request: StartExecutionRequest) => {
    this.#o.faults?.inject("aws", "StartExecution", "SFN");
    const workflow = this.#o.workflowNamed(request.workflow);
    const machine = stateMachineName(this.#o.aws.resources, workflow.name);
    // An Express execution's ARN names its type and carries an id: its name need not be unique.
    const executionArn =
      workflow.execution === "express"
        ? `arn:aws:states:${this.#o.aws.region}:${ACCOUNT}:express:${machine}:${request.name}:${randomUUID()}`
        : `arn:aws:states:${this.#o.aws.region}:${ACCOUNT}:execution:${machine}:${request.name}`;
    if (this.#records.has(request.name)) throw new ExecutionAlreadyExistsError(executionArn);
    const record: ExecutionRecord = {
      name: request.name,
      executionArn,
      workflow: workflow.name,
      threadId: request.input.threadId,
      input: request.input,
      status: "RUNNING",
      startDate: Date.now(),
    };
    this.#records.set(request.name, record);
    this.#save();
    this.#running.set(request.name, this.#run(workflow, record));
    return { executionArn };
  };

  /** The execution's record once it has ended. */
  async wait(name: string): Promise<ExecutionRecord> {
    const running = this.#running.get(name);
    if (running) return running;
    const record = this.#records.get(name);
    if (!record) throw new Error(`No execution "${name}".`);
    return record;
  }

  /** Resolves when every started execution has ended (and its failure was delivered). */
  async idle(): Promise<ExecutionRecord[]> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
    return this.list();
  }

  get(name: string): ExecutionRecord | undefined {
    return this.#records.get(name);
  }

  list(): ExecutionRecord[] {
    return [...this.#records.values()];
  }

  async #run(workflow: WorkflowDefinition, record: ExecutionRecord): Promise<ExecutionRecord> {
    const { input } = record;
    const options: StepFunctionsRunOptions = {
      aws: this.#o.aws,
      threadId: record.threadId,
      executionName: record.name,
      ...(this.#o.saver ? { saver: this.#o.saver } : {}),
      ...(this.#o.retryIntervalMs === undefined ? {} : { retryIntervalMs: this.#o.retryIntervalMs }),
      ...(this.#o.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: this.#o.stallTimeoutMs }),
      ...(this.#o.wrapHandler ? { wrapHandler: this.#o.wrapHandler } : {}),
      ...(this.#o.callbacks ? { callbacks: this.#o.callbacks } : {}),
      ...(this.#o.observer ? { observer: this.#o.observer } : {}),
    };
    try {
      const result = input.recover
        ? await recoverOnStepFunctions(workflow, record.threadId, options)
        : input.resume !== undefined
          ? // The API or CLI that queued the answer stamped its approver already (a started execution
            // is past the resume path, as in AWS).
            await resumeOnStepFunctions(workflow, record.threadId, input.resume, {
              ...options,
              stamped: true,
            })
          : await runOnStepFunctions(workflow, input.input ?? {}, {
              ...options,
              // The entry point's requester (the API's caller); none: a schedule or other service.
              ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
            });
      record.result = result;
      record.status =
        result.status !== "failed"
          ? "SUCCEEDED"
          : result.error?.code === EXECUTION_ABORTED
            ? "ABORTED"
            : result.error?.code === RUN_STALLED
              ? "TIMED_OUT"
              : "FAILED";
      if (result.error) record.error = { ...result.error };
    } catch (err) {
      record.status = "FAILED";
      record.error = { code: (err as Error).name ?? "Error", message: (err as Error).message ?? String(err) };
    }
    record.stopDate = Date.now();
    this.#save();
    try {
      if (record.status !== "SUCCEEDED") {
        // Express: no EventBridge event; the failure is read off the execution log, as on AWS.
        const event =
          workflow.execution === "express"
            ? statusChangeFromExpressLog(expressFailureLog(record))
            : statusChangeEvent(record, this.#o.aws);
        if (event) await this.#o.onFailed?.(event);
      }
    } finally {
      this.#running.delete(record.name);
    }
    return record;
  }

  #save(): void {
    if (!this.#o.file) return;
    const records = this.list().map(({ result: _result, ...rest }) => rest);
    writeFileSync(this.#o.file, JSON.stringify(records, null, 1));
  }
}

/**
 * The event EventBridge delivers for an execution's status change, as AWS shapes it.
 *
 * @example
 * statusChangeEvent(record, aws).detail.status; // "FAILED"
 */
export function statusChangeEvent(record: ExecutionRecord, aws: LocalAws): ExecutionStatusChangeEvent {
  const machine = stateMachineName(aws.resources, record.workflow);
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    account: ACCOUNT,
    time: new Date(record.stopDate ?? Date.now()).toISOString(),
    region: aws.region,
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn: `arn:aws:states:${aws.region}:${ACCOUNT}:stateMachine:${machine}`,
      name: record.name,
      status: record.status as ExecutionStatusChangeEvent["detail"]["status"],
      startDate: record.startDate,
      stopDate: record.stopDate ?? null,
      input: JSON.stringify(record.input),
      output: null,
      // As a Fail state with ErrorPath "$.error.code" and CausePath "States.JsonToString($.error)"
      // reports the run's error (the engine hook asked for in docs/error-handling.md).
      error: record.error?.code ?? null,
      cause: record.error ? JSON.stringify(record.error) : null,
    },
  };
}

/**
 * The execution log event an Express execution ending this way writes (the failed-run Lambda's
 * subscription reads it on AWS): a failure enters the RunFailed state with the plan as input.
 *
 * @example
 * expressFailureLog(record).type; // "FailStateEntered"
 */
export function expressFailureLog(record: ExecutionRecord): ExpressLogEvent {
  const base = { execution_arn: record.executionArn, event_timestamp: String(record.stopDate ?? Date.now()) };
  if (record.status === "TIMED_OUT")
    return {
      ...base,
      type: "ExecutionTimedOut",
      details: { error: "States.Timeout", cause: record.error?.message ?? "" },
    };
  if (record.status === "ABORTED") return { ...base, type: "ExecutionAborted", details: {} };
  const plan = {
    workflow: record.workflow,
    threadId: record.threadId,
    status: "failed",
    ...(record.error ? { error: record.error, cause: JSON.stringify(record.error) } : {}),
  };
  return { ...base, type: "FailStateEntered", details: { name: "RunFailed", input: JSON.stringify(plan) } };
}
