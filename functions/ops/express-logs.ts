import { gunzipSync } from "node:zlib";
import { InvalidFailedRunError } from "./errors.ts";
import type { ExecutionStatusChangeEvent } from "./events.ts";
import { type FailedRun, type RecordFailedRunDeps, recordFailedRun } from "./failed-runs.ts";

/**
 * Failed Express executions, from their execution log. Express workflows send no "Step
 * Functions Execution Status Change" events to EventBridge and have no DescribeExecution: their
 * history is the CloudWatch Logs log group the state machine writes (level ALL, with execution
 * data). A subscription filter on it hands the events below to the failed-run Lambda, and this
 * module turns each into the status change event a Standard execution would have produced, so
 * one path records and alerts both (docs/error-handling.md, "Express executions").
 *
 * ```
 * execution log ─filter─▶ FailStateEntered (RunFailed | ExecutionFailed: the state's input names
 *                          workflow, thread and error) | ExecutionTimedOut | ExecutionAborted
 *               ─▶ failed-run Lambda ─▶ statusChangeFromExpressLog ─▶ recordFailedRun (as Standard)
 * ```
 * A timed-out or aborted Express execution logs no state input: its thread is taken from the
 * execution name (the run id, which is the thread of every new run).
 */

/** One execution history event as Step Functions writes it to CloudWatch Logs. */
export interface ExpressLogEvent {
  readonly id?: string;
  readonly type: string;
  readonly details?: {
    readonly name?: string;
    readonly input?: string;
    readonly error?: string;
    readonly cause?: string;
  };
  readonly execution_arn: string;
  readonly event_timestamp?: string;
}

/** A CloudWatch Logs subscription's Lambda event: `data` is base64 gzip of the batch. */
export interface CloudWatchLogsEvent {
  readonly awslogs: { readonly data: string };
}

/** The event types that mean an execution failed, timed out or was stopped. */
export const EXPRESS_FAILURE_TYPES = ["FailStateEntered", "ExecutionTimedOut", "ExecutionAborted"] as const;

/** The subscription filter pattern (CloudWatch Logs JSON syntax) that selects them. */
export const EXPRESS_FAILURE_FILTER = `{ ${EXPRESS_FAILURE_TYPES.map((t) => `($.type = "${t}")`).join(" || ")} }`;

/**
 * The events of a subscription delivery, each message parsed.
 *
 * @example
 * expressLogEvents(event); // [{ type: "FailStateEntered", execution_arn: "arn:aws:states:…:express:…", … }]
 */
export function expressLogEvents(event: CloudWatchLogsEvent): ExpressLogEvent[] {
  let batch: { logEvents?: { message: string }[] };
  try {
    batch = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString("utf8"));
  } catch (err) {
    throw new InvalidFailedRunError(`awslogs.data is not base64 gzip of JSON (${(err as Error).message}).`);
  }
  return (batch.logEvents ?? []).map((e) => JSON.parse(e.message) as ExpressLogEvent);
}

/**
 * The status change event a Standard execution would have sent for this Express log event, or
 * undefined for an event that is not a failure.
 *
 * @example
 * statusChangeFromExpressLog(logEvent)?.detail.status; // "FAILED"
 */
export function statusChangeFromExpressLog(event: ExpressLogEvent): ExecutionStatusChangeEvent | undefined {
  const status =
    event.type === "FailStateEntered"
      ? "FAILED"
      : event.type === "ExecutionTimedOut"
        ? "TIMED_OUT"
        : event.type === "ExecutionAborted"
          ? "ABORTED"
          : undefined;
  if (!status) return undefined;
  const arn = parseExpressArn(event.execution_arn);
  const input = parseObject(event.details?.input);
  // RunFailed's input is the plan (its error and cause, as the Fail state reports them); the
  // catch-all's is the payload with the caught `failure`.
  const plan = input as {
    error?: { code?: string };
    cause?: string;
    failure?: { Error?: string; Cause?: string };
  };
  const error = plan.failure?.Error ?? plan.error?.code ?? event.details?.error ?? null;
  const cause = plan.failure?.Cause ?? plan.cause ?? event.details?.cause ?? null;
  const at = Number(event.event_timestamp);
  const time = Number.isFinite(at) && at > 0 ? at : Date.now();
  return {
    version: "0",
    id: event.id ?? `${event.execution_arn}/${event.type}`,
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    time: new Date(time).toISOString(),
    account: arn.account,
    region: arn.region,
    resources: [event.execution_arn],
    detail: {
      executionArn: event.execution_arn,
      stateMachineArn: `arn:${arn.partition}:states:${arn.region}:${arn.account}:stateMachine:${arn.machine}`,
      name: arn.name,
      status,
      startDate: time,
      stopDate: time,
      input: JSON.stringify(input),
      output: null,
      error,
      cause,
    },
  };
}

/** `arn:<partition>:states:<region>:<account>:express:<machine>:<execution name>:<id>`. */
function parseExpressArn(arn: string) {
  const parts = typeof arn === "string" ? arn.split(":") : [];
  if (parts.length < 9 || parts[2] !== "states" || parts[5] !== "express") {
    throw new InvalidFailedRunError(`execution_arn "${arn}" is not an Express execution ARN.`);
  }
  const [, partition, , region, account, , machine, name] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { partition, region, account, machine, name };
}

function parseObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The failed-run handler's domain for a subscription delivery: every failure in the batch is
 * recorded and alerted as a Standard execution's would be; other events are ignored.
 *
 * @example
 * await recordExpressFailures(event, { lookupThread, sendFailedRun, alert }); // [FailedRun, ...]
 */
export async function recordExpressFailures(
  event: CloudWatchLogsEvent,
  deps: RecordFailedRunDeps,
): Promise<FailedRun[]> {
  const runs: FailedRun[] = [];
  for (const logEvent of expressLogEvents(event)) {
    const change = statusChangeFromExpressLog(logEvent);
    if (change) runs.push(await recordFailedRun(change, deps));
  }
  return runs;
}

/** Whether a failed-run Lambda event is a CloudWatch Logs subscription delivery. */
export function isCloudWatchLogsEvent(event: unknown): event is CloudWatchLogsEvent {
  return typeof (event as CloudWatchLogsEvent)?.awslogs?.data === "string";
}
