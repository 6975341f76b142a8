/**
 * DynamoDBSaver: LangGraph checkpoints in one DynamoDB table, cheap per step.
 *
 * put:      changed channels only (newVersions) as append-delta segments; small ones inline in
 *           the checkpoint item, bigger ones first via BatchWriteItem; the checkpoint item last,
 *           conditionally (attribute_not_exists): no transactions. A typical step: one PutItem.
 * getTuple: latest checkpoint by one newest-first Query (Limit 1), then its writes (Query) and
 *           every segment of every channel (one BatchGetItem), side by side.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  copyCheckpoint,
  getCheckpointId,
  type PendingWrite,
} from "@langchain/langgraph-checkpoint";
import { resources } from "#config";
import { Lru } from "./cache.ts";
import type { ChainedBytes } from "./delta.ts";
import { CheckpointConfigError } from "./errors.ts";
import { type FromEnvOptions, saverOptionsFromEnv } from "./from-env.ts";
import {
  checkpointGroupPrefix,
  checkpointKey,
  checkpointPrefix,
  parseCheckpointKey,
  taskWritesPrefix,
  writesPrefix,
} from "./keys.ts";
import { groupRows, matchesFilter } from "./listing.ts";
import { commitCheckpoint, readMetadata } from "./record.ts";
import { refreshCarried } from "./refresh.ts";
import { DEFAULT_RETRY } from "./retry.ts";
import { loadRefs, type StoreContext, sameChain } from "./segments.ts";
import { emptyStats, type Item, Table } from "./table.ts";
import { ThreadReader } from "./thread-reader.ts";
import type { ChannelRefs, CheckpointStats, DynamoDBSaverOptions } from "./types.ts";
import { encodeValues, type ValueOptions } from "./values.ts";
import { writeItems } from "./writes.ts";

const DAY_SECONDS = 86_400;

/**
 * LangGraph checkpoint saver on DynamoDB (see docs/architecture.md, "Checkpoints in DynamoDB").
 *
 * @example
 * const saver = new DynamoDBSaver({ client: new DynamoDBClient({}), tableName: "switchyard-dev-checkpoints" });
 * const graph = builder.compile({ checkpointer: saver });
 * await graph.invoke(input, { configurable: { thread_id: "t-1" } });
 * saver.stats.bytesWritten; // cost so far
 */
export class DynamoDBSaver extends BaseCheckpointSaver {
  readonly table: Table;
  private readonly codec: ValueOptions;
  private readonly ttlDays: number;
  private readonly ttlSlackDays: number;
  private readonly ttlAttribute: string;
  private readonly now: () => number;
  /** Channel refs of recently seen checkpoints: a put needs its parent's to carry channels over. */
  private readonly refs = new Lru<string, ChannelRefs>(1024);
  /** Latest channel bytes per (thread, namespace): the base the next put diffs against. */
  private readonly values: Lru<string, Map<string, ChainedBytes>>;
  private readonly reader: ThreadReader;

  constructor(options: DynamoDBSaverOptions) {
    super(options.serde);
    const spec = resources().checkpointTable;
    this.table = new Table(
      options.client,
      options.tableName,
      options.partitionKey ?? spec.partitionKey,
      options.sortKey ?? spec.sortKey,
      { ...DEFAULT_RETRY, ...options.retry },
    );
    this.codec = {
      compressAboveBytes: options.compressAboveBytes ?? 1024,
      chunkBytes: options.chunkBytes ?? 350_000,
      maxSegments: Math.max(1, options.maxSegments ?? 8),
      inlineBytes: options.inlineBytes ?? 16_384,
    };
    this.ttlDays = options.ttlDays ?? 30;
    this.ttlSlackDays = Math.max(0, options.ttlSlackDays ?? this.ttlDays / 4);
    this.ttlAttribute = options.ttlAttribute ?? spec.ttlAttribute;
    this.now = options.now ?? Date.now;
    this.values = new Lru(options.cacheThreads ?? 64);
    this.reader = new ThreadReader(this.table, () => this.serde);
  }

  /**
   * A saver configured from the environment (`CHECKPOINT_TABLE` or the stage's table,
   * `CHECKPOINT_TTL_DAYS`, `AWS_REGION`; the SDK honours `AWS_ENDPOINT_URL_DYNAMODB`).
   *
   * @example
   * const saver = DynamoDBSaver.fromEnv(); // in a Lambda, at module scope
   */
  static fromEnv(options: FromEnvOptions = {}): DynamoDBSaver {
    return new DynamoDBSaver(saverOptionsFromEnv(options));
  }

