import { context, type Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { CATALOG } from "./catalog.ts";
import type { TelemetryCore } from "./core.ts";
import { GENAI, SWITCHYARD } from "./genai.ts";
import { logEvent } from "./log-events.ts";
import type { RunState } from "./runs.ts";
import { startSpanWith } from "./tracer.ts";

/** How a run ended, as the engine's plan or LangGraph's root run says. */
export type RunEnd = "succeeded" | "failed" | "waiting";

/**
 * A run begins: counts it, opens its `invoke_workflow {workflow}` span (linked to the thread's
 * previous run, so a resumed or recovered run points back at the one it continues) and
 * remembers it by thread. A second begin for a running thread returns the existing run.
 */
export function beginRun(
  core: TelemetryCore,
  request: {
    workflow: string;
    threadId: string;
    runId?: string;
    kind: "start" | "resume" | "recover" | "in-process";
  },
): RunState {
  const existing = core.runs.active.get(request.threadId);
  if (existing) return existing;
  const { workflow, threadId } = request;
  core.metrics.emit(CATALOG.runsStarted, 1, { Workflow: workflow });
  const memory = core.runs.thread(threadId);
  const links: Link[] = memory.lastRun
    ? [{ context: memory.lastRun, attributes: { "switchyard.link": "previous_run" } }]
    : [];
  const parent = core.remoteParent?.() ?? ROOT_CONTEXT;
  const span = startSpanWith(
    core.tracer,
    `invoke_workflow ${workflow}`,
    { kind: SpanKind.INTERNAL, links },
    {
      [GENAI.operationName]: "invoke_workflow",
      [GENAI.conversationId]: threadId,
      [SWITCHYARD.workflow]: workflow,
      [SWITCHYARD.threadId]: threadId,
      ...(request.runId ? { [SWITCHYARD.runId]: request.runId } : {}),
      "switchyard.run.kind": request.kind,
    },
    parent,
  );
  const run: RunState = {
    workflow,
    threadId,
    startedAt: Date.now(),
    span,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
  core.runs.active.set(threadId, run);
  core.metrics.emit(CATALOG.activeRuns, core.runs.activeOf(workflow), { Workflow: workflow });
  logEvent(core.logger, "run started", { workflow, threadId, runId: request.runId, kind: request.kind });
  return run;
}

/**
 * A run ends: counts the outcome, records its duration (when this process saw it begin), the
 * recovery time of a run that succeeded after the thread had failed, and closes its span.
 */
export function endRun(
  core: TelemetryCore,
  request: { workflow: string; threadId: string; end: RunEnd; error?: { code: string; message: string } },
): void {
  const { workflow, threadId, end } = request;
  const counter = {
    succeeded: CATALOG.runsSucceeded,
    failed: CATALOG.runsFailed,
    waiting: CATALOG.runsWaiting,
  }[end];
  core.metrics.emit(counter, 1, { Workflow: workflow });
  const now = Date.now();
  const memory = core.runs.thread(threadId);
  if (end === "failed") memory.failedAt ??= now;
  if (end === "succeeded" && memory.failedAt !== undefined) {
    core.metrics.emit(CATALOG.recoveryTime, now - memory.failedAt, { Workflow: workflow });
    memory.failedAt = undefined;
  }
  const run = core.runs.active.get(threadId);
  if (!run) {
    logEvent(core.logger, "run ended", {
      workflow,
      threadId,
      status: end,
      ...(request.error ? { error: request.error } : {}),
    });
    return;
  }
  core.runs.active.delete(threadId);
  core.metrics.emit(CATALOG.runDuration, now - run.startedAt, { Workflow: workflow });
  core.metrics.emit(CATALOG.activeRuns, core.runs.activeOf(workflow), { Workflow: workflow });
  if (run.span) {
    run.span.setAttribute(SWITCHYARD.status, end);
    run.span.setAttribute(GENAI.inputTokens, run.inputTokens);
    run.span.setAttribute(GENAI.outputTokens, run.outputTokens);
    run.span.setAttribute("switchyard.cost.usd", run.costUsd);
    if (request.error) {
      run.span.setAttribute(GENAI.errorType, request.error.code);
      run.span.setStatus({ code: SpanStatusCode.ERROR, message: request.error.message });
    }
    memory.lastRun = run.span.spanContext();
    run.span.end();
  }
  logEvent(core.logger, "run ended", {
    workflow,
    threadId,
    status: end,
    durationMs: now - run.startedAt,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    costUsd: run.costUsd,
    ...(request.error ? { error: request.error } : {}),
  });
}

/** The context new spans of this thread's run should start under. */
export function runContext(core: TelemetryCore, threadId: string | undefined) {
  const run = threadId ? core.runs.active.get(threadId) : undefined;
  if (run?.span) return trace.setSpan(context.active(), run.span);
  if (trace.getSpan(context.active())) return context.active();
  return core.remoteParent?.() ?? context.active();
}
