/**
 * Pending writes: one item per (task id, write index), as MemorySaver keys them. Regular writes
 * (index ≥ 0) are first-write-wins (conditional put), special writes (errors, interrupts, resume;
 * negative indices from WRITES_IDX_MAP) overwrite. Large values are chunked; chunk keys carry a
 * content hash so a losing duplicate can never overwrite the winner's chunks.
 */
import {
  type CheckpointPendingWrite,
  compareWritesSortKeys,
  type SerializerProtocol,
  WRITES_IDX_MAP,
  writesSortKey,
} from "@langchain/langgraph-checkpoint";
import { type CodecOptions, decodeBytes, encodeBytes } from "./codec.ts";
import { segmentHash } from "./delta.ts";
import { CheckpointCorruptError } from "./errors.ts";
import { partKey, writeKey } from "./keys.ts";
import type { Item } from "./table.ts";
import type { StoreContext } from "./values.ts";

export interface WriteItems {
  /** The write's own item; conditional when `firstWins`. */
  readonly head: Item;
  /** Chunks 2..n, written before the head. */
  readonly parts: Item[];
  readonly firstWins: boolean;
}

/**
 * Serializes one task's writes into items.
 *
 * @example
 * const items = await writeItems(ctx, serde, "ck1", [["messages", msg]], "task-1", "~__pregel_pull, agent", codec);
 */
export async function writeItems(
  ctx: StoreContext,
  serde: SerializerProtocol,
  checkpointId: string,
  writes: readonly [string, unknown][],
  taskId: string,
  taskPath: string,
  codec: CodecOptions,
): Promise<WriteItems[]> {
  return Promise.all(
    writes.map(async ([channel, value], i) => {
      const idx = WRITES_IDX_MAP[channel] || i;
      const [type, bytes] = await serde.dumpsTyped(value);
      const encoded = encodeBytes(bytes, codec);
      const sk = writeKey(ctx.ns, checkpointId, taskId, idx);
      const hash = encoded.parts.length > 1 ? segmentHash(type, idx, bytes) : undefined;
      const head: Item = {
        ...ctx.table.key(ctx.threadId, sk),
        k: { S: "w" },
        ti: { S: taskId },
        ix: { N: String(idx) },
        ch: { S: channel },
        t: { S: type },
        v: { B: encoded.parts[0] as Uint8Array },
        ...ctx.ttl,
      };
      if (encoded.encoding !== "raw") head.e = { S: encoded.encoding };
      if (hash) Object.assign(head, { n: { N: String(encoded.parts.length) }, h: { S: hash } });
      if (taskPath) head.tp = { S: taskPath };
      const parts = encoded.parts.slice(1).map((part, j) => ({
        ...ctx.table.key(ctx.threadId, partKey(sk, hash, j + 1)),
        k: { S: "p" },
        v: { B: part },
        ...ctx.ttl,
      }));
      return { head, parts, firstWins: idx >= 0 };
    }),
  );
}

/** Decodes the write items of one checkpoint (heads and chunks, any order) in `writesSortKey` order. */
export async function readWrites(
  serde: SerializerProtocol,
  items: readonly Item[],
  sortKeyName: string,
): Promise<CheckpointPendingWrite[]> {
  const bySk = new Map(items.map((item) => [item[sortKeyName]?.S ?? "", item]));
  const heads = items.filter((item) => item.k?.S === "w");
  const decoded = await Promise.all(
    heads.map(async (head) => {
      const sk = head[sortKeyName]?.S ?? "";
      const n = Number(head.n?.N ?? "1");
      const parts = [head.v?.B ?? new Uint8Array(0)];
      for (let i = 1; i < n; i++) {
        const part = bySk.get(partKey(sk, head.h?.S, i))?.v?.B;
        if (!part) throw new CheckpointCorruptError(`Pending write ${sk} is missing chunk ${i}.`);
        parts.push(part);
      }
      const taskId = head.ti?.S ?? "";
      const channel = head.ch?.S ?? "";
      const value = await serde.loadsTyped(head.t?.S ?? "json", decodeBytes(head.e?.S ?? "raw", parts));
      const key = writesSortKey(head.tp?.S ?? "", taskId, Number(head.ix?.N ?? "0"));
      return { key, write: [taskId, channel, value] as CheckpointPendingWrite };
    }),
  );
  decoded.sort((a, b) => compareWritesSortKeys(a.key, b.key));
  return decoded.map((d) => d.write);
}
