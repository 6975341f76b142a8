import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { DEADLINE_HOLD_EVENT, type DeadlineHold, TIME_TO_DEADLINE_EVENT } from "#engine";
import { CATALOG } from "./catalog.ts";
import type { TelemetryCore } from "./core.ts";
import { tokenCost } from "./cost.ts";
import { GENAI, providerName, SWITCHYARD } from "./genai.ts";
import { beginRun, endRun, runContext } from "./lifecycle.ts";

export interface TelemetryCallbackOptions {
  /**
   * True when one graph invocation IS the run (in-process runner): the root LangGraph run opens
   * and closes the `invoke_workflow` span and counts the run. False under the engine handlers,
   * where a run spans many invocations and the observer follows it from the plans.
   */
  readonly rootIsRun: boolean;
  /** The workflow these invocations belong to, when the run registry does not know the thread. */
  readonly workflow?: string;
}

type Kind = "root" | "node" | "chat" | "tool" | "chain";

/**
 * One LangChain run this handler follows. Every entry has every field, in one order, so the
 * map holds objects of one shape (most entries are plain chains: LangGraph's writes, branches
 * and sequences, which only pass on the thread and the context).
 */
interface Tracked {
  readonly kind: Kind;
  readonly threadId: string | undefined;
  /**
   * The context runs under this one start in: this run's span when children parent to it (the
   * root's workflow span, a node's agent span), else the nearest ancestor's, resolved once at
   * start rather than by walking the ancestors at every child.
   */
  readonly ctx: Context | undefined;
  readonly span: Span | undefined;
  readonly started: number;
  /** Node, model or tool name. */
  readonly subject: string;
  readonly taskId: string | undefined;
  readonly provider: string | undefined;
  /** A node's `{ Workflow, Node }`, resolved at its start. */
  readonly nodeDims: NodeDims | undefined;
}

type Metadata = Record<string, unknown> | undefined;
type NodeDims = { readonly Workflow: string; readonly Node: string };

/** Dimension sets of one model, built once per model rather than per emitted point. */
interface ModelDims {
  readonly ok: { readonly Model: string; readonly Status: string };
  readonly error: { readonly Model: string; readonly Status: string };
  readonly model: { readonly Model: string };
  readonly input: { readonly Model: string; readonly TokenType: string };
  readonly output: { readonly Model: string; readonly TokenType: string };
}

const modelDims = (Model: string): ModelDims => ({
  ok: { Model, Status: "ok" },
  error: { Model, Status: "error" },
  model: { Model },
  input: { Model, TokenType: "input" },
  output: { Model, TokenType: "output" },
});

/**
 * LangChain callbacks that turn LangGraph node runs, chat-model calls and tool calls into
 * OpenTelemetry GenAI spans — `invoke_agent {node}`, `chat {model}`, `execute_tool {tool}` —
 * and into the catalog's node, model, token, tool and cost metrics. Nodes are recognised by
 * LangGraph's `metadata.langgraph_node`; the thread by `metadata.thread_id`. Handlers run
 * synchronously (`awaitHandlers`), so every span has ended when `invoke` returns and a Lambda
 * can flush before it does.
 *
 * Every LangGraph step (writes, branches, sequences) reaches `handleChainStart`, so the paths
 * taken per event stay cheap: no serialising of inputs or outputs (LangChain hands over the
 * whole state), one map lookup for the parent context, dimension objects built once per node,
 * model and tool.
 *
 * @example
 * const handler = new TelemetryCallbackHandler(core, { rootIsRun: true, workflow: "triage" });
 * await runInProcessWith(triage, {}, { saver, callbacks: [handler] });
 */
export class TelemetryCallbackHandler extends BaseCallbackHandler {
  readonly name = "switchyard-telemetry";
  override awaitHandlers = true;
  private readonly tracked = new Map<string, Tracked>();
  /** Task ids whose last attempt threw: the next start of one is a retry. */
  private readonly failedTasks = new Set<string>();
  private readonly nodeDimsCache = new Map<string, NodeDims>();
  private readonly modelDimsCache = new Map<string, ModelDims>();
  private readonly toolDimsCache = new Map<string, { ok: ToolDims; error: ToolDims }>();
  private readonly workflowDimsCache = new Map<string, { readonly Workflow: string }>();

  constructor(
    private readonly core: TelemetryCore,
    private readonly options: TelemetryCallbackOptions,
  ) {
    super();
  }

  private workflowOf(threadId: string | undefined): string {
    return (
      (threadId && this.core.runs.active.get(threadId)?.workflow) ||
      this.options.workflow ||
      this.core.defaultWorkflow ||
      "unknown"
    );
  }

