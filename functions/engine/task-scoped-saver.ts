import type { RunnableConfig } from "@langchain/core/runnables";
import type {
  BaseCheckpointSaver,
  Checkpoint,
  CheckpointTuple,
  PendingWrite,
} from "@langchain/langgraph-checkpoint";
import { DelegatingSaver } from "./delegating-saver.ts";

const NO_WRITES = "__no_writes__";

/**
 * A view of the real saver that lets LangGraph's own loop run exactly ONE task of a superstep.
 *
 * LangGraph skips, on resume, every task that already has output writes (its crash recovery).
 * This view shows every other task of the superstep as finished (a synthetic `__no_writes__`
 * write), so `invoke(null)` runs only the target task, with LangGraph's real run context
 * (reducers' inputs, `Send` arguments, `interrupt()`, resume values). The target task's writes
 * go through to the real saver as pending writes keyed by its task id; everything else the loop
 * would persist (other tasks, the next checkpoint) is dropped, because committing is the commit
 * Lambda's job, done once for the whole superstep.
 *
 * ```
 * run-node(task B)         real saver              commit
 *   getTuple ───────────▶  checkpoint C + writes
 *   (A, C shown finished)
 *   run B ─ putWrites(B) ▶ writes[B]
 *   put(C+1) ✗ dropped
 *                                                  all tasks have writes → apply as ONE superstep
 * ```
 */
export class TaskScopedSaver extends DelegatingSaver {
  /** Writes of the target task that reached the real saver, for the caller to inspect. */
  readonly forwarded: PendingWrite[] = [];

  constructor(
    inner: BaseCheckpointSaver,
    private readonly targetTaskId: string,
    private readonly siblingTaskIds: readonly string[],
  ) {
    super(inner);
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const tuple = await this.inner.getTuple(config);
    if (!tuple) return tuple;
    const synthetic = this.siblingTaskIds
      .filter((id) => id !== this.targetTaskId)
      .map((id) => [id, NO_WRITES, null] as [string, string, unknown]);
    return { ...tuple, pendingWrites: [...(tuple.pendingWrites ?? []), ...synthetic] };
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint): Promise<RunnableConfig> {
    // The next checkpoint is the commit's to write; pretend it was written so the loop can end.
    return {
      configurable: {
        thread_id: config.configurable?.thread_id,
        checkpoint_ns: config.configurable?.checkpoint_ns ?? "",
        checkpoint_id: checkpoint.id,
      },
    };
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ) {
    if (taskId !== this.targetTaskId) return;
    this.forwarded.push(...writes);
    await this.inner.putWrites(config, writes, taskId, taskPath);
  }

  override deleteThread(): Promise<void> {
    throw new Error("A task-scoped saver never deletes threads.");
  }
}
