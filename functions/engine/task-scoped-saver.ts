import type { RunnableConfig } from "@langchain/core/runnables";
import type {
  BaseCheckpointSaver,
  ChannelVersions,
  Checkpoint,
  CheckpointMetadata,
  CheckpointTuple,
  PendingWrite,
} from "@langchain/langgraph-checkpoint";
import { DelegatingSaver } from "./delegating-saver.ts";
import { NO_WRITES, NULL_TASK_ID } from "./pregel-channels.ts";

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
 *
 * A subgraph the target task runs keeps its own checkpoints under its own namespace
 * (`checkpoint_ns` ≠ ""): those pass through untouched, since they belong to the target alone —
 * dropping them would restart the subgraph from scratch when its interrupt is resumed.
 */
export class TaskScopedSaver extends DelegatingSaver {
  /** Writes of the target task that reached the real saver, for the caller to inspect. */
  readonly forwarded: PendingWrite[] = [];

  private siblingTaskIds: readonly string[] = [];

  constructor(
    inner: BaseCheckpointSaver,
    private readonly targetTaskId: string,
  ) {
    super(inner);
  }

  /** From now on, show these tasks (the target excepted) as finished. */
  showFinished(taskIds: readonly string[]): void {
    this.siblingTaskIds = taskIds;
  }

  /**
   * The checkpoint with the target task's own writes (errors, interrupts of earlier attempts) and
   * the input/resume writes — never the siblings' writes, which the target does not need and
   * which, at a wide fan-out, would make every task read every other's output.
   */
  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    if (inSubgraph(config)) return this.inner.getTuple(config);
    const tuple = await this.getTupleForTasks(config, [this.targetTaskId, NULL_TASK_ID]);
    if (!tuple) return tuple;
    const synthetic = this.siblingTaskIds
      .filter((id) => id !== this.targetTaskId)
      .map((id) => [id, NO_WRITES, null] as [string, string, unknown]);
    return { ...tuple, pendingWrites: [...(tuple.pendingWrites ?? []), ...synthetic] };
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (inSubgraph(config)) return this.inner.put(config, checkpoint, metadata, newVersions);
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
    if (inSubgraph(config)) return this.inner.putWrites(config, writes, taskId, taskPath);
    if (taskId !== this.targetTaskId) return;
    this.forwarded.push(...writes);
    await this.inner.putWrites(config, writes, taskId, taskPath);
  }

  override deleteThread(): Promise<void> {
    throw new Error("A task-scoped saver never deletes threads.");
  }
}

/** A subgraph's own checkpoint namespace, not the root graph's. */
function inSubgraph(config: RunnableConfig): boolean {
  return (config.configurable?.checkpoint_ns ?? "") !== "";
}
