import { FourEyesError, stampAnswers } from "#agents";
import { fieldIssues } from "#core";
import {
  answersFor,
  InvalidResumeError,
  type RunReading,
  readRunReading,
  resultOf,
  runView,
  type SwitchyardError,
  threadConfig,
  type WaitingInterrupt,
  type WorkflowDefinition,
} from "#engine";
import { RunRequestSchema } from "#ingress";
import { DataRefSchema, parseDataUri, TradingDataError } from "#trading";
import {
  ApiError,
  InvalidRequestError,
  NoResultError,
  RunNotFoundError,
  RunNotWaitingError,
} from "./errors.ts";
import type { Idempotent, KeyedCall } from "./idempotency.ts";
import { newRunId, workflowOfRunId } from "./run-id.ts";
import type { RunResultView, RunView } from "./run-view.ts";
import type { ApiPorts } from "./types.ts";

/** What the run routes need: the ports, and the idempotent enqueue built over them. */
export interface RunsContext {
  readonly ports: ApiPorts;
  readonly enqueueOnce: Idempotent<Accepted>;
}

export interface Accepted {
  readonly runId: string;
  /** For a resume: the run id naming the new execution on the same thread. */
  readonly resumeId?: string;
}

/** A request as the route hands it over: parsed, authenticated, with its optional key. */
export interface Caller {
  readonly caller: string;
  readonly idempotencyKey?: string;
  readonly traceparent?: string;
  /** Who answers a waiting run (`approverOf`): stamped on answers to four-eyes approvals. */
  readonly approver?: string;
}

export interface HistoryEntry {
  readonly checkpointId: string;
  readonly parentCheckpointId?: string;
  readonly step: number;
  readonly source?: string;
  readonly createdAt: string;
  readonly pendingWrites: number;
}

/**
 * Accepts a run: validates the input against the workflow's own schema, then enqueues one run
 * request (once per Idempotency-Key). Nothing is written before validation passes.
 *
 * @example
 * const { runId } = await acceptStart(ctx, "triage", { dataset: { trades: 500 } }, { caller });
 */
export async function acceptStart(
  ctx: RunsContext,
  workflowName: string,
  input: Record<string, unknown> | undefined,
  who: Caller,
): Promise<Accepted> {
  const workflow = ctx.ports.workflowNamed(workflowName); // UnknownWorkflowError → 404
  const checked = workflow.input.safeParse(input ?? {});
  if (!checked.success) {
    throw new InvalidRequestError(
      fieldIssues(checked.error, { part: "body", at: ["input"] }),
      `Invalid input for workflow "${workflow.name}"`,
    );
  }
  await checkRunData(ctx, checked.data);
  const call: KeyedCall = {
    operation: "start",
    caller: who.caller,
    target: workflow.name,
    key: who.idempotencyKey ?? "",
    payload: input ?? {},
    workflow: workflow.name,
    ...(who.traceparent ? { traceparent: who.traceparent } : {}),
    ...(who.approver ? { requestedBy: who.approver } : {}),
  };
  return who.idempotencyKey ? ctx.enqueueOnce(call) : enqueueRun(ctx, call);
}

/**
 * A run that names a day (`input.data`) is refused with 400 when the day's files cannot be read
 * as a day — missing, misnamed, a bad manifest or mapping — naming the file; the records
 * themselves are read by the run (bad rows are quarantined there, not refused here). The other
 * locations a run may name (`out`, `breaksUri`) must be ones the deployment allows.
 */
async function checkRunData(ctx: RunsContext, input: unknown): Promise<void> {
  const record = (input ?? {}) as Record<string, unknown>;
  for (const field of ["out", "breaksUri"]) {
    const uri = record[field];
    // A location that is no data URI (a NUL byte, a bad bucket) is the caller's 400 now, not the run's failure later.
    if (typeof uri === "string")
      asBadRequest(`body.input.${field}`, () => {
        parseDataUri(uri);
        ctx.ports.allowUri?.(uri);
      });
  }
  const data = DataRefSchema.safeParse(record.data);
  if (!data.success || !ctx.ports.checkData) return;
  const check = ctx.ports.checkData;
  await asBadRequestAsync("body.input.data.uri", () => check(data.data));
}