  /** Requests, items, bytes and capacity units so far (a copy). */
  get stats(): CheckpointStats {
    return { ...this.table.stats };
  }

  resetStats(): void {
    Object.assign(this.table.stats, emptyStats());
  }

  private context(threadId: string, ns: string): StoreContext {
    if (this.ttlDays <= 0) return { table: this.table, threadId, ns };
    const readableUntil = Math.floor(this.now() / 1000) + Math.round(this.ttlDays * DAY_SECONDS);
    const expiresAt = readableUntil + Math.round(this.ttlSlackDays * DAY_SECONDS);
    const ttl = { [this.ttlAttribute]: { N: String(expiresAt) } };
    return {
      table: this.table,
      threadId,
      ns,
      ttl,
      life: { attribute: this.ttlAttribute, readableUntil, expiresAt },
    };
  }

  /** False for a checkpoint past its readable time: its item may outlive it only to hold carried values. */
  private readable(item: Item): boolean {
    const until = item.u?.N;
    return until === undefined || Number(until) > Math.floor(this.now() / 1000);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id;
    if (threadId === undefined) return undefined;
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const ctx = this.context(threadId, ns);
    const id = getCheckpointId(config);
    if (id) {
      const rows = await this.reader.rows(threadId, checkpointGroupPrefix(ns, id));
      const item = rows.find((r) => r.k?.S === "c");
      return item && this.readable(item) ? this.toTuple(ctx, id, item, rows, true) : undefined;
    }
    const head = await this.reader.latest(threadId, checkpointPrefix(ns));
    if (!head || !this.readable(head.item)) return undefined;
    const { checkpointId } = parseCheckpointKey(head.item[this.table.sk]?.S ?? "");
    const writes = head.writes ?? this.reader.rows(threadId, writesPrefix(ns, checkpointId));
    return this.toTuple(ctx, checkpointId, head.item, writes, true, undefined, head.rows);
  }