  /** The context a child of `parentRunId` inherits: its span's, or the one it inherited itself. */
  private inherited(parentRunId: string | undefined): Context | undefined {
    return parentRunId === undefined ? undefined : this.tracked.get(parentRunId)?.ctx;
  }

  private nodeDims(workflow: string, node: string): NodeDims {
    const key = `${workflow}\u0000${node}`;
    let dims = this.nodeDimsCache.get(key);
    if (!dims) {
      dims = { Workflow: workflow, Node: node };
      this.nodeDimsCache.set(key, dims);
    }
    return dims;
  }

  private modelDims(model: string): ModelDims {
    let dims = this.modelDimsCache.get(model);
    if (!dims) {
      dims = modelDims(model);
      this.modelDimsCache.set(model, dims);
    }
    return dims;
  }

  private toolDims(tool: string): { ok: ToolDims; error: ToolDims } {
    let dims = this.toolDimsCache.get(tool);
    if (!dims) {
      dims = { ok: { Tool: tool, Status: "ok" }, error: { Tool: tool, Status: "error" } };
      this.toolDimsCache.set(tool, dims);
    }
    return dims;
  }

  private workflowDims(workflow: string): { readonly Workflow: string } {
    let dims = this.workflowDimsCache.get(workflow);
    if (!dims) {
      dims = { Workflow: workflow };
      this.workflowDimsCache.set(workflow, dims);
    }
    return dims;
  }

  private threadOf(parentRunId: string | undefined, metadata: Metadata): string | undefined {
    const fromMeta = metadata?.thread_id;
    if (typeof fromMeta === "string") return fromMeta;
    return parentRunId === undefined ? undefined : this.tracked.get(parentRunId)?.threadId;
  }

  override handleChainStart(
    _chain: Serialized,
    _inputs: unknown,
    runId: string,
    // LangChain's manager passes the parent run id here (its d.ts names the slot `runType`).
    parentRunId?: string,
    _tags?: string[],
    metadata?: Metadata,
    _runType?: string,
    runName?: string,
  ): void {
    const threadId = this.threadOf(parentRunId, metadata);
    if (!parentRunId) {
      let ctx: Context | undefined;
      if (this.options.rootIsRun && threadId) {
        const run = beginRun(this.core, {
          workflow: this.workflowOf(threadId),
          threadId,
          kind: "in-process",
        });
        if (run.span) ctx = trace.setSpan(runContext(this.core, undefined), run.span);
      }
      this.tracked.set(runId, track("root", threadId, ctx, undefined, performance.now()));
      return;
    }
    const parent = this.tracked.get(parentRunId);
    const node = metadata?.langgraph_node;
    const isNode =
      typeof node === "string" && node === runName && parent?.kind === "root" && !node.startsWith("__");
    if (!isNode) {
      this.tracked.set(runId, track("chain", threadId, parent?.ctx, undefined, 0));
      return;
    }
    const workflow = this.workflowOf(threadId);
    const dims = this.nodeDims(workflow, node);
    const ns = metadata?.langgraph_checkpoint_ns;
    const taskId = typeof ns === "string" ? ns.slice(ns.indexOf(":") + 1) : undefined;
    if (taskId && this.failedTasks.delete(taskId)) this.core.metrics.emit(CATALOG.nodeRetries, 1, dims);
    const attributes: Attributes = {
      [GENAI.operationName]: "invoke_agent",
      [GENAI.agentName]: node,
      [SWITCHYARD.workflow]: workflow,
      [SWITCHYARD.node]: node,
    };
    if (threadId) attributes[SWITCHYARD.threadId] = threadId;
    if (taskId) attributes[SWITCHYARD.taskId] = taskId;
    const step = metadata?.langgraph_step;
    if (typeof step === "number") attributes[SWITCHYARD.step] = step;
    const parentCtx = parent?.ctx ?? runContext(this.core, threadId);
    const span = this.core.tracer.startSpan(
      `invoke_agent ${node}`,
      { kind: SpanKind.INTERNAL, attributes },
      parentCtx,
    );
    this.tracked.set(runId, {
      kind: "node",
      threadId,
      ctx: trace.setSpan(parentCtx, span),
      span,
      started: performance.now(),
      subject: node,
      taskId,
      provider: undefined,
      nodeDims: dims,
    });
  }

  override handleChainEnd(outputs: Record<string, unknown> | undefined, runId: string): void {
    const t = this.tracked.get(runId);
    if (!t) return;
    this.tracked.delete(runId);
    if (t.kind === "node") this.endNode(t);
    else if (t.kind === "root" && this.options.rootIsRun && t.threadId) {
      const waiting = outputs !== undefined && outputs !== null && "__interrupt__" in outputs;
      endRun(this.core, {
        workflow: this.workflowOf(t.threadId),
        threadId: t.threadId,
        end: waiting ? "waiting" : "succeeded",
      });
    }
  }

