import { createHash } from "node:crypto";
import { z } from "zod";
import type { ThreadLeaseStore } from "#engine";
import { decodeMessageBody, RUN_ID_PATTERN, type RunRequest } from "#ingress";
import { DEAD_LETTER_QUEUES, type Metrics, recordDeadLetter } from "#telemetry";
import { InvalidFailedRunError } from "./errors.ts";
import type { ExecutionStatusChangeEvent } from "./events.ts";

/**
 * Failed runs: an execution that ended FAILED, TIMED_OUT or ABORTED becomes one record on the
 * failed-runs queue with what an operator needs to act — run, thread, workflow, failing node,
 * error, last checkpoint — and what resuming needs. The queue is the dead-letter store of runs.
 */
export const FAILED_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

export const FailedRunSchema = z.object({
  kind: z.literal("switchyard.failed-run"),
  runId: z.string().min(1).max(80),
  threadId: z.string().min(1).max(200),
  workflow: z.string().min(1),
  status: z.enum(FAILED_STATUSES),
  executionArn: z.string(),
  failedAt: z.iso.datetime(),
  error: z.object({ code: z.string(), message: z.string() }),
  /** The node whose task failed, when the checkpoint records one. */
  node: z.string().optional(),
  taskId: z.string().optional(),
  /** The thread's last checkpoint: resuming continues from here. Absent if the run never got one. */
  checkpoint: z.object({ id: z.string(), step: z.number().int() }).optional(),
});

export type FailedRun = z.infer<typeof FailedRunSchema>;

/** Where a thread stands, as far as a failed run's record needs. */
export interface ThreadFailure {
  readonly checkpointId: string;
  readonly step: number;
  readonly node?: string;
  readonly taskId?: string;
  readonly error?: { readonly code: string; readonly message: string };
  /** Nodes of the tasks a resume would run (unfinished ones); finished tasks keep their output. */
  readonly pendingNodes?: readonly string[];
  readonly finishedTasks?: number;
}

/** Reads a thread's last checkpoint and first failed task; undefined when it has no checkpoint. */
export type LookupThread = (workflow: string, threadId: string) => Promise<ThreadFailure | undefined>;

export interface RecordFailedRunDeps {
  readonly lookupThread: LookupThread;
  /**
   * Where the failure is recorded beside the thread's checkpoints: the thread's lease, released
   * by the failed execution with why (`#checkpoint` ThreadLeases) — the one item `GET /runs/{id}`
   * reads. Only the failed execution's own lease is touched: a newer execution's stays theirs.
   */
  readonly leases: Pick<ThreadLeaseStore, "release">;
  readonly sendFailedRun: (run: FailedRun) => Promise<void>;
  readonly alert: (run: FailedRun) => Promise<void>;
  /** Counts the record on the failed-runs queue (`DeadLetters`, Queue `failed-runs`). */
  readonly metrics?: Metrics;
}

/**
 * Builds the failed-run record of an execution status change event.
 *
 * @example
 * const run = await failedRunFromEvent(event, lookupThread); // { runId, node: "classify", checkpoint: { id, step }, ... }
 */
export async function failedRunFromEvent(
  event: ExecutionStatusChangeEvent,
  lookupThread?: LookupThread,
): Promise<FailedRun> {
  const d = event?.detail;
  if (!d || !FAILED_STATUSES.includes(d.status as (typeof FAILED_STATUSES)[number])) {
    throw new InvalidFailedRunError(`not a failed execution (status ${d?.status ?? "missing"}).`);
  }
  const input = parseJson(d.input) as { workflow?: string; threadId?: string; runId?: string };
  const workflow = input.workflow ?? workflowFromArn(d.stateMachineArn);
  const threadId = input.threadId ?? input.runId ?? d.name;
  const thread = lookupThread ? await lookupThread(workflow, threadId).catch(() => undefined) : undefined;
  const cause = runErrorIn(d.cause);
  const executionError = {
    code:
      cause?.code ?? (d.error || (d.status === "FAILED" ? "States.Failed" : `States.${titleCase(d.status)}`)),
    message: cause?.message ?? (d.cause || `The execution ended ${d.status}.`),
  };
  const node = thread?.node ?? cause?.node;
  const taskId = thread?.taskId ?? cause?.taskId;
  return FailedRunSchema.parse({
    kind: "switchyard.failed-run",
    runId: input.runId ?? d.name,
    threadId,
    workflow,
    status: d.status,
    executionArn: d.executionArn,
    failedAt: new Date(d.stopDate ?? Date.parse(event.time)).toISOString(),
    // The node's own error says more than the state machine's "Switchyard.RunFailed".
    error: thread?.error ?? executionError,
    ...(node ? { node } : {}),
    ...(taskId ? { taskId } : {}),
    ...(thread ? { checkpoint: { id: thread.checkpointId, step: thread.step } } : {}),
  });
}

/**
 * The failed-run handler's domain: record the failure beside the thread's checkpoints (what
 * `GET /runs/{id}` reads), then the run on the failed-runs queue (what operators resume from),
 * then alert. The records go first — an alert about a run nobody can find is worse than a late alert.
 *
 * @example
 * await recordFailedRun(event, { lookupThread, leases, sendFailedRun, alert });
 */
