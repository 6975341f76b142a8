import { AsyncLocalStorage } from "node:async_hooks";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import type { CompiledWorkflow } from "./graph.ts";
import { langGraphRetryOn } from "./retry.ts";
import type { EngineObserver, NodeEvent, ObservedRun } from "./types.ts";

interface Scope extends ObservedRun {
  readonly observer: EngineObserver;
}

/** The observed graph run the code running now belongs to (one per invoke, however nested). */
const scope = new AsyncLocalStorage<Scope>();

/**
 * Tells the observer of the graph run this code is part of (a node, an agent inside a node)
 * what happened, with the node task it happened in (`taskId`, from LangGraph's config in
 * scope). No LangChain callback handler is involved: telemetry attaches none, so LangChain's
 * per-run bookkeeping (a run tree for every step of every node) is not paid. Outside an
 * observed run it does nothing.
 *
 * @example
 * reportToObserver((observer, run) => observer.onToolCall?.({ ...run, tool: "get_trade", ok: true }));
 */
export function reportToObserver(report: (observer: EngineObserver, run: ObservedRun) => void): void {
  const current = scope.getStore();
  if (!current) return;
  const taskId = currentTaskId();
  report(current.observer, taskId === undefined ? current : { ...current, taskId });
}

/** Whether the code running now is part of an observed graph run (so timing it is worth it). */
export function isObserved(): boolean {
  return scope.getStore() !== undefined;
}

/**
 * The top-level task the running code belongs to: LangGraph runs every node inside its config
 * (`langgraph_checkpoint_ns` is `node:taskId`, a subgraph's task appended after `|`).
 */
function currentTaskId(): string | undefined {
  const ns = AsyncLocalStorageProviderSingleton.getRunnableConfig()?.metadata?.langgraph_checkpoint_ns;
  if (typeof ns !== "string") return undefined;
  const bar = ns.indexOf("|");
  const first = bar < 0 ? ns : ns.slice(0, bar);
  const colon = first.indexOf(":");
  return colon < 0 ? undefined : first.slice(colon + 1);
}

type InvokeConfig = Parameters<CompiledWorkflow["invoke"]>[1];

/** A task as LangGraph's `tasks` stream reports it: its start (with triggers), then its result. */
interface TaskChunk {
  readonly id: string;
  readonly name: string;
  readonly triggers?: readonly string[];
  readonly error?: unknown;
  readonly interrupts?: readonly unknown[];
}

/**
 * A chunk of LangGraph's `debug` stream: a task chunk, or a checkpoint, with the superstep and
 * the time the loop emitted it, so a task's start and duration do not depend on when this side
 * reads the stream.
 */
interface DebugChunk {
  readonly type: "task" | "task_result" | "checkpoint";
  readonly step: number;
  readonly timestamp: string;
  readonly payload: TaskChunk;
}

/** A task chunk of either stream, with when it happened (epoch ms) and, from `debug`, its step. */
interface Seen {
  readonly task: TaskChunk;
  readonly start: boolean;
  readonly at: number;
  readonly step?: number;
}

function seenOf(chunk: TaskChunk | DebugChunk, debug: boolean): Seen | undefined {
  if (!debug) {
    const task = chunk as TaskChunk;
    return { task, start: task.triggers !== undefined, at: performance.timeOrigin + performance.now() };
  }
  const d = chunk as DebugChunk;
  if (d.type === "checkpoint") return undefined;
  return { task: d.payload, start: d.type === "task", at: Date.parse(d.timestamp), step: d.step };
}

/**
 * `graph.invoke` with the run's observer in scope: agents and nodes report to it
 * ({@link reportToObserver}), and, when it wants nodes, every task's end comes from LangGraph's
 * own streams (`tasks`, or `debug` for the step and the loop's timestamps when it writes spans)
 * — the facts the loop already has, without callbacks. The stream carries the same run as `invoke` (which is the
 * `values` stream, collected); its values are not needed: the engine reads the outcome from the
 * checkpoint.
 */
