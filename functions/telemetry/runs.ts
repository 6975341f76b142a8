import type { Span, SpanContext } from "@opentelemetry/api";

/**
 * What this process knows about each run it has seen, by thread id: its workflow span (parent
 * of node spans), when it started, when its last superstep was planned, and the span context of
 * the thread's previous run (a resumed or recovered run links to it). In Lambda, each process
 * sees a slice of a run; the X-Ray trace id ties the slices together.
 */
export interface RunState {
  readonly workflow: string;
  readonly threadId: string;
  readonly startedAt: number;
  span?: Span;
  /** When the plan with tasks was made; the next plan ends that superstep. */
  superstepStartedAt?: number;
  /** Tokens and estimated dollars of this run so far (the report's totals). */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Per-thread memory across runs: the last failure (recovery time) and the last run's span (links). */
export interface ThreadMemory {
  failedAt?: number;
  lastRun?: SpanContext;
}

export class RunRegistry {
  readonly active = new Map<string, RunState>();
  readonly threads = new Map<string, ThreadMemory>();

  thread(threadId: string): ThreadMemory {
    let memory = this.threads.get(threadId);
    if (!memory) {
      memory = {};
      this.threads.set(threadId, memory);
    }
    return memory;
  }

  /** Active runs of one workflow (the ActiveRuns gauge). */
  activeOf(workflow: string): number {
    let n = 0;
    for (const run of this.active.values()) if (run.workflow === workflow) n++;
    return n;
  }
}