  /**
   * The latest checkpoint with only the pending writes of `taskIds`: what a node Lambda running one
   * task of a wide superstep needs. Reading every sibling's writes would make a 1,000-task fan-out
   * read a million write items; this reads the checkpoint plus one Query per named task.
   *
   * @example
   * const tuple = await saver.getTupleForTasks({ configurable: { thread_id } }, [taskId, NULL_TASK_ID]);
   */
  async getTupleForTasks(
    config: RunnableConfig,
    taskIds: readonly string[],
  ): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id;
    if (threadId === undefined || getCheckpointId(config)) return this.getTuple(config);
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const head = await this.reader.latest(threadId, checkpointPrefix(ns));
    if (!head || !this.readable(head.item)) return undefined;
    const { checkpointId } = parseCheckpointKey(head.item[this.table.sk]?.S ?? "");
    const wanted = taskIds.map((id) => taskWritesPrefix(ns, checkpointId, id));
    const writes = head.writes
      ? head.writes.filter((r) => wanted.some((p) => r[this.table.sk]?.S?.startsWith(p)))
      : (await Promise.all(wanted.map((p) => this.reader.rows(threadId, p)))).flat();
    const ctx = this.context(threadId, ns);
    return this.toTuple(ctx, checkpointId, head.item, writes, true, undefined, head.rows);
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { filter, before } = options;
    let { limit } = options;
    const threadId: string | undefined = config.configurable?.thread_id;
    const ns: string | undefined = config.configurable?.checkpoint_ns;
    const onlyId: string | undefined = config.configurable?.checkpoint_id;
    const beforeId: string | undefined = before?.configurable?.checkpoint_id;
    const groups =
      threadId !== undefined
        ? groupRows(this.reader.history(threadId, ns, beforeId), this.table.pk, this.table.sk)
        : groupRows(this.reader.scanAll(ns), this.table.pk, this.table.sk);
    for await (const group of groups) {
      if (onlyId && group.checkpointId !== onlyId) continue;
      if (beforeId && !(group.checkpointId < beforeId)) continue;
      if (!this.readable(group.item)) continue;
      const metadata = await readMetadata(this.serde, group.item);
      if (filter && !matchesFilter(metadata, filter)) continue;
      if (limit !== undefined) {
        if (limit <= 0) return;
        limit -= 1;
      }
      const ctx = this.context(group.threadId, group.ns);
      yield await this.toTuple(ctx, group.checkpointId, group.item, group.writes, false, metadata);
    }
  }

  private async toTuple(
    ctx: StoreContext,
    checkpointId: string,
    item: Item,
    writeRows: Item[] | Promise<Item[]>,
    remember: boolean,
    metadata?: CheckpointMetadata,
    known?: Item[],
  ): Promise<CheckpointTuple> {
    const first = this.getNextVersion(undefined);
    const read = await this.reader.tuple(ctx, checkpointId, item, writeRows, first, metadata, known);
    this.refs.set(refsKey(ctx.threadId, ctx.ns, checkpointId), read.refs);
    // Only the thread's head is a useful base for the next put's deltas; history reads are not.
    if (remember) this.values.set(JSON.stringify([ctx.threadId, ctx.ns]), read.bytes);
    return read.tuple;
  }

  private async parentRefs(ctx: StoreContext, parentId: string): Promise<ChannelRefs> {
    const key = refsKey(ctx.threadId, ctx.ns, parentId);
    const cached = this.refs.get(key);
    if (cached) return cached;
    const item = await this.table.get(ctx.threadId, checkpointKey(ctx.ns, parentId), ["r"]);
    const refs = loadRefs(item?.r?.S);
    if (item) this.refs.set(key, refs);
    return refs;
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireThread(config, "put");
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const parentId: string | undefined = config.configurable?.checkpoint_id || undefined;
    const copy = copyCheckpoint(checkpoint);
    const ctx = this.context(threadId, ns);
    const parentRefs = parentId ? await this.parentRefs(ctx, parentId) : {};
    const cacheKey = JSON.stringify([threadId, ns]);
    const cached = this.values.get(cacheKey);
    const encoded = await encodeValues(ctx, this.serde, copy, newVersions, parentRefs, cached, this.codec);
    const { digests, requests, inline, fresh } = encoded;
    // Before the checkpoint item: it must never point at an item that expires before it does.
    const refs = await refreshCarried(ctx, encoded.refs);
    const committed = { requests, refs, digests, inline, parentId, metadata };
    await commitCheckpoint(ctx, this.serde, copy, committed, this.codec);
    this.refs.set(refsKey(threadId, ns, copy.id), refs);
    const values = cached ?? new Map<string, ChainedBytes>();
    for (const [channel, value] of fresh) values.set(channel, value);
    // The cached chains learn the refreshed TTLs too, so the next put does not refresh again.
    for (const [channel, value] of values) {
      const ref = refs[channel];
      if (ref && sameChain(value.segments, ref.segments))
        values.set(channel, { ...value, segments: ref.segments });
    }
    this.values.set(cacheKey, values);
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: copy.id } };
  }

  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    const threadId = requireThread(config, "putWrites");
    const checkpointId: string | undefined = config.configurable?.checkpoint_id;
    if (!checkpointId) throw new CheckpointConfigError("putWrites needs configurable.checkpoint_id.");
    const ctx = this.context(threadId, config.configurable?.checkpoint_ns ?? "");
    const items = await writeItems(ctx, this.serde, checkpointId, writes, taskId, taskPath ?? "", this.codec);
    const parts = items.flatMap((w) => w.parts);
    if (parts.length > 0) await this.table.batchWrite(parts.map((Item) => ({ PutRequest: { Item } })));
    await Promise.all(
      items.map(async (w) => {
        try {
          await this.table.put(w.head, w.firstWins);
        } catch (err) {
          // First write wins for regular writes, as in MemorySaver: a duplicate task keeps the original.
          if (!(w.firstWins && (err as Error)?.name === "ConditionalCheckFailedException")) throw err;
        }
      }),
    );
  }

  async deleteThread(threadId: string): Promise<void> {
    const keys = await this.reader.allKeys(threadId);
    await this.table.batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
    const ofThread = (key: string) => JSON.parse(key)[0] === threadId;
    this.refs.deleteWhere(ofThread);
    this.values.deleteWhere(ofThread);
  }
}

function requireThread(config: RunnableConfig, operation: string): string {
  const threadId = config.configurable?.thread_id;
  if (typeof threadId !== "string" || threadId === "") {
    throw new CheckpointConfigError(`${operation} needs configurable.thread_id (a non-empty string).`);
  }
  return threadId;
}

function refsKey(threadId: string, ns: string, checkpointId: string): string {
  return JSON.stringify([threadId, ns, checkpointId]);
}
