import { AsyncLocalStorage } from "node:async_hooks";
import type { CompiledWorkflow } from "./graph.ts";
import type { EngineObserver, NodeEvent, ObservedRun } from "./types.ts";

interface Scope extends ObservedRun {
  readonly observer: EngineObserver;
}

/** The observed graph run the code running now belongs to (one per invoke, however nested). */
const scope = new AsyncLocalStorage<Scope>();

/**
 * Tells the observer of the graph run this code is part of (a node, an agent inside a node)
 * what happened. No LangChain callback handler is involved: with telemetry on but nothing
 * exporting spans, none is attached, and LangChain's per-run bookkeeping (a run tree for every
 * step of every node) is not paid. Outside an observed run it does nothing.
 *
 * @example
 * reportToObserver((observer, run) => observer.onToolCall?.({ ...run, tool: "get_trade", ok: true }));
 */
export function reportToObserver(report: (observer: EngineObserver, run: ObservedRun) => void): void {
  const current = scope.getStore();
  if (current) report(current.observer, current);
}

/** Whether the code running now is part of an observed graph run (so timing it is worth it). */
export function isObserved(): boolean {
  return scope.getStore() !== undefined;
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
 * `graph.invoke` with the run's observer in scope: agents and nodes report to it
 * ({@link reportToObserver}), and, when it wants nodes, every task's end comes from LangGraph's
 * own `tasks` stream — the facts the loop already has, without callbacks. The stream carries
 * the same run as `invoke` (which is the `values` stream, collected); its values are not needed:
 * the engine reads the outcome from the checkpoint.
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
    const started = new Map<string, number>();
    // A failed task's result carries its error as LangGraph stores it (name and message only);
    // the one the invoke throws is the node's own (its code too): held until it is known.
    const failed: NodeEvent[] = [];
    try {
      const stream = await graph.stream(input as never, { ...config, streamMode: "tasks" });
      for await (const chunk of stream as AsyncIterable<TaskChunk>) {
        // LangGraph's own steps (`__start__` applying the input) are not the workflow's nodes.
        if (chunk.name.startsWith("__")) continue;
        if (chunk.triggers !== undefined) {
          started.set(chunk.id, performance.now());
          continue;
        }
        const at = started.get(chunk.id);
        started.delete(chunk.id);
        const event: NodeEvent = {
          workflow: run.workflow,
          threadId: run.threadId,
          node: chunk.name,
          taskId: chunk.id,
          ms: at === undefined ? 0 : performance.now() - at,
          ...(chunk.error === undefined || chunk.error === null ? {} : { error: chunk.error }),
          interrupted: (chunk.interrupts?.length ?? 0) > 0,
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