  override handleChainError(err: Error, runId: string): void {
    const t = this.tracked.get(runId);
    if (!t) return;
    this.tracked.delete(runId);
    if (t.kind === "chain") return;
    // interrupt() unwinds the node by throwing; the run is waiting, not failing.
    const interrupted = isInterrupt(err);
    if (t.kind === "node") this.endNode(t, interrupted ? undefined : err);
    if (t.kind === "root" && this.options.rootIsRun && t.threadId) {
      endRun(this.core, {
        workflow: this.workflowOf(t.threadId),
        threadId: t.threadId,
        end: interrupted ? "waiting" : "failed",
        ...(interrupted ? {} : { error: { code: errorType(err), message: err.message } }),
      });
    }
  }

  private endNode(t: Tracked, err?: Error): void {
    const dims = t.nodeDims ?? this.nodeDims(this.workflowOf(t.threadId), t.subject);
    this.core.metrics.emit(CATALOG.nodeDuration, performance.now() - t.started, dims);
    if (err) {
      this.core.metrics.emit(CATALOG.nodeErrors, 1, dims);
      if (t.taskId) this.failedTasks.add(t.taskId);
      this.core.logger.warn("node attempt failed", {
        workflow: dims.Workflow,
        node: dims.Node,
        threadId: t.threadId,
        taskId: t.taskId,
        error: { type: errorType(err), message: err.message },
      });
      failSpan(t.span, err);
    }
    t.span?.end();
  }

  override handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Metadata,
  ): void {
    const threadId = this.threadOf(parentRunId, metadata);
    const model = modelOf(metadata, extraParams);
    const provider = String(metadata?.ls_provider ?? "unknown");
    const inherited = this.inherited(parentRunId);
    const attributes: Attributes = {
      [GENAI.operationName]: "chat",
      [GENAI.providerName]: providerName(provider),
      [GENAI.requestModel]: model,
      [SWITCHYARD.offline]: provider === "offline",
    };
    if (threadId) attributes[SWITCHYARD.threadId] = threadId;
    const span = this.core.tracer.startSpan(
      `chat ${model}`,
      { kind: SpanKind.CLIENT, attributes },
      inherited ?? runContext(this.core, threadId),
    );
    // Runs under a model call parent to what the call parents to, not to the chat span.
    this.tracked.set(runId, {
      kind: "chat",
      threadId,
      ctx: inherited,
      span,
      started: performance.now(),
      subject: model,
      taskId: undefined,
      provider,
      nodeDims: undefined,
    });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "chat") return;
    const model = t.subject;
    const dims = this.modelDims(model);
    const generation = output.generations?.[0]?.[0] as Generation | undefined;
    const usage = generation?.message?.usage_metadata;
    const legacy = output.llmOutput?.tokenUsage as LegacyUsage | undefined;
    const input = usage?.input_tokens ?? legacy?.promptTokens ?? 0;
    const out = usage?.output_tokens ?? legacy?.completionTokens ?? 0;
    const responseModel = generation?.message?.response_metadata?.model_name;
    const metrics = this.core.metrics;
    metrics.emit(CATALOG.modelRequests, 1, dims.ok);
    metrics.emit(CATALOG.modelLatency, performance.now() - t.started, dims.model);
    metrics.emit(CATALOG.tokenUsage, input, dims.input);
    metrics.emit(CATALOG.tokenUsage, out, dims.output);
    const usd = tokenCost({ provider: t.provider ?? "unknown", model }, input, out);
    if (usd > 0) metrics.emit(CATALOG.estimatedCost, usd, this.workflowDims(this.workflowOf(t.threadId)));
    const run = t.threadId ? this.core.runs.active.get(t.threadId) : undefined;
    if (run) {
      run.inputTokens += input;
      run.outputTokens += out;
      run.costUsd += usd;
    }
    const span = t.span;
    if (!span) return;
    span.setAttribute(GENAI.inputTokens, input);
    span.setAttribute(GENAI.outputTokens, out);
    span.setAttribute(GENAI.responseModel, typeof responseModel === "string" ? responseModel : model);
    span.setAttribute("switchyard.cost.usd", usd);
    span.end();
  }

  override handleLLMError(err: Error, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "chat") return;
    const model = t.subject;
    const dims = this.modelDims(model);
    this.core.metrics.emit(CATALOG.modelRequests, 1, dims.error);
    this.core.metrics.emit(CATALOG.modelLatency, performance.now() - t.started, dims.model);
    this.core.logger.warn("model call failed", {
      model,
      provider: t.provider,
      error: { type: errorType(err), message: err.message },
    });
    failSpan(t.span, err);
    t.span?.end();
  }

  override handleToolStart(
    tool: Serialized,
    _input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Metadata,
    runName?: string,
    toolCallId?: string,
  ): void {
    const threadId = this.threadOf(parentRunId, metadata);
    const name = runName ?? (tool as { name?: string }).name ?? tool.id?.at(-1) ?? "unknown";
    const inherited = this.inherited(parentRunId);
    const attributes: Attributes = {
      [GENAI.operationName]: "execute_tool",
      [GENAI.toolName]: name,
    };
    if (toolCallId) attributes[GENAI.toolCallId] = toolCallId;
    const span = this.core.tracer.startSpan(
      `execute_tool ${name}`,
      { kind: SpanKind.INTERNAL, attributes },
      inherited ?? runContext(this.core, threadId),
    );
    // Runs inside a tool (a chain it calls) parent to what the tool parents to, not to its span.
    this.tracked.set(runId, {
      kind: "tool",
      threadId,
      ctx: inherited,
      span,
      started: performance.now(),
      subject: name,
      taskId: undefined,
      provider: undefined,
      nodeDims: undefined,
    });
  }

  /**
   * The workflows' deadline events: a hold before a deadline (`announceDeadlineHold`) is counted
   * (`DeadlineHolds`, alarmed) and logged at ERROR naming the subject and the deadline; the
   * exceptions a run hands to people are counted by time left to their cut-off
   * (`announceTimeToDeadline`, `ExceptionsByTimeToCutoff`).
   */
  override handleCustomEvent(
    eventName: string,
    data: unknown,
    _runId: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    const workflow = this.workflowDims(this.workflowOf(this.threadOf(undefined, metadata)));
    if (eventName === TIME_TO_DEADLINE_EVENT) {
      for (const [bucket, count] of Object.entries(data as Record<string, number>)) {
        this.core.metrics.emit(CATALOG.exceptionsByTimeToCutoff, count, { ...workflow, Bucket: bucket });
      }
      return;
    }
    if (eventName !== DEADLINE_HOLD_EVENT) return;
    const hold = data as DeadlineHold;
    this.core.metrics.emit(CATALOG.deadlineHolds, 1, workflow);
    this.core.logger.error("work held before its deadline", {
      alert: "DeadlineHold",
      node: hold.node,
      subject: hold.subject,
      deadline: hold.deadline.label,
      deadlineAt: hold.deadline.at,
      reason: hold.reason,
    });
  }

  override handleToolEnd(_output: unknown, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "tool") return;
    this.core.metrics.emit(CATALOG.toolCalls, 1, this.toolDims(t.subject).ok);
    t.span?.end();
  }

  override handleToolError(err: Error, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "tool") return;
    this.core.metrics.emit(CATALOG.toolCalls, 1, this.toolDims(t.subject).error);
    failSpan(t.span, err);
    t.span?.end();
  }
}