function asBadRequest(path: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    throw badRequestOf(path, err);
  }
}

async function asBadRequestAsync(path: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    throw badRequestOf(path, err);
  }
}

/** A trading-data refusal (not a passing store fault) as the 400 naming the field. */
function badRequestOf(path: string, err: unknown): unknown {
  if (!(err instanceof TradingDataError) || err.retryable) return err;
  return new InvalidRequestError([{ path, message: err.message }]);
}

/**
 * Enqueues the run request a call asks for — the step Idempotency-Key makes happen once. A
 * start gets a new run id; a resume gets a new execution id on the run's own thread.
 */
export async function enqueueRun(ctx: RunsContext, call: KeyedCall): Promise<Accepted> {
  const resume = call.operation === "resume" ? stamped(call) : undefined;
  const id = newRunId(call.workflow, ctx.ports.newId);
  // Parsed, not cast: a request the dispatcher would refuse is a bug here, not a dead letter there.
  const request = RunRequestSchema.parse({
    runId: id,
    workflow: call.workflow,
    ...(call.operation === "start" ? { input: call.payload } : { threadId: call.target, resume }),
    source: "api",
    ...(call.operation === "start" && call.requestedBy ? { requestedBy: call.requestedBy } : {}),
    requestedAt: (ctx.ports.now?.() ?? new Date()).toISOString(),
    ...(call.key ? { idempotencyKey: call.key } : {}),
    ...(call.traceparent ? { traceparent: call.traceparent } : {}),
  });
  await ctx.ports.queue.enqueue(request);
  return call.operation === "start" ? { runId: id } : { runId: call.target, resumeId: id };
}

/**
 * A resume's answer as the run is to get it: answers to four-eyes approvals stamped with the
 * approver and time; a four-eyes refusal becomes its own status and code (403, 409, 400).
 */
function stamped(call: KeyedCall): unknown {
  const { approval } = call;
  if (!approval) return call.payload;
  try {
    const answers = answersFor(call.target, approval.waiting as WaitingInterrupt[], call.payload);
    return stampAnswers(approval.waiting, answers, approval.approver, new Date(approval.now));
  } catch (err) {
    if (err instanceof FourEyesError) throw new ApiError(err.status, err.code, err.message, { cause: err });
    throw err;
  }
}

/**
 * Where a run stands, by the engine's one rule (`runView`): read from its checkpoint (the thread
 * id is the run id) and — while the checkpoint says `running` — from the failure recorded beside
 * it (`failedRuns`), which knows executions that stopped without recording a task error.
 *
 * @example
 * const view = await readRun(ctx, "triage_3f0c…"); // view.status === "waiting"
 */
export async function readRun(ctx: RunsContext, runId: string, workflowHint?: string): Promise<RunView> {
  const workflow = ctx.ports.workflowNamed(workflowFor(runId, workflowHint));
  return runView(workflow, runId, await readingOf(ctx, workflow, runId));
}

function readingOf(ctx: RunsContext, workflow: WorkflowDefinition, runId: string): Promise<RunReading> {
  const { saver, failedRuns } = ctx.ports;
  return notFoundAs404(runId, () =>
    readRunReading({ saver, ...(failedRuns ? { failures: failedRuns } : {}) }, workflow, runId),
  );
}

/**
 * The workflow's declared result for a run that has one: succeeded, or waiting for a person (what
 * is decided so far). 409 while it runs or once it failed; 404 for a workflow that declares none.
 *
 * @example
 * (await readResult(ctx, "triage_3f0c…")).result.approval; // { decision: "approve", by: "ops.jane" }
 */
