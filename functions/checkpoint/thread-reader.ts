/** The saver's reads of one thread's partition: checkpoints, writes, channel values, keys. */
import type { QueryCommandInput } from "@aws-sdk/client-dynamodb";
import {
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  maxChannelVersion,
  type SerializerProtocol,
  TASKS,
} from "@langchain/langgraph-checkpoint";
import type { ChainedBytes } from "./delta.ts";
import { checkpointPrefix, writesPrefix } from "./keys.ts";
import { groupOf, sortLikeQuery } from "./listing.ts";
import { readCheckpointItem, readMetadata } from "./record.ts";
import { assembleChannels, type StoreContext, segmentSortKeys } from "./segments.ts";
import type { Item, Table } from "./table.ts";
import type { ChannelRefs } from "./types.ts";
import { readWrites } from "./writes.ts";

export class ThreadReader {
  constructor(
    private readonly table: Table,
    private readonly serde: () => SerializerProtocol,
  ) {}

  private keyQuery(threadId: string, condition: string, values: Record<string, string>) {
    return {
      KeyConditionExpression: `#pk = :pk${condition ? ` AND ${condition}` : ""}`,
      ExpressionAttributeNames: { "#pk": this.table.pk, ...(condition ? { "#sk": this.table.sk } : {}) },
      ExpressionAttributeValues: {
        ":pk": { S: threadId },
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { S: v }])),
      },
    } satisfies Omit<QueryCommandInput, "TableName">;
  }

  /** Every row under a sort-key prefix. */
  async rows(threadId: string, prefix: string): Promise<Item[]> {
    const rows: Item[] = [];
    for await (const page of this.table.query(
      this.keyQuery(threadId, "begins_with(#sk, :p)", { ":p": prefix }),
    ))
      rows.push(...page);
    return rows;
  }

  /**
   * The newest checkpoint item under `prefix`, by one newest-first Query. The page is a few rows
   * long (`window`): past the checkpoint item come its own writes (complete when another group
   * follows or the rows end) and the previous checkpoints, whose inline segments the latest
   * value usually needs — so a typical load is this Query plus one BatchGetItem, or nothing more.
   */
  async latest(
    threadId: string,
    prefix: string,
    window = 4,
  ): Promise<{ item: Item; writes: Item[] | undefined; rows: Item[] } | undefined> {
    const query = {
      ...this.keyQuery(threadId, "begins_with(#sk, :p)", { ":p": prefix }),
      ScanIndexForward: false,
    };
    const rows: Item[] = [];
    for await (const page of this.table.query({ ...query, Limit: window })) {
      rows.push(...page);
      break;
    }
    const item = rows[0];
    if (item?.k?.S === "c") {
      const group = groupOf(item[this.table.sk]?.S ?? "");
      const after = rows.slice(1);
      const end = after.findIndex((r) => groupOf(r[this.table.sk]?.S ?? "") !== group);
      const complete = end >= 0 || rows.length < window;
      return { item, writes: complete ? after.slice(0, end >= 0 ? end : after.length) : undefined, rows };
    }
    if (!item) return undefined;
    // Writes stored for a checkpoint newer than any checkpoint item: skip them the slow way.
    for await (const page of this.table.query(query)) {
      const found = page.find((r) => r.k?.S === "c");
      if (found) return { item: found, writes: undefined, rows: [] };
    }
    return undefined;
  }

  /** Checkpoint and write rows of a thread, newest first; `before` narrows the key range when `ns` is known. */
  history(threadId: string, ns: string | undefined, beforeId: string | undefined): AsyncGenerator<Item[]> {
    const query =
      ns !== undefined && beforeId
        ? this.keyQuery(threadId, "#sk BETWEEN :lo AND :hi", {
            ":lo": checkpointPrefix(ns),
            ":hi": `${checkpointPrefix(ns)}${encodeURIComponent(beforeId)}`,
          })
        : this.keyQuery(threadId, "begins_with(#sk, :p)", { ":p": checkpointPrefix(ns) });
    return this.table.query({ ...query, ScanIndexForward: false });
  }

  /** Checkpoint rows of every thread (a Scan: `list` without a thread id is an admin tool), Query-ordered. */
  async *scanAll(ns: string | undefined): AsyncGenerator<Item[]> {
    const rows: Item[] = [];
    for await (const page of this.table.scan({
      FilterExpression: "begins_with(#sk, :prefix)",
      ExpressionAttributeNames: { "#sk": this.table.sk },
      ExpressionAttributeValues: { ":prefix": { S: checkpointPrefix(ns) } },
    }))
      rows.push(...page);
    yield sortLikeQuery(rows, this.table.pk, this.table.sk);
  }

  /** Every key of a thread, for deletion. */
  async allKeys(threadId: string): Promise<Item[]> {
    const keys: Item[] = [];
    const query = this.keyQuery(threadId, "", {});
    const projection = {
      ProjectionExpression: "#pk, #sk",
      ExpressionAttributeNames: { "#pk": this.table.pk, "#sk": this.table.sk },
    };
    for await (const page of this.table.query({ ...query, ...projection })) {
      for (const row of page) keys.push(this.table.key(threadId, row[this.table.sk]?.S ?? ""));
    }
    return keys;
  }

  /**
   * Channel values of a checkpoint: one BatchGetItem for every segment of every channel, less
   * those inline in items the caller already holds (the checkpoint item itself, usually).
   */
  async values(
    ctx: StoreContext,
    refs: ChannelRefs,
    known: readonly Item[],
  ): Promise<{ values: Record<string, unknown>; bytes: Map<string, ChainedBytes> }> {
    const bySk = new Map(known.map((r) => [r[this.table.sk]?.S ?? "", r]));
    const missing = [...segmentSortKeys(ctx.ns, refs)].filter((sk) => !bySk.has(sk));
    const rows =
      missing.length > 0
        ? await this.table.batchGet(missing.map((sk) => this.table.key(ctx.threadId, sk)))
        : [];
    for (const row of rows) bySk.set(row[this.table.sk]?.S ?? "", row);
    const bytes = assembleChannels(ctx, refs, bySk);
    const values: Record<string, unknown> = {};
    await Promise.all(
      [...bytes].map(async ([channel, chained]) => {
        values[channel] = await this.serde().loadsTyped(chained.type, chained.bytes);
      }),
    );
    return { values, bytes };
  }

  /**
   * The tuple of a checkpoint item: its values (one BatchGetItem), metadata and pending writes
   * (`writeRows`, possibly still being queried), with the refs and bytes for the saver's cache.
   */
  async tuple(
    ctx: StoreContext,
    checkpointId: string,
    item: Item,
    writeRows: Item[] | Promise<Item[]>,
    firstVersion: number | string,
    metadata?: CheckpointMetadata,
    known: readonly Item[] = [],
  ): Promise<{ tuple: CheckpointTuple; refs: ChannelRefs; bytes: Map<string, ChainedBytes> }> {
    const serde = this.serde();
    const stored = await readCheckpointItem(serde, item);
    const [channels, meta, pendingWrites] = await Promise.all([
      this.values(ctx, stored.refs, [item, ...known]),
      metadata ?? readMetadata(serde, item),
      Promise.resolve(writeRows).then((rows) => this.writes(rows)),
    ]);
    const checkpoint: Checkpoint = { ...stored.checkpoint, channel_values: channels.values };
    if (checkpoint.v < 4 && stored.parentId) {
      await this.migratePendingSends(ctx, checkpoint, stored.parentId, firstVersion);
    }
    const configurable = { thread_id: ctx.threadId, checkpoint_ns: ctx.ns };
    const tuple: CheckpointTuple = {
      config: { configurable: { ...configurable, checkpoint_id: checkpointId } },
      checkpoint,
      metadata: meta,
      pendingWrites,
    };
    if (stored.parentId)
      tuple.parentConfig = { configurable: { ...configurable, checkpoint_id: stored.parentId } };
    return { tuple, refs: stored.refs, bytes: channels.bytes };
  }

  writes(rows: readonly Item[]): Promise<CheckpointPendingWrite[]> {
    return readWrites(this.serde(), rows, this.table.sk);
  }

  /**
   * Checkpoints before format v4 kept pending sends as writes to TASKS on their parent; v4 keeps
   * them in the TASKS channel. Migrated on read, as MemorySaver does.
   */
  async migratePendingSends(
    ctx: StoreContext,
    checkpoint: Checkpoint,
    parentId: string,
    firstVersion: number | string,
  ): Promise<void> {
    const writes = await this.writes(await this.rows(ctx.threadId, writesPrefix(ctx.ns, parentId)));
    checkpoint.channel_values[TASKS] = writes.filter(([, ch]) => ch === TASKS).map(([, , v]) => v);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : firstVersion;
  }
}
