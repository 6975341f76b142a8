import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { type Attributes, type Context, type Span, SpanKind, trace } from "@opentelemetry/api";
import { CallMetrics, errorType } from "./call-metrics.ts";
import type { TelemetryCore } from "./core.ts";
import { tokenCost } from "./cost.ts";
import { GENAI, providerName, SWITCHYARD } from "./genai.ts";
import { beginRun, endRun, runContext } from "./lifecycle.ts";
import { failSpan } from "./spans.ts";

export interface TelemetryCallbackOptions {
  /**
   * True when one graph invocation IS the run (in-process runner): the root LangGraph run opens
   * and closes the `invoke_workflow` span and counts the run. False under the engine handlers,
   * where a run spans many invocations and the observer follows it from the plans.
   */
  readonly rootIsRun: boolean;
  /** The workflow these invocations belong to, when the run registry does not know the thread. */
  readonly workflow?: string;
  /**
   * False when the engine's observer counts runs, nodes, model and tool calls (`telemetry.hooks`):
   * the handler then only makes spans, and a run's span is the one the observer opened. Default
   * true: the handler alone (no observer) counts everything it sees.
   */
  readonly metrics?: boolean;
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

/**
 * LangChain callbacks that turn LangGraph node runs, chat-model calls and tool calls into
 * OpenTelemetry GenAI spans — `invoke_agent {node}`, `chat {model}`, `execute_tool {tool}` —
 * and (unless `metrics: false`, where the engine's observer counts: `telemetry.hooks()`) into
 * the catalog's node, model, token, tool and cost metrics. Nodes are recognised by
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
  /** What the handler counts; undefined when the engine's observer does (`metrics: false`). */
  private readonly counts: CallMetrics | undefined;
  /** Whether the root LangGraph run opens and closes the run (counted, its span) here. */
  private readonly ownsRun: boolean;

  constructor(
    private readonly core: TelemetryCore,
    private readonly options: TelemetryCallbackOptions,
  ) {
    super();
    this.counts = options.metrics === false ? undefined : new CallMetrics(core);
    this.ownsRun = options.rootIsRun && options.metrics !== false;
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
      if (this.ownsRun && threadId) {
        const run = beginRun(this.core, {
          workflow: this.workflowOf(threadId),
          threadId,
          kind: "in-process",
        });
        if (run.span) ctx = trace.setSpan(runContext(this.core, undefined), run.span);
      } else if (this.options.rootIsRun) {
        // The observer opened the run before the graph started: its span is the parent.
        ctx = runContext(this.core, threadId);
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
    const dims: NodeDims = this.counts?.nodeDims(workflow, node) ?? { Workflow: workflow, Node: node };
    const ns = metadata?.langgraph_checkpoint_ns;
    const taskId = typeof ns === "string" ? ns.slice(ns.indexOf(":") + 1) : undefined;
    this.counts?.nodeStarted(dims, taskId);
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
    else if (t.kind === "root" && this.ownsRun && t.threadId) {
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
    if (t.kind === "root" && this.ownsRun && t.threadId) {
      endRun(this.core, {
        workflow: this.workflowOf(t.threadId),
        threadId: t.threadId,
        end: interrupted ? "waiting" : "failed",
        ...(interrupted ? {} : { error: { code: errorType(err), message: err.message } }),
      });
    }
  }

  private endNode(t: Tracked, err?: Error): void {
    if (this.counts && t.nodeDims) {
      const attempt = { threadId: t.threadId, taskId: t.taskId, ...(err ? { error: err } : {}) };
      this.counts.nodeEnded(t.nodeDims, performance.now() - t.started, attempt);
    }
    if (err) failSpan(t.span, err);
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
    const generation = output.generations?.[0]?.[0] as Generation | undefined;
    const usage = generation?.message?.usage_metadata;
    const legacy = output.llmOutput?.tokenUsage as LegacyUsage | undefined;
    const input = usage?.input_tokens ?? legacy?.promptTokens ?? 0;
    const out = usage?.output_tokens ?? legacy?.completionTokens ?? 0;
    const responseModel = generation?.message?.response_metadata?.model_name;
    const provider = t.provider ?? "unknown";
    const ms = performance.now() - t.started;
    const usd = this.counts
      ? this.counts.modelCall({
          threadId: t.threadId,
          workflow: this.workflowOf(t.threadId),
          provider,
          model,
          ms,
          inputTokens: input,
          outputTokens: out,
        })
      : tokenCost({ provider, model }, input, out);
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
    this.counts?.modelCall({
      threadId: t.threadId,
      workflow: this.workflowOf(t.threadId),
      provider: t.provider ?? "unknown",
      model: t.subject,
      ms: performance.now() - t.started,
      inputTokens: 0,
      outputTokens: 0,
      error: err,
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

  /** The workflows' deadline events (see `CallMetrics.workflowEvent`). */
  override handleCustomEvent(
    eventName: string,
    data: unknown,
    _runId: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.counts?.workflowEvent(this.workflowOf(this.threadOf(undefined, metadata)), eventName, data);
  }

  override handleToolEnd(_output: unknown, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "tool") return;
    this.counts?.toolCall(t.subject, true);
    t.span?.end();
  }

  override handleToolError(err: Error, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "tool") return;
    this.counts?.toolCall(t.subject, false);
    failSpan(t.span, err);
    t.span?.end();
  }
}

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

function isInterrupt(err: Error): boolean {
  return err?.name === "GraphInterrupt" || err?.name === "NodeInterrupt";
}
