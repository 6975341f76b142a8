import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { type Context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
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

interface Tracked {
  readonly kind: "root" | "node" | "chat" | "tool" | "chain";
  readonly parentRunId?: string;
  readonly threadId?: string;
  readonly span?: Span;
  readonly ctx?: Context;
  readonly started: number;
  readonly node?: string;
  readonly taskId?: string;
  readonly model?: string;
  readonly provider?: string;
  readonly tool?: string;
}

type Metadata = Record<string, unknown> | undefined;

/**
 * LangChain callbacks that turn LangGraph node runs, chat-model calls and tool calls into
 * OpenTelemetry GenAI spans — `invoke_agent {node}`, `chat {model}`, `execute_tool {tool}` —
 * and into the catalog's node, model, token, tool and cost metrics. Nodes are recognised by
 * LangGraph's `metadata.langgraph_node`; the thread by `metadata.thread_id`. Handlers run
 * synchronously (`awaitHandlers`), so every span has ended when `invoke` returns and a Lambda
 * can flush before it does.
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

  /** The nearest tracked ancestor with a span, for parenting; else the run's context. */
  private parentContext(parentRunId: string | undefined, threadId: string | undefined): Context {
    let id = parentRunId;
    while (id) {
      const t = this.tracked.get(id);
      if (!t) break;
      if (t.ctx) return t.ctx;
      id = t.parentRunId;
    }
    return runContext(this.core, threadId);
  }

  private threadOf(parentRunId: string | undefined, metadata: Metadata): string | undefined {
    const fromMeta = metadata?.thread_id;
    if (typeof fromMeta === "string") return fromMeta;
    return parentRunId ? this.tracked.get(parentRunId)?.threadId : undefined;
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
      this.tracked.set(runId, {
        kind: "root",
        started: performance.now(),
        ...(threadId ? { threadId } : {}),
      });
      if (this.options.rootIsRun && threadId) {
        const run = beginRun(this.core, {
          workflow: this.workflowOf(threadId),
          threadId,
          kind: "in-process",
        });
        this.tracked.set(runId, {
          kind: "root",
          started: performance.now(),
          threadId,
          ...(run.span ? { ctx: trace.setSpan(runContext(this.core, undefined), run.span) } : {}),
        });
      }
      return;
    }
    const node = metadata?.langgraph_node;
    const isNode =
      typeof node === "string" &&
      node === runName &&
      !node.startsWith("__") &&
      this.tracked.get(parentRunId)?.kind === "root";
    if (!isNode) {
      this.tracked.set(runId, { kind: "chain", parentRunId, started: 0, ...(threadId ? { threadId } : {}) });
      return;
    }
    const workflow = this.workflowOf(threadId);
    const ns = metadata?.langgraph_checkpoint_ns;
    const taskId = typeof ns === "string" ? ns.slice(ns.indexOf(":") + 1) : undefined;
    if (taskId && this.failedTasks.delete(taskId)) {
      this.core.metrics.emit(CATALOG.nodeRetries, 1, { Workflow: workflow, Node: node });
    }
    const span = this.core.tracer.startSpan(
      `invoke_agent ${node}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [GENAI.operationName]: "invoke_agent",
          [GENAI.agentName]: node,
          [SWITCHYARD.workflow]: workflow,
          [SWITCHYARD.node]: node,
          ...(threadId ? { [SWITCHYARD.threadId]: threadId } : {}),
          ...(taskId ? { [SWITCHYARD.taskId]: taskId } : {}),
          ...(typeof metadata?.langgraph_step === "number"
            ? { [SWITCHYARD.step]: metadata.langgraph_step }
            : {}),
        },
      },
      this.parentContext(parentRunId, threadId),
    );
    this.tracked.set(runId, {
      kind: "node",
      parentRunId,
      span,
      ctx: trace.setSpan(this.parentContext(parentRunId, threadId), span),
      started: performance.now(),
      node,
      ...(threadId ? { threadId } : {}),
      ...(taskId ? { taskId } : {}),
    });
  }

  override handleChainEnd(outputs: Record<string, unknown> | undefined, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (!t) return;
    if (t.kind === "node") this.endNode(t);
    if (t.kind === "root" && this.options.rootIsRun && t.threadId) {
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
    this.tracked.delete(runId);
    if (!t) return;
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
    const workflow = this.workflowOf(t.threadId);
    const node = t.node ?? "unknown";
    this.core.metrics.emit(CATALOG.nodeDuration, performance.now() - t.started, {
      Workflow: workflow,
      Node: node,
    });
    if (err) {
      this.core.metrics.emit(CATALOG.nodeErrors, 1, { Workflow: workflow, Node: node });
      if (t.taskId) this.failedTasks.add(t.taskId);
      this.core.logger.warn("node attempt failed", {
        workflow,
        node,
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
    const invocation = (extraParams?.invocation_params ?? {}) as Record<string, unknown>;
    const model = String(metadata?.ls_model_name ?? invocation.model ?? invocation.model_id ?? "unknown");
    const provider = String(metadata?.ls_provider ?? "unknown");
    const parent = this.parentContext(parentRunId, threadId);
    const span = this.core.tracer.startSpan(
      `chat ${model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [GENAI.operationName]: "chat",
          [GENAI.providerName]: providerName(provider),
          [GENAI.requestModel]: model,
          [SWITCHYARD.offline]: provider === "offline",
          ...(threadId ? { [SWITCHYARD.threadId]: threadId } : {}),
        },
      },
      parent,
    );
    this.tracked.set(runId, {
      kind: "chat",
      ...(parentRunId ? { parentRunId } : {}),
      ...(threadId ? { threadId } : {}),
      span,
      started: performance.now(),
      model,
      provider,
    });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "chat") return;
    const model = t.model ?? "unknown";
    const { input, output: out, responseModel } = usageOf(output);
    this.core.metrics.emit(CATALOG.modelRequests, 1, { Model: model, Status: "ok" });
    this.core.metrics.emit(CATALOG.modelLatency, performance.now() - t.started, { Model: model });
    this.core.metrics.emit(CATALOG.tokenUsage, input, { Model: model, TokenType: "input" });
    this.core.metrics.emit(CATALOG.tokenUsage, out, { Model: model, TokenType: "output" });
    const usd = tokenCost({ provider: t.provider ?? "unknown", model }, input, out);
    const workflow = this.workflowOf(t.threadId);
    if (usd > 0) this.core.metrics.emit(CATALOG.estimatedCost, usd, { Workflow: workflow });
    const run = t.threadId ? this.core.runs.active.get(t.threadId) : undefined;
    if (run) {
      run.inputTokens += input;
      run.outputTokens += out;
      run.costUsd += usd;
    }
    t.span?.setAttributes({
      [GENAI.inputTokens]: input,
      [GENAI.outputTokens]: out,
      [GENAI.responseModel]: responseModel ?? model,
      "switchyard.cost.usd": usd,
    });
    t.span?.end();
  }

  override handleLLMError(err: Error, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "chat") return;
    const model = t.model ?? "unknown";
    this.core.metrics.emit(CATALOG.modelRequests, 1, { Model: model, Status: "error" });
    this.core.metrics.emit(CATALOG.modelLatency, performance.now() - t.started, { Model: model });
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
    const span = this.core.tracer.startSpan(
      `execute_tool ${name}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [GENAI.operationName]: "execute_tool",
          [GENAI.toolName]: name,
          ...(toolCallId ? { [GENAI.toolCallId]: toolCallId } : {}),
        },
      },
      this.parentContext(parentRunId, threadId),
    );
    this.tracked.set(runId, {
      kind: "tool",
      ...(parentRunId ? { parentRunId } : {}),
      ...(threadId ? { threadId } : {}),
      span,
      started: performance.now(),
      tool: name,
    });
  }

  override handleToolEnd(_output: unknown, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "tool") return;
    this.core.metrics.emit(CATALOG.toolCalls, 1, { Tool: t.tool ?? "unknown", Status: "ok" });
    t.span?.end();
  }

  override handleToolError(err: Error, runId: string): void {
    const t = this.tracked.get(runId);
    this.tracked.delete(runId);
    if (t?.kind !== "tool") return;
    this.core.metrics.emit(CATALOG.toolCalls, 1, { Tool: t.tool ?? "unknown", Status: "error" });
    failSpan(t.span, err);
    t.span?.end();
  }
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

/** Token usage from a chat result: the message's `usage_metadata`, else the provider's `tokenUsage`. */
function usageOf(output: LLMResult): { input: number; output: number; responseModel?: string } {
  const generation = output.generations?.[0]?.[0] as
    | {
        message?: {
          usage_metadata?: { input_tokens?: number; output_tokens?: number };
          response_metadata?: Record<string, unknown>;
        };
      }
    | undefined;
  const usage = generation?.message?.usage_metadata;
  const legacy = (output.llmOutput?.tokenUsage ?? {}) as { promptTokens?: number; completionTokens?: number };
  const responseModel = generation?.message?.response_metadata?.model_name;
  return {
    input: usage?.input_tokens ?? legacy.promptTokens ?? 0,
    output: usage?.output_tokens ?? legacy.completionTokens ?? 0,
    ...(typeof responseModel === "string" ? { responseModel } : {}),
  };
}
