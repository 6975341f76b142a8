import { randomUUID } from "node:crypto";
import type { Callbacks } from "@langchain/core/callbacks/manager";
import { Command } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { WorkflowDefinition } from "./define.ts";
import { SwitchyardError } from "./errors.ts";
import { compileWorkflow, inputToState, threadConfig } from "./graph.ts";
import { invokeObserved } from "./observed.ts";
import { readPosition } from "./plan.ts";
import { DEFAULT_RECURSION_LIMIT, isRecursionError, RECURSION_LIMIT_CODE } from "./recursion.ts";
import { latestStep, type RunResult, readRunResult } from "./result.ts";
import { resumeWrites } from "./resume.ts";
import type { EngineObserver } from "./types.ts";

export interface InProcessOptions {
  /** Where checkpoints go; the DynamoDB saver over the embedded AWS by default (see `switchyard/local`). */
  readonly saver: BaseCheckpointSaver;
  readonly threadId?: string;
  /** LangChain callbacks (telemetry spans, the audit) for every node, model and tool run. */
  readonly callbacks?: Callbacks;
  /** Told of the run's start and end, its nodes, and its agents' model and tool calls (metrics). */
  readonly observer?: EngineObserver;
  /** LangGraph's `recursionLimit` for this invoke; the workflow's, else LangGraph's 25, otherwise. */
  readonly recursionLimit?: number;
  /** Who asked for the run (`requesterField` of the workflow), as the entry point authenticated them. */
  readonly requestedBy?: string;
}

/**
 * Runs the workflow's graph in this process with LangGraph's own loop (and its retry policies),
 * checkpointing every superstep. The reference the distributed runner must equal.
 *
 * @example
 * const result = await runInProcessWith(triage, {}, { saver });
 * result.status; // "succeeded"
 */
export async function runInProcessWith(
  workflow: WorkflowDefinition,
  input: unknown,
  options: InProcessOptions,
): Promise<RunResult> {
  const threadId = options.threadId ?? randomUUID();
  const update = inputToState(workflow, input, options.requestedBy);
  return drive(workflow, update, threadId, options, "in-process");
}

/**
 * Answers a waiting interrupt in-process: `Command({ resume })` on the same thread — one value,
 * or `{ [interruptId]: value }` for several (refused as on Step Functions: see resume.ts).
 */
export async function resumeInProcessWith(
  workflow: WorkflowDefinition,
  threadId: string,
  resumeValue: unknown,
  options: InProcessOptions,
): Promise<RunResult> {
  const position = await readPosition(
    { saver: options.saver },
    compileWorkflow(workflow, options.saver),
    threadId,
  );
  resumeWrites(threadId, position.tasks, resumeValue);
  return drive(workflow, new Command({ resume: resumeValue }), threadId, options, "resume");
}

async function drive(
  workflow: WorkflowDefinition,
  input: unknown,
  threadId: string,
  options: InProcessOptions,
  kind: "in-process" | "resume",
): Promise<RunResult> {
  const hadInput = kind === "in-process";
  const stepBefore = await latestStep(options.saver, threadId);
  const graph = compileWorkflow(workflow, options.saver, "in-process");
  const { observer } = options;
  const at = { workflow: workflow.name, threadId };
  observer?.onRun?.({ ...at, phase: "start", kind });
  /** `thrown`: what the invoke threw, whose own code (`error.type`) telemetry reports. */
  const ended = (result: RunResult, thrown?: { code: string; message: string }) => {
    const error = thrown ?? result.error;
    observer?.onRun?.({
      ...at,
      phase: "end",
      status: result.status,
      ...(result.status === "failed" && error ? { error } : {}),
    });
    return result;
  };
  try {
    const config = {
      ...threadConfig(threadId),
      durability: "sync" as const,
      ...(options.callbacks ? { callbacks: options.callbacks } : {}),
      recursionLimit: options.recursionLimit ?? workflow.recursionLimit ?? DEFAULT_RECURSION_LIMIT,
    };
    await invokeObserved(graph, input, config, { ...at, observer });
  } catch (err) {
    const e = err as Error & { code?: string };
    const code =
      err instanceof SwitchyardError
        ? err.code
        : isRecursionError(err)
          ? RECURSION_LIMIT_CODE
          : (e.name ?? "Error");
    return ended(
      await readRunResult(
        options.saver,
        workflow,
        threadId,
        { stepBefore, hadInput },
        { code, message: e.message },
      ),
      { code: typeof e.code === "string" && e.code ? e.code : code, message: e.message },
    );
  }
  return ended(await readRunResult(options.saver, workflow, threadId, { stepBefore, hadInput }));
}
