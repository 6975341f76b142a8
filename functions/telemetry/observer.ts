import type { EngineDeps, NodeRetryEvent, SuperstepPlan } from "#engine";
import { CallMetrics } from "./call-metrics.ts";
import { CATALOG } from "./catalog.ts";
import type { TelemetryCore } from "./core.ts";
import { superstepAwsCost } from "./cost.ts";
import { beginRun, endRun } from "./lifecycle.ts";
import { logEvent } from "./log-events.ts";
import { TaskSpans } from "./spans.ts";

type EngineObserver = NonNullable<EngineDeps["observer"]>;
type PlanSource = Parameters<NonNullable<EngineObserver["onPlan"]>>[1];

/**
 * The engine's observer: runs, supersteps and their AWS cost from the plans the handlers
 * return. A plan from start, resume or recover begins a run (not one from a continued
 * execution's successor: the same run); a plan whose status is not `running` or `continued` ends it, wherever that happens (the commit Lambda, on AWS). Superstep duration is
 * the time between a plan that scheduled tasks and the next plan of the same thread.
 *
 * With `calls` (what `telemetry.hooks()` hands the engine) it also counts what a callback
 * handler would otherwise count, from the facts the engine and the agents already have: runs
 * of the in-process runner, every node's task (LangGraph's `debug` stream), each model and tool
 * call of an agent, the workflows' deadline events. Without it (`telemetry.observer`, beside
 * `telemetry.callbacks()`), the handler counts those and this observer does not. With `spans`
 * as well (spans are exported or captured), it writes the GenAI spans from the same facts
 * ({@link TaskSpans}): still no callback handler.
 *
 * @example
 * const engine = createEngineSteps({ saver, observer: createTelemetryObserver(core) }, getWorkflow);
 */
export function createTelemetryObserver(
  core: TelemetryCore,
  options: { readonly calls?: boolean; readonly spans?: boolean } = {},
): EngineObserver {
  const plans = planObserver(core);
  if (!options.calls) return plans;
  const counts = new CallMetrics(core);
  const spans = options.spans ? new TaskSpans(core) : undefined;
  return {
    ...plans,
    onPlan(plan, from) {
      plans.onPlan?.(plan, from);
      if (plan.status !== "running" && plan.status !== "continued") spans?.forget(plan.threadId);
    },
    onRun(event) {
      const { workflow, threadId } = event;
      if (event.phase === "start") {
        beginRun(core, { workflow, threadId, kind: event.kind });
        return;
      }
      spans?.forget(threadId);
      // A run of the in-process runner ends as its result says (never still running).
      const end = event.status === "running" ? "failed" : event.status;
      endRun(core, { workflow, threadId, end, ...(event.error ? { error: event.error } : {}) });
    },
    onNode(event) {
      const dims = counts.nodeDims(event.workflow, event.node);
      counts.nodeStarted(dims, event.taskId);
      const attempt = { threadId: event.threadId, taskId: event.taskId };
      counts.nodeEnded(
        dims,
        event.ms,
        event.error === undefined ? attempt : { ...attempt, error: event.error },
      );
      spans?.node(event);
    },
    ...(spans ? { onNodeRetry: (event: NodeRetryEvent) => spans.retry(event) } : {}),
    onModelCall(event) {
      const usd = counts.modelCall({
        threadId: event.threadId,
        workflow: event.workflow,
        provider: event.provider,
        model: event.model,
        ms: event.ms,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        ...(event.error === undefined ? {} : { error: event.error }),
      });
      spans?.modelCall(event, usd);
    },
    onToolCall(event) {
      counts.toolCall(event.tool, event.ok);
      spans?.toolCall(event);
    },
    onWorkflowEvent(event) {
      counts.workflowEvent(event.workflow, event.name, event.data);
    },
  };
}

/** Runs, supersteps and their AWS cost from the plans; task outcomes as logs. */
function planObserver(core: TelemetryCore): EngineObserver {
  return {
    onPlan(plan: SuperstepPlan, from: PlanSource) {
      const { workflow, threadId } = plan;
      if (from === "start" || from === "resume" || from === "recover")
        beginRun(core, { workflow, threadId, kind: from });
      const run = core.runs.active.get(threadId);
      const now = Date.now();
      if (run?.superstepStartedAt !== undefined) {
        core.metrics.emit(CATALOG.superstepDuration, now - run.superstepStartedAt, { Workflow: workflow });
      }
      if (run) run.superstepStartedAt = plan.status === "running" && plan.tasks.length > 0 ? now : undefined;
      // The AWS side of the run's cost, estimated from the plan's shape.
      const usd = superstepAwsCost(plan.tasks.length);
      core.metrics.emit(CATALOG.estimatedCost, usd, { Workflow: workflow });
      if (run) run.costUsd += usd;
      if (core.logger.enabled("info")) {
        logEvent(core.logger, "superstep planned", {
          workflow,
          threadId,
          step: plan.step,
          status: plan.status,
          from,
          tasks: plan.tasks.map((t) => t.node),
        });
      }
      // A continued execution hands the run on (continue-as-new): the run neither ends nor fails.
      if (plan.status !== "running" && plan.status !== "continued") {
        endRun(core, { workflow, threadId, end: plan.status, ...(plan.error ? { error: plan.error } : {}) });
      }
    },
    onTask(event) {
      // Only logs: with logging off (and no capture) there is nothing to scope ids for.
      if (!core.logger.enabled(event.error ? "warn" : "info")) return;
      core.logger.withCorrelation(
        { workflow: event.workflow, threadId: event.threadId, node: event.node, taskId: event.taskId },
        () => {
          if (event.error) {
            logEvent(core.logger, "task failed", { ms: Math.round(event.ms), error: describe(event.error) });
          } else {
            logEvent(core.logger, "task ended", { ms: Math.round(event.ms), outcome: event.outcome });
          }
        },
      );
    },
  };
}

function describe(error: unknown): { type: string; message: string } {
  const e = error as { code?: string; name?: string; message?: string };
  return { type: e.code ?? e.name ?? "Error", message: e.message ?? String(error) };
}