export async function recordFailedRun(
  event: ExecutionStatusChangeEvent,
  deps: RecordFailedRunDeps,
): Promise<FailedRun> {
  const run = await failedRunFromEvent(event, deps.lookupThread);
  // The execution's run id is its lease holder (the engine's start takes it under that name).
  await deps.leases.release(run.threadId, run.runId, {
    ...run.error,
    ...(run.node ? { node: run.node } : {}),
    status: run.status,
    ...(run.checkpoint ? { checkpointId: run.checkpoint.id } : {}),
  });
  await deps.sendFailedRun(run);
  if (deps.metrics) recordDeadLetter(deps.metrics, DEAD_LETTER_QUEUES.failedRuns);
  await deps.alert(run);
  return run;
}

/**
 * Reads a failed-runs queue message: our record, the raw EventBridge event (a delivery that
 * bypassed the handler), or a Lambda on-failure destination record wrapping that event.
 *
 * @example
 * readFailedRun(message.Body); // FailedRun
 */
export async function readFailedRun(body: string): Promise<FailedRun> {
  const json = parseJson(body) as Record<string, unknown>;
  if (json.kind === "switchyard.failed-run") {
    const parsed = FailedRunSchema.safeParse(json);
    if (!parsed.success)
      throw new InvalidFailedRunError(parsed.error.issues.map((i) => i.message).join("; "));
    return parsed.data;
  }
  const event = (json.requestPayload ?? json) as ExecutionStatusChangeEvent;
  if (event?.["detail-type"] === "Step Functions Execution Status Change") return failedRunFromEvent(event);
  throw new InvalidFailedRunError("neither a failed-run record nor an execution status change event.");
}

/**
 * The run id of the execution that resumes a failed run: derived from the failed execution, so
 * resuming the same failure twice starts one execution, and a resume that fails again can be
 * resumed in turn (its own execution differs).
 *
 * @example
 * resumeRunId(run); // "run-0001-r3f9a1c"
 */
export function resumeRunId(run: Pick<FailedRun, "runId" | "executionArn">): string {
  const base = run.runId.replace(/-r[0-9a-f]{6}$/, "").slice(0, 72);
  const suffix = createHash("sha256").update(run.executionArn).digest("hex").slice(0, 6);
  const id = `${base}-r${suffix}`;
  if (!RUN_ID_PATTERN.test(id))
    throw new InvalidFailedRunError(`cannot derive a resume run id from "${run.runId}".`);
  return id;
}

/**
 * The run request that resumes a failed run from its last checkpoint (finished tasks are not
 * run again), to be put on the requests queue like any other request.
 *
 * @example
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: encodeMessageBody(resumeRequestFor(run, "cli")) }));
 */
export function resumeRequestFor(
  run: FailedRun,
  source: RunRequest["source"],
  now: Date = new Date(),
): RunRequest {
  return {
    runId: resumeRunId(run),
    workflow: run.workflow,
    threadId: run.threadId,
    recover: true,
    source,
    requestedAt: now.toISOString(),
  };
}

/**
 * The run's error when the execution's cause carries it as JSON, else undefined. Three shapes:
 * - the engine's run error `{code, message, node?, taskId?}` — the `RunFailed` Fail state with
 *   `ErrorPath: $.error.code` and `CausePath: $.cause` (the engine's JSON of `$.error`);
 * - a caught state error `{Error, Cause}` (a Catch's `ResultPath` turned into the cause);
 * - Lambda's own failure `{errorType, errorMessage}` (an uncaught Task failure).
 * A nested cause is unwrapped, so the innermost message is the one an operator reads.
 */
function runErrorIn(cause: string | null | undefined, depth = 0): RunErrorCause | undefined {
  if (!cause?.trimStart().startsWith("{") || depth > 2) return undefined;
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(cause) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const where = {
    ...(typeof e.node === "string" && e.node ? { node: e.node } : {}),
    ...(typeof e.taskId === "string" && e.taskId ? { taskId: e.taskId } : {}),
  };
  if (typeof e.code === "string" && typeof e.message === "string") {
    return { code: e.code, message: e.message, ...where };
  }
  if (typeof e.Error === "string") {
    const inner = typeof e.Cause === "string" ? runErrorIn(e.Cause, depth + 1) : undefined;
    return { code: e.Error, message: inner?.message ?? String(e.Cause ?? e.Error), ...where };
  }
  if (typeof e.errorType === "string") {
    return { code: e.errorType, message: String(e.errorMessage ?? e.errorType), ...where };
  }
  return undefined;
}

interface RunErrorCause {
  readonly code: string;
  readonly message: string;
  readonly node?: string;
  readonly taskId?: string;
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return decodeMessageBody(text ?? "{}");
  } catch {
    throw new InvalidFailedRunError("not JSON.");
  }
}

/** `arn:aws:states:r:a:stateMachine:switchyard-dev-triage` → `triage` (stage prefix dropped). */
function workflowFromArn(arn: string): string {
  const name = arn.split(":").pop() ?? "";
  return name.replace(/^switchyard-[a-z][a-z0-9-]*?-(?=[a-z][a-z0-9-]*$)/, "") || name;
}

function titleCase(status: string): string {
  return status
    .toLowerCase()
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}