export async function invokeObserved(
  graph: CompiledWorkflow,
  input: unknown,
  config: InvokeConfig,
  run: ObservedRun & { readonly observer: EngineObserver | undefined },
): Promise<void> {
  const { observer } = run;
  if (!observer) {
    await graph.invoke(input as never, config);
    return;
  }
  const where: Scope = { workflow: run.workflow, threadId: run.threadId, observer };
  await scope.run(where, async () => {
    if (!observer.onNode) {
      await graph.invoke(input as never, config);
      return;
    }
    // An observer that writes spans (it follows retried attempts) wants each task's step and the
    // loop's own times: the `debug` stream. Counting alone takes the lighter `tasks` stream.
    const debug = observer.onNodeRetry !== undefined;
    if (debug) reportRetries(graph);
    const started = new Map<string, number>();
    // A failed task's result carries its error as LangGraph stores it (name and message only);
    // the one the invoke throws is the node's own (its code too): held until it is known.
    const failed: NodeEvent[] = [];
    try {
      const stream = await graph.stream(input as never, { ...config, streamMode: debug ? "debug" : "tasks" });
      for await (const chunk of stream as AsyncIterable<TaskChunk | DebugChunk>) {
        const seen = seenOf(chunk, debug);
        // LangGraph's own steps (`__start__` applying the input) are not the workflow's nodes.
        if (seen === undefined || seen.task.name.startsWith("__")) continue;
        const { task, at } = seen;
        if (seen.start) {
          started.set(task.id, at);
          continue;
        }
        const startedAt = started.get(task.id);
        started.delete(task.id);
        const event: NodeEvent = {
          workflow: run.workflow,
          threadId: run.threadId,
          node: task.name,
          taskId: task.id,
          ms: startedAt === undefined ? 0 : at - startedAt,
          ...(startedAt === undefined ? {} : { startedAt }),
          ...(seen.step === undefined ? {} : { step: seen.step }),
          ...(task.error === undefined || task.error === null ? {} : { error: task.error }),
          interrupted: (task.interrupts?.length ?? 0) > 0,
        };
        if (event.error === undefined) observer.onNode(event);
        else failed.push(event);
      }
    } catch (error) {
      const taskId = (error as { pregelTaskId?: unknown }).pregelTaskId;
      for (const event of failed.splice(0)) {
        observer.onNode(event.taskId === taskId ? { ...event, error } : event);
      }
      throw error;
    }
    // Failures a node's error handler took: the run went on, only the stored error is known.
    for (const event of failed) observer.onNode(event);
  });
}

/** Compiled graphs whose retry policies already tell the observer of each retried attempt. */
const reporting = new WeakSet<object>();

/**
 * LangGraph retries a node inside its loop (in-process) without a trace in any stream; the
 * one place that sees each failed attempt is the policy's `retryOn`. Each node's policy is
 * replaced (on this compiled graph only, never the definition's object) by one that asks the
 * same question and, when the answer is "retry", tells the observer in scope.
 */
function reportRetries(graph: CompiledWorkflow): void {
  if (reporting.has(graph)) return;
  reporting.add(graph);
  type Policy = { retryOn?: (error: unknown) => boolean };
  for (const [node, spec] of Object.entries(graph.nodes as Record<string, { retryPolicy?: Policy }>)) {
    const policy = spec.retryPolicy;
    if (!policy) continue;
    const retryOn = policy.retryOn ?? langGraphRetryOn;
    spec.retryPolicy = {
      ...policy,
      retryOn(error: unknown) {
        const again = retryOn(error);
        const taskId = (error as { pregelTaskId?: unknown })?.pregelTaskId;
        const current = scope.getStore();
        if (again && current && typeof taskId === "string") {
          current.observer.onNodeRetry?.({
            workflow: current.workflow,
            threadId: current.threadId,
            node,
            taskId,
            error,
          });
        }
        return again;
      },
    };
  }
}
