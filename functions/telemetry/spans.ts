import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { ModelCallEvent, NodeEvent, NodeRetryEvent, ToolCallEvent } from "#engine";
import { errorType } from "./call-metrics.ts";
import type { TelemetryCore } from "./core.ts";
import { GENAI, providerName, SWITCHYARD } from "./genai.ts";
import { runContext } from "./lifecycle.ts";
import { startSpanWith } from "./tracer.ts";

/** A model or tool call of a node's task, held until the task ends: its span is the node span's child. */
interface HeldCall {
  readonly start: number;
  readonly end: number;
  write(parent: Context): void;
}

/** What is known of a task that has not ended yet: its calls so far and its retried attempts. */
interface OpenTask {
  readonly threadId: string;
  readonly calls: HeldCall[];
  readonly retries: { readonly at: number; readonly error: unknown }[];
}

/**
 * OpenTelemetry GenAI spans from the facts the engine and the agents report (no LangChain
 * callback handler): `invoke_agent {node}` per attempt of a node task, `chat {model}` per model
 * call, `execute_tool {tool}` per tool call, under the run's `invoke_workflow` span.
 *
 * A call is reported when it ends and a node when its task ends, so a task's calls are held
 * (by task id) until the task's end is known; then its attempts' spans are written with the
 * times the loop and the agent measured, each call under the attempt it happened in. A call
 * with no task (an agent outside a node) gets its span at once, under the run's.
 *
 * @example
 * const spans = new TaskSpans(core);
 * spans.modelCall({ workflow: "triage", threadId, taskId, provider: "offline", model, ms: 3, inputTokens: 120, outputTokens: 40 }, 0);
 * spans.node({ workflow: "triage", threadId, node: "classify", taskId, ms: 5, interrupted: false });
 */
export class TaskSpans {
  private readonly open = new Map<string, OpenTask>();

  constructor(private readonly core: TelemetryCore) {}

  /** A model call (one attempt): its span carries the request, the answer's model, tokens and cost. */
  modelCall(event: ModelCallEvent, usd: number): void {
    const end = now();
    const start = end - event.ms;
    const tracer = this.core.tracer;
    this.place(event, start, end, (parent) => {
      const attributes: Attributes = {
        [GENAI.operationName]: "chat",
        [GENAI.providerName]: providerName(event.provider),
        [GENAI.requestModel]: event.model,
        [SWITCHYARD.offline]: event.provider === "offline",
        [SWITCHYARD.threadId]: event.threadId,
      };
      const span = startSpanWith(
        tracer,
        `chat ${event.model}`,
        { kind: SpanKind.CLIENT, startTime: start },
        attributes,
        parent,
      );
      if (event.error === undefined) {
        span.setAttribute(GENAI.inputTokens, event.inputTokens);
        span.setAttribute(GENAI.outputTokens, event.outputTokens);
        span.setAttribute(GENAI.responseModel, event.responseModel ?? event.model);
        span.setAttribute("switchyard.cost.usd", usd);
      } else {
        failSpan(span, event.error);
      }
      span.end(end);
    });
  }

  /** A tool call an agent ran. */
  toolCall(event: ToolCallEvent): void {
    const end = now();
    const start = end - (event.ms ?? 0);
    const tracer = this.core.tracer;
    this.place(event, start, end, (parent) => {
      const attributes: Attributes = {
        [GENAI.operationName]: "execute_tool",
        [GENAI.toolName]: event.tool,
      };
      if (event.callId) attributes[GENAI.toolCallId] = event.callId;
      const span = startSpanWith(
        tracer,
        `execute_tool ${event.tool}`,
        { kind: SpanKind.INTERNAL, startTime: start },
        attributes,
        parent,
      );
      if (!event.ok) failSpan(span, event.error ?? new Error(`${event.tool} failed`));
      span.end(end);
    });
  }

  /** An attempt LangGraph retries inside its loop failed: it gets a span of its own when the task ends. */
  retry(event: NodeRetryEvent): void {
    this.task(event.taskId, event.threadId).retries.push({ at: now(), error: event.error });
  }

  /** A node's task ended: a span per attempt (the retried ones, then the last), each with its calls. */
  node(event: NodeEvent): void {
    const held = this.open.get(event.taskId);
    this.open.delete(event.taskId);
    const end = event.startedAt === undefined ? now() : event.startedAt + event.ms;
    const start = event.startedAt ?? end - event.ms;
    const calls = held?.calls ?? [];
    const retries = held?.retries ?? [];
    const parent = runContext(this.core, event.threadId);
    let from = start;
    let next = 0;
    for (let attempt = 0; attempt <= retries.length; attempt++) {
      const retried = retries[attempt];
      const last = retried === undefined;
      const until = last ? Math.max(end, from) : retried.at;
      // The calls that started before this attempt failed are its own.
      const mine: HeldCall[] = [];
      while (next < calls.length && (last || (calls[next] as HeldCall).start <= until)) {
        mine.push(calls[next] as HeldCall);
        next++;
      }
      const error = last ? (event.interrupted ? undefined : event.error) : retried.error;
      this.writeAttempt(event, parent, from, until, mine, error);
      from = until;
    }
  }

  /** Forgets what is held for a thread's tasks that never ended here (a run ended without them). */
  forget(threadId: string): void {
    for (const [taskId, task] of this.open) if (task.threadId === threadId) this.open.delete(taskId);
  }

  private writeAttempt(
    event: NodeEvent,
    parent: Context,
    start: number,
    end: number,
    calls: readonly HeldCall[],
    error: unknown,
  ): void {
    const attributes: Attributes = {
      [GENAI.operationName]: "invoke_agent",
      [GENAI.agentName]: event.node,
      [SWITCHYARD.workflow]: event.workflow,
      [SWITCHYARD.node]: event.node,
      [SWITCHYARD.threadId]: event.threadId,
      [SWITCHYARD.taskId]: event.taskId,
    };
    if (event.step !== undefined) attributes[SWITCHYARD.step] = event.step;
    let first = start;
    let last = end;
    for (const call of calls) {
      first = Math.min(first, call.start);
      last = Math.max(last, call.end);
    }
    const span = startSpanWith(
      this.core.tracer,
      `invoke_agent ${event.node}`,
      { kind: SpanKind.INTERNAL, startTime: first },
      attributes,
      parent,
    );
    const under = trace.setSpan(parent, span);
    for (const call of calls) call.write(under);
    if (error !== undefined) failSpan(span, error);
    span.end(last);
  }

  /** Holds a call for its task's span, or writes it under the run's span when it has no task. */
  private place(
    event: { readonly threadId: string; readonly taskId?: string },
    start: number,
    end: number,
    write: (parent: Context) => void,
  ): void {
    if (event.taskId === undefined) {
      write(runContext(this.core, event.threadId));
      return;
    }
    this.task(event.taskId, event.threadId).calls.push({ start, end, write });
  }

  private task(taskId: string, threadId: string): OpenTask {
    let task = this.open.get(taskId);
    if (!task) {
      task = { threadId, calls: [], retries: [] };
      this.open.set(taskId, task);
    }
    return task;
  }
}

/** Epoch milliseconds on OpenTelemetry's own clock (sub-millisecond). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Marks a span failed: `error.type` (the error's code, else its name), the exception, the status. */
export function failSpan(span: Span | undefined, err: unknown): void {
  if (!span) return;
  const e = err as { message?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(err);
  span.setAttribute(GENAI.errorType, errorType(err));
  span.recordException(err instanceof Error ? err : { name: errorType(err), message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
