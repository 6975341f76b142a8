/**
 * The fault bench's workflow and what it observes of it: a fan-out (partition → Send to three
 * `match` workers → summarize) whose workers each append a 16 KB digest, so a superstep's state
 * is too big to sit inline in the checkpoint item and is batch-written (BatchWriteItem faults
 * fire), and whose node bodies count their own completions per thread and task — the work the
 * bench judges "doubled" by, independent of any counter of the system under test.
 */
import { createHash } from "node:crypto";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, type BaseCheckpointSaver, END, Send, START, StateGraph } from "@langchain/langgraph";
import { z } from "zod";
import { defineWorkflow, type WorkflowDefinition } from "#engine";

const append = <T>(a: T[], b: T[]) => a.concat(b);

const State = Annotation.Root({
  trades: Annotation<number[]>,
  breaks: Annotation<string[]>({ reducer: append, default: () => [] }),
  notional: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  digests: Annotation<string[]>({ reducer: append, default: () => [] }),
  report: Annotation<string>,
});

export const WORKERS = 3;
const DIGEST_CHARS = 16_384;

/** Completed node bodies per `thread/node/index`: a body that ran to its end, whatever became of its output. */
export const completions = new Map<string, number>();

function completed(config: RunnableConfig, node: string, index = 0): void {
  const key = `${String(config.configurable?.thread_id)}/${node}/${index}`;
  completions.set(key, (completions.get(key) ?? 0) + 1);
}

/** Hex of a hash chain over the worker's trades: deterministic, and brotli cannot squeeze it below half. */
function digestOf(part: readonly number[]): string {
  let block = createHash("sha256").update(part.join(",")).digest();
  let out = "";
  while (out.length < DIGEST_CHARS) {
    out += block.toString("hex");
    block = createHash("sha256").update(block).digest();
  }
  return out.slice(0, DIGEST_CHARS);
}

export function faultBenchWorkflow(): WorkflowDefinition {
  const graph = new StateGraph(State)
    .addNode("partition", (s, config: RunnableConfig) => {
      completed(config, "partition");
      return { trades: s.trades };
    })
    .addNode(
      "match",
      (p: { part: number[]; index: number }, config: RunnableConfig) => {
        completed(config, "match", p.index);
        return {
          breaks: p.part.filter((t) => t % 7 === 0).map((t) => `p${p.index}:t${t}`),
          notional: p.part.reduce((a, b) => a + b, 0),
          digests: [digestOf(p.part)],
        };
      },
      // A worker whose Lambda dies is retried by the state machine, as a deployed node would be.
      { retryPolicy: { maxAttempts: 2, initialInterval: 10, jitter: false } },
    )
    .addNode("summarize", (s, config: RunnableConfig) => {
      completed(config, "summarize");
      return { report: `${s.breaks.length} breaks, notional ${s.notional}, ${s.digests.length} digests` };
    })
    .addEdge(START, "partition")
    .addConditionalEdges("partition", (s) => {
      const size = Math.ceil(s.trades.length / WORKERS);
      return Array.from(
        { length: WORKERS },
        (_, index) => new Send("match", { part: s.trades.slice(index * size, (index + 1) * size), index }),
      );
    })
    .addEdge("match", "summarize")
    .addEdge("summarize", END);
  return defineWorkflow({
    name: "fault-bench",
    graph,
    hosting: "per-node",
    input: z.object({ trades: z.array(z.number()) }),
  });
}

/** The bench's input for its `n`th run: distinct trades per run, so no two runs share a state. */
export const inputFor = (n: number) => ({ trades: Array.from({ length: 30 }, (_, i) => n * 100 + i + 1) });

/** A thread's state as LangGraph reads it from the checkpoint table (the same read for runs and references). */
export async function stateOf(
  workflow: WorkflowDefinition,
  saver: BaseCheckpointSaver,
  threadId: string,
): Promise<Record<string, unknown> | undefined> {
  const snapshot = await workflow.graph
    .compile({ checkpointer: saver })
    .getState({ configurable: { thread_id: threadId } });
  return snapshot.metadata ? (snapshot.values as Record<string, unknown>) : undefined;
}