export async function readResult(
  ctx: RunsContext,
  runId: string,
  workflowHint?: string,
): Promise<RunResultView> {
  const workflow = ctx.ports.workflowNamed(workflowFor(runId, workflowHint));
  if (!workflow.result) throw new NoResultError(runId, `workflow "${workflow.name}" declares no result`, 404);
  const reading = await readingOf(ctx, workflow, runId);
  const { status } = runView(workflow, runId, reading);
  const result = resultOf(workflow, status, reading.values);
  if (!result || (status !== "succeeded" && status !== "waiting")) {
    throw new NoResultError(runId, `the run is ${status}`, 409);
  }
  return { runId, workflow: workflow.name, status, result };
}

/** The run's checkpoints, newest first (metadata only: values can be megabytes). */
export async function readHistory(ctx: RunsContext, runId: string, limit: number): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for await (const t of ctx.ports.saver.list(threadConfig(runId), { limit })) {
    const parent = t.parentConfig?.configurable?.checkpoint_id as string | undefined;
    entries.push({
      checkpointId: t.checkpoint.id,
      ...(parent ? { parentCheckpointId: parent } : {}),
      step: Number(t.metadata?.step ?? 0),
      ...(t.metadata?.source ? { source: String(t.metadata.source) } : {}),
      createdAt: t.checkpoint.ts,
      pendingWrites: t.pendingWrites?.length ?? 0,
    });
  }
  if (entries.length === 0) throw new RunNotFoundError(runId);
  return entries;
}

/**
 * Answers a waiting interrupt: checks the run IS waiting (else 409, nothing enqueued) and the
 * answer fits its interrupts (else 400); an answer to a four-eyes approval gets the caller's
 * identity and the time stamped on it, and is refused when the caller may not approve (403),
 * has approved already or the deadline has passed (409), or the answer names an approver (400)
 * (docs/controls.md, "Four-eyes approval"). Then enqueues a run request with `resume` on the
 * same thread — a new execution (docs/architecture.md, "The superstep protocol").
 */
export async function acceptResume(
  ctx: RunsContext,
  runId: string,
  decision: unknown,
  who: Caller,
): Promise<Accepted> {
  const view = await readRun(ctx, runId);
  if (view.status !== "waiting") {
    throw new RunNotWaitingError(runId, view.status);
  }
  const waiting = view.waiting?.interrupts ?? [];
  checkAnswers(runId, waiting, decision);
  const call: KeyedCall = {
    operation: "resume",
    caller: who.caller,
    target: runId,
    key: who.idempotencyKey ?? "",
    payload: decision,
    workflow: view.workflow,
    ...(who.traceparent ? { traceparent: who.traceparent } : {}),
    approval: {
      approver: who.approver ?? who.caller,
      now: (ctx.ports.now?.() ?? new Date()).toISOString(),
      waiting,
    },
  };
  return who.idempotencyKey ? ctx.enqueueOnce(call) : enqueueRun(ctx, call);
}

/** A decision that does not fit the waiting interrupts (unknown id, one value for several): 400. */
function checkAnswers(runId: string, waiting: readonly WaitingInterrupt[], decision: unknown): void {
  try {
    answersFor(runId, waiting, decision);
  } catch (err) {
    if (!(err instanceof InvalidResumeError)) throw err;
    const issues = err.issues.map((i) => ({
      path: i.path ? `decision.${i.path}` : "decision",
      message: i.message,
    }));
    throw new InvalidRequestError(issues, err.message);
  }
}

function workflowFor(runId: string, hint: string | undefined): string {
  const name = hint ?? workflowOfRunId(runId);
  if (!name) {
    throw new InvalidRequestError([
      { path: "query.workflow", message: "this run id does not name its workflow: add ?workflow=<name>" },
    ]);
  }
  return name;
}

async function notFoundAs404<T>(runId: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if ((err as SwitchyardError)?.code === "Switchyard.ThreadNotFound") throw new RunNotFoundError(runId);
    throw err;
  }
}
