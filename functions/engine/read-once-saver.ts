import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  copyCheckpoint,
  type PendingWrite,
} from "@langchain/langgraph-checkpoint";

/**
 * A saver view for the span of ONE handler call that reads each checkpoint tuple once. Planning
 * a task and then running it makes LangGraph read the same tuple three times (our position read,
 * `getState`, the loop's own load); at a 1,000-task fan-out each read carries every sibling's
 * pending writes, so the repeats dominate. Any write through the view drops the cache, so a
 * read after a write always reaches the store.
 */
export class ReadOnceSaver extends BaseCheckpointSaver {
  private readonly tuples = new Map<string, Promise<CheckpointTuple | undefined>>();

  constructor(private readonly inner: BaseCheckpointSaver) {
    super(inner.serde);
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const c = config.configurable ?? {};
    const key = JSON.stringify([c.thread_id, c.checkpoint_ns ?? "", c.checkpoint_id ?? null]);
    let tuple = this.tuples.get(key);
    if (!tuple) {
      tuple = this.inner.getTuple(config);
      this.tuples.set(key, tuple);
      tuple.catch(() => this.tuples.delete(key));
    }
    // LangGraph's loop mutates the tuple it loads (versions, pending writes): each caller gets its own copy.
    const t = await tuple;
    return (
      t && {
        ...t,
        checkpoint: copyCheckpoint(t.checkpoint),
        pendingWrites: t.pendingWrites?.map((w) => [...w] as typeof w),
      }
    );
  }

  override list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return this.inner.list(config, options);
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.invalidating(this.inner.put(config, checkpoint, metadata, newVersions));
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ) {
    return this.invalidating(this.inner.putWrites(config, writes, taskId, taskPath));
  }

  override deleteThread(threadId: string): Promise<void> {
    return this.invalidating(this.inner.deleteThread(threadId));
  }

  /** Drops cached tuples when a write starts AND when it lands: a read in between saw the old state. */
  private async invalidating<T>(write: Promise<T>): Promise<T> {
    this.tuples.clear();
    try {
      return await write;
    } finally {
      this.tuples.clear();
    }
  }

  override getDeltaChannelHistory(options: Parameters<BaseCheckpointSaver["getDeltaChannelHistory"]>[0]) {
    return this.inner.getDeltaChannelHistory(options);
  }

  override getNextVersion(current: number | undefined): number {
    return this.inner.getNextVersion(current as never) as number;
  }
}
