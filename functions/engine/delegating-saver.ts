import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
} from "@langchain/langgraph-checkpoint";

/** A saver that can load the latest checkpoint with only some tasks' pending writes. */
export interface TaskWritesReader {
  getTupleForTasks(config: RunnableConfig, taskIds: readonly string[]): Promise<CheckpointTuple | undefined>;
}

/**
 * The latest checkpoint with only the pending writes of `taskIds` — natively when the saver can
 * (the DynamoDB saver: one Query per task), else by filtering a full read.
 */
export async function readTupleForTasks(
  saver: BaseCheckpointSaver,
  config: RunnableConfig,
  taskIds: readonly string[],
): Promise<CheckpointTuple | undefined> {
  const native = (saver as Partial<TaskWritesReader>).getTupleForTasks;
  if (typeof native === "function") return native.call(saver, config, taskIds);
  const tuple = await saver.getTuple(config);
  return tuple && { ...tuple, pendingWrites: tuple.pendingWrites?.filter(([id]) => taskIds.includes(id)) };
}

/**
 * A saver that forwards everything to another: the base of the engine's views of the real
 * saver (read-once, task-scoped), which each override only what they change.
 */
export class DelegatingSaver extends BaseCheckpointSaver implements TaskWritesReader {
  constructor(protected readonly inner: BaseCheckpointSaver) {
    super(inner.serde);
  }

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.inner.getTuple(config);
  }

  getTupleForTasks(config: RunnableConfig, taskIds: readonly string[]): Promise<CheckpointTuple | undefined> {
    return readTupleForTasks(this.inner, config, taskIds);
  }

  override list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return this.inner.list(config, options);
  }

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.inner.put(config, checkpoint, metadata, newVersions);
  }

  override putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    return this.inner.putWrites(config, writes, taskId, taskPath);
  }

  override deleteThread(threadId: string): Promise<void> {
    return this.inner.deleteThread(threadId);
  }

  override getDeltaChannelHistory(options: Parameters<BaseCheckpointSaver["getDeltaChannelHistory"]>[0]) {
    return this.inner.getDeltaChannelHistory(options);
  }

  override getNextVersion(current: number | undefined): number {
    return this.inner.getNextVersion(current as never) as number;
  }
}
