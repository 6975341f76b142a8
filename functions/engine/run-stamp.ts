import type { RunnableConfig } from "@langchain/core/runnables";
import type {
  BaseCheckpointSaver,
  ChannelVersions,
  Checkpoint,
  CheckpointMetadata,
} from "@langchain/langgraph-checkpoint";
import { DelegatingSaver } from "./delegating-saver.ts";
import { threadConfig } from "./graph.ts";

/**
 * Which run applied a thread's input: `start` stamps its run id on the input checkpoint it
 * writes, so a start delivered again — an Express execution repeated under at-least-once, or
 * started twice under one name, which Express does not refuse — finds its input already applied
 * and continues the run instead of applying the input a second time (docs/engine.md, "Express
 * execution").
 */
export const RUN_STAMP = "switchyard_run";

/** Stamps `runId` on the root input checkpoint; every other put passes through unchanged. */
export class RunStampSaver extends DelegatingSaver {
  constructor(
    inner: BaseCheckpointSaver,
    private readonly runId: string,
  ) {
    super(inner);
  }

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const root = (config.configurable?.checkpoint_ns ?? "") === "";
    if (!root || metadata.source !== "input")
      return this.inner.put(config, checkpoint, metadata, newVersions);
    return this.inner.put(
      config,
      checkpoint,
      { ...metadata, [RUN_STAMP]: this.runId } as CheckpointMetadata,
      newVersions,
    );
  }
}

/**
 * Whether the thread's latest input was applied by `runId` (this run already started).
 *
 * @example
 * await startedBy(saver, "thread-1", "run-0001"); // true after run-0001's start wrote its input
 */
export async function startedBy(
  saver: BaseCheckpointSaver,
  threadId: string,
  runId: string,
): Promise<boolean> {
  for await (const tuple of saver.list(threadConfig(threadId), { filter: { source: "input" }, limit: 1 })) {
    return (tuple.metadata as Record<string, unknown> | undefined)?.[RUN_STAMP] === runId;
  }
  return false;
}
