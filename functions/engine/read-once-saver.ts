import type { RunnableConfig } from "@langchain/core/runnables";
import {
  type ChannelVersions,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointTuple,
  copyCheckpoint,
  type PendingWrite,
} from "@langchain/langgraph-checkpoint";
import { DelegatingSaver } from "./delegating-saver.ts";

/**
 * A saver view for the span of ONE handler call that reads each checkpoint tuple once. Planning
 * a task and then running it makes LangGraph read the same tuple three times (our position read,
 * `getState`, the loop's own load); at a large fan-out each read carries every sibling's pending
 * writes, so the repeats dominate. Any write through the view drops the cache, so a read after a
 * write always reaches the store.
 */
export class ReadOnceSaver extends DelegatingSaver {
  private readonly tuples = new Map<string, Promise<CheckpointTuple | undefined>>();

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.once(config, null, () => super.getTuple(config));
  }

  override getTupleForTasks(
    config: RunnableConfig,
    taskIds: readonly string[],
  ): Promise<CheckpointTuple | undefined> {
    return this.once(config, taskIds, () => super.getTupleForTasks(config, taskIds));
  }

  private async once(
    config: RunnableConfig,
    taskIds: readonly string[] | null,
    read: () => Promise<CheckpointTuple | undefined>,
  ): Promise<CheckpointTuple | undefined> {
    const c = config.configurable ?? {};
    const key = JSON.stringify([c.thread_id, c.checkpoint_ns ?? "", c.checkpoint_id ?? null, taskIds]);
    let tuple = this.tuples.get(key);
    if (!tuple) {
      tuple = read();
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

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.invalidating(super.put(config, checkpoint, metadata, newVersions));
  }

  override putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string) {
    return this.invalidating(super.putWrites(config, writes, taskId, taskPath));
  }

  override deleteThread(threadId: string): Promise<void> {
    return this.invalidating(super.deleteThread(threadId));
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
}
