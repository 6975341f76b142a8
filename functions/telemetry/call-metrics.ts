import { DEADLINE_HOLD_EVENT, type DeadlineHold, TIME_TO_DEADLINE_EVENT } from "#engine";
import { CATALOG } from "./catalog.ts";
import type { TelemetryCore } from "./core.ts";
import { tokenCost } from "./cost.ts";
import { logEvent } from "./log-events.ts";

type NodeDims = { readonly Workflow: string; readonly Node: string };
type ToolDims = { readonly Tool: string; readonly Status: string };

/** Dimension sets of one model, built once per model rather than per emitted point. */
interface ModelDims {
  readonly ok: { readonly Model: string; readonly Status: string };
  readonly error: { readonly Model: string; readonly Status: string };
  readonly model: { readonly Model: string };
  readonly input: { readonly Model: string; readonly TokenType: string };
  readonly output: { readonly Model: string; readonly TokenType: string };
}

/** One model call (one attempt) as either source sees it: the callback handler or the agent's loop. */
export interface ModelCall {
  readonly threadId: string | undefined;
  readonly workflow: string;
  readonly provider: string;
  readonly model: string;
  readonly ms: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** What the call threw, when it failed (its tokens then count nothing). */
  readonly error?: unknown;
}

/**
 * The catalog's node, model, token, tool, cost and deadline metrics, from facts however they were
 * learnt: the LangChain callback handler (`telemetry.callbacks()`) or the engine's observer
 * (`telemetry.hooks()`, no handler). One rule for each metric, whichever feeds it. Dimension
 * objects are built once per node, model and tool, not per point.
 */
export class CallMetrics {
  /** Task ids whose last attempt threw: the next start of one is a retry. */
  private readonly failedTasks = new Set<string>();
  private readonly nodeDimsCache = new Map<string, NodeDims>();
  private readonly modelDimsCache = new Map<string, ModelDims>();
  private readonly toolDimsCache = new Map<string, { ok: ToolDims; error: ToolDims }>();
  private readonly workflowDimsCache = new Map<string, { readonly Workflow: string }>();

  constructor(private readonly core: TelemetryCore) {}

  nodeDims(workflow: string, node: string): NodeDims {
    const key = `${workflow}\u0000${node}`;
    let dims = this.nodeDimsCache.get(key);
    if (!dims) {
      dims = { Workflow: workflow, Node: node };
      this.nodeDimsCache.set(key, dims);
    }
    return dims;
  }

  workflowDims(workflow: string): { readonly Workflow: string } {
    let dims = this.workflowDimsCache.get(workflow);
    if (!dims) {
      dims = { Workflow: workflow };
      this.workflowDimsCache.set(workflow, dims);
    }
    return dims;
  }

  /** A task of `dims`' node starts: a retry when its previous attempt failed. */
  nodeStarted(dims: NodeDims, taskId: string | undefined): void {
    if (taskId && this.failedTasks.delete(taskId)) this.core.metrics.emit(CATALOG.nodeRetries, 1, dims);
  }

  /** An attempt of a node ended; a failed one is counted and logged, and its task remembered. */
  nodeEnded(
    dims: NodeDims,
    ms: number,
    attempt: { threadId: string | undefined; taskId: string | undefined; error?: unknown },
  ): void {
    this.core.metrics.emit(CATALOG.nodeDuration, ms, dims);
    const { error } = attempt;
    if (error === undefined) return;
    this.core.metrics.emit(CATALOG.nodeErrors, 1, dims);
    if (attempt.taskId) this.failedTasks.add(attempt.taskId);
    logEvent(this.core.logger, "node attempt failed", {
      workflow: dims.Workflow,
      node: dims.Node,
      threadId: attempt.threadId,
      taskId: attempt.taskId,
      error: { type: errorType(error), message: messageOf(error) },
    });
  }

  /** A model call: requests, latency, tokens, cost; the run's totals. Returns its cost in USD. */
  modelCall(call: ModelCall): number {
    const dims = this.modelDims(call.model);
    const metrics = this.core.metrics;
    const failed = call.error !== undefined;
    metrics.emit(CATALOG.modelRequests, 1, failed ? dims.error : dims.ok);
    metrics.emit(CATALOG.modelLatency, call.ms, dims.model);
    if (failed) {
      logEvent(this.core.logger, "model call failed", {
        model: call.model,
        provider: call.provider,
        error: { type: errorType(call.error), message: messageOf(call.error) },
      });
      return 0;
    }
    metrics.emit(CATALOG.tokenUsage, call.inputTokens, dims.input);
    metrics.emit(CATALOG.tokenUsage, call.outputTokens, dims.output);
    const usd = tokenCost(
      { provider: call.provider, model: call.model },
      call.inputTokens,
      call.outputTokens,
    );
    if (usd > 0) metrics.emit(CATALOG.estimatedCost, usd, this.workflowDims(call.workflow));
    const run = call.threadId ? this.core.runs.active.get(call.threadId) : undefined;
    if (run) {
      run.inputTokens += call.inputTokens;
      run.outputTokens += call.outputTokens;
      run.costUsd += usd;
    }
    return usd;
  }

  toolCall(tool: string, ok: boolean): void {
    let dims = this.toolDimsCache.get(tool);
    if (!dims) {
      dims = { ok: { Tool: tool, Status: "ok" }, error: { Tool: tool, Status: "error" } };
      this.toolDimsCache.set(tool, dims);
    }
    this.core.metrics.emit(CATALOG.toolCalls, 1, ok ? dims.ok : dims.error);
  }

  /**
   * The workflows' deadline events: a hold before a deadline (`announceDeadlineHold`) is counted
   * (`DeadlineHolds`, alarmed) and logged at ERROR naming the subject and the deadline; the
   * exceptions a run hands to people are counted by time left to their cut-off
   * (`announceTimeToDeadline`, `ExceptionsByTimeToCutoff`). Other events: nothing.
   */
  workflowEvent(workflow: string, name: string, data: unknown): void {
    const dims = this.workflowDims(workflow);
    if (name === TIME_TO_DEADLINE_EVENT) {
      for (const [bucket, count] of Object.entries(data as Record<string, number>)) {
        this.core.metrics.emit(CATALOG.exceptionsByTimeToCutoff, count, { ...dims, Bucket: bucket });
      }
      return;
    }
    if (name !== DEADLINE_HOLD_EVENT) return;
    const hold = data as DeadlineHold;
    this.core.metrics.emit(CATALOG.deadlineHolds, 1, dims);
    logEvent(this.core.logger, "work held before its deadline", {
      alert: "DeadlineHold",
      node: hold.node,
      subject: hold.subject,
      deadline: hold.deadline.label,
      deadlineAt: hold.deadline.at,
      reason: hold.reason,
    });
  }

  private modelDims(Model: string): ModelDims {
    let dims = this.modelDimsCache.get(Model);
    if (!dims) {
      dims = {
        ok: { Model, Status: "ok" },
        error: { Model, Status: "error" },
        model: { Model },
        input: { Model, TokenType: "input" },
        output: { Model, TokenType: "output" },
      };
      this.modelDimsCache.set(Model, dims);
    }
    return dims;
  }
}

/** The stable code of an error for `error.type`: its `code`, else its name. */
export function errorType(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && code.length > 0) return code;
  return (err as Error)?.name || "Error";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