type ToolDims = { readonly Tool: string; readonly Status: string };

/** A chat generation as far as usage goes: the message's `usage_metadata` and `response_metadata`. */
type Generation = {
  message?: {
    usage_metadata?: { input_tokens?: number; output_tokens?: number };
    response_metadata?: Record<string, unknown>;
  };
};
/** The provider's own `tokenUsage` (older integrations). */
type LegacyUsage = { promptTokens?: number; completionTokens?: number };

/** An entry that is not a model or tool call (root or plain chain). */
function track(
  kind: Kind,
  threadId: string | undefined,
  ctx: Context | undefined,
  span: Span | undefined,
  started: number,
): Tracked {
  return {
    kind,
    threadId,
    ctx,
    span,
    started,
    subject: "",
    taskId: undefined,
    provider: undefined,
    nodeDims: undefined,
  };
}

/** The model a call asks for: LangSmith's `ls_model_name`, else the invocation params. */
function modelOf(metadata: Metadata, extraParams: Record<string, unknown> | undefined): string {
  const named = metadata?.ls_model_name;
  if (named !== undefined && named !== null) return String(named);
  const invocation = extraParams?.invocation_params as Record<string, unknown> | undefined;
  return String(invocation?.model ?? invocation?.model_id ?? "unknown");
}

/** The stable code of an error for `error.type`: its `code`, else its name. */
export function errorType(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && code.length > 0) return code;
  return (err as Error)?.name || "Error";
}

function failSpan(span: Span | undefined, err: Error): void {
  if (!span) return;
  span.setAttribute(GENAI.errorType, errorType(err));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

function isInterrupt(err: Error): boolean {
  return err?.name === "GraphInterrupt" || err?.name === "NodeInterrupt";
}
