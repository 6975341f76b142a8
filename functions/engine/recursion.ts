import type { RunnableConfig } from "@langchain/core/runnables";
import { GraphRecursionError } from "@langchain/langgraph";
import type {
  BaseCheckpointSaver,
  ChannelVersions,
  Checkpoint,
  CheckpointMetadata,
  CheckpointTuple,
} from "@langchain/langgraph-checkpoint";
import { DelegatingSaver } from "./delegating-saver.ts";
import { RESUME } from "./pregel-channels.ts";

/**
 * LangGraph's recursion limit, counted as LangGraph counts it, across the many Lambda calls of
 * one run.
 *
 * LangGraph (`pregel/loop.js`): an invoke that loads a checkpoint at step `c` starts at step
 * `c + 1` with `stop = c + 1 + recursionLimit + 1`; after writing each checkpoint at step `s` the
 * loop's step is `s + 1`, and `step > stop` fails the run with `GraphRecursionError`
 * (`GRAPH_RECURSION_LIMIT`) — before it looks for next tasks, so a graph of exactly `limit`
 * supersteps fails too. A fresh thread loads the empty checkpoint (step −2), so `limit` node
 * supersteps run. The count is per invoke: a resume is a new invoke (a new count), whereas the
 * Lambdas of one execution, and a recovery of it, are the same invoke (they keep counting).
 *
 * The engine's calls each start their own LangGraph loop, so LangGraph's own check cannot see the
 * run's count; instead the budget travels in the plan and is stamped on every checkpoint
 * ({@link RecursionGuardSaver}), and the guard fails the call right after writing the checkpoint
 * at which LangGraph would have failed — the same checkpoint, the same state, the same error.
 */
export const DEFAULT_RECURSION_LIMIT = 25;

/** LangGraph's `GraphRecursionError` code (`lc_error_code`): the run's error code on every runner. */
export const RECURSION_LIMIT_CODE = "GRAPH_RECURSION_LIMIT";

/** The metadata key every engine-written checkpoint carries its invoke's budget under. */
const STAMP = "switchyard_recursion";

export interface RecursionBudget {
  /** The limit as the user set it (LangGraph's `recursionLimit`). */
  readonly limit: number;
  /** The first checkpoint step LangGraph would not let this invoke write past. */
  readonly stop: number;
}

/** The budget of an invoke that begins at a checkpoint of step `loadedStep` (−2: a new thread). */
export function budgetFrom(loadedStep: number, limit: number): RecursionBudget {
  return { limit, stop: loadedStep + limit + 2 };
}

/**
 * The budget an execution continues with when its plan does not carry one (a recovery): the one
 * stamped on the thread's latest checkpoint — unless a resume was recorded against that
 * checkpoint since, which began a new invoke there.
 */
export function budgetOfThread(tuple: CheckpointTuple | undefined, fallbackLimit: number): RecursionBudget {
  const step = Number(tuple?.metadata?.step ?? -2);
  const stamped = (tuple?.metadata as Record<string, unknown> | undefined)?.[STAMP] as
    | RecursionBudget
    | undefined;
  // Any answer stored against the checkpoint (one value, by interrupt id, or a task's own list)
  // means the latest invoke was a resume that began here.
  const resumedHere = (tuple?.pendingWrites ?? []).some(([, ch]) => ch === RESUME);
  if (stamped && !resumedHere) return stamped;
  return budgetFrom(step, stamped?.limit ?? fallbackLimit);
}

/** LangGraph's own error for an exhausted limit, worded as LangGraph words it. */
export function recursionError(limit: number): GraphRecursionError {
  return new GraphRecursionError(
    [
      `Recursion limit of ${limit} reached`,
      "without hitting a stop condition. You can increase the",
      `limit by setting the "recursionLimit" config key.`,
    ].join(" "),
    { lc_error_code: RECURSION_LIMIT_CODE },
  );
}

export function isRecursionError(error: unknown): error is GraphRecursionError {
  return (error as { lc_error_code?: unknown })?.lc_error_code === RECURSION_LIMIT_CODE;
}

/**
 * Stamps the budget on every root checkpoint written through it and, once it has written the
 * checkpoint at `stop`, fails the loop with {@link recursionError} (with `durability: "sync"` the
 * loop awaits each put, so the error surfaces from the invoke with that checkpoint stored).
 * Subgraph checkpoints are not counted: a subgraph is its own invoke.
 */
export class RecursionGuardSaver extends DelegatingSaver {
  constructor(
    inner: BaseCheckpointSaver,
    private readonly budget: RecursionBudget,
  ) {
    super(inner);
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const root = (config.configurable?.checkpoint_ns ?? "") === "";
    if (!root) return this.inner.put(config, checkpoint, metadata, newVersions);
    const stamped = { ...metadata, [STAMP]: this.budget } as CheckpointMetadata;
    const written = await this.inner.put(config, checkpoint, stamped, newVersions);
    if (Number(metadata.step) >= this.budget.stop) throw recursionError(this.budget.limit);
    return written;
  }
}
