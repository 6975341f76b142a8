/**
 * Pending writes. One `putWrites` call is one task's output: its regular writes are stored
 * together in one item keyed by (task id, first write index), first-write-wins (a conditional
 * put, as MemorySaver never overwrites a regular write), so a task costs one request however many
 * writes or `Send`s it made. Special writes (errors, interrupts, resume: negative indices from
 * WRITES_IDX_MAP) get an item each, keyed by their index, and overwrite. Big writes are
 * compressed and chunked; chunk keys carry a content hash so a losing duplicate can never
 * overwrite the winner's chunks.
 *
 * Packed value: u32 header length, header JSON [[channel, serde type, idx, bytes], ...], payloads.
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
import type { StoreContext } from "./segments.ts";
import type { Item } from "./table.ts";

interface Entry {
  readonly channel: string;
  readonly idx: number;
  readonly type: string;
  readonly bytes: Uint8Array;
}

export interface WriteItems {
  /** The item holding the writes; conditional when `firstWins`. */
  readonly head: Item;
  /** Chunks 2..n, written before the head. */
  readonly parts: Item[];
  readonly firstWins: boolean;
}

function pack(entries: readonly Entry[]): Uint8Array {
  const header = Buffer.from(JSON.stringify(entries.map((e) => [e.channel, e.type, e.idx, e.bytes.length])));
  const size = Buffer.alloc(4);
  size.writeUInt32BE(header.length);
  return Buffer.concat([size, header, ...entries.map((e) => e.bytes)]);
}

function unpack(blob: Uint8Array): Entry[] {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const headerEnd = 4 + buf.readUInt32BE(0);
  const header = JSON.parse(buf.subarray(4, headerEnd).toString("utf8")) as [
    string,
    string,
    number,
    number,
  ][];
  let at = headerEnd;
  return header.map(([channel, type, idx, length]) => {
    const bytes = buf.subarray(at, at + length);
    at += length;
    return { channel, type, idx, bytes };
  });
}

/**
 * Serializes one task's writes into items: one for the regular writes, one per special write.
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
  const entries = await Promise.all(
    writes.map(async ([channel, value], i): Promise<Entry> => {
      const [type, bytes] = await serde.dumpsTyped(value);
      return { channel, idx: WRITES_IDX_MAP[channel] || i, type, bytes };
    }),
  );
  const regular = entries.filter((e) => e.idx >= 0);
  const groups = [
    ...(regular.length > 0 ? [{ entries: regular, firstWins: true }] : []),
    ...entries.filter((e) => e.idx < 0).map((e) => ({ entries: [e], firstWins: false })),
  ];
  return groups.map(({ entries: group, firstWins }) => {
    const blob = pack(group);
    const encoded = encodeBytes(blob, codec);
    const sk = writeKey(ctx.ns, checkpointId, taskId, (group[0] as Entry).idx);
    const hash = encoded.parts.length > 1 ? segmentHash("writes", 0, blob) : undefined;
    const head: Item = {
      ...ctx.table.key(ctx.threadId, sk),
      k: { S: "w" },
      ti: { S: taskId },
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
    return { head, parts, firstWins };
  });
}

/** Decodes the write items of one checkpoint (heads and chunks, any order) in `writesSortKey` order. */
export async function readWrites(
  serde: SerializerProtocol,
  items: readonly Item[],
  sortKeyName: string,
): Promise<CheckpointPendingWrite[]> {
  const bySk = new Map(items.map((item) => [item[sortKeyName]?.S ?? "", item]));
  const decoded = await Promise.all(
    items
      .filter((item) => item.k?.S === "w")
      .flatMap((head) => {
        const sk = head[sortKeyName]?.S ?? "";
        const parts = [head.v?.B ?? new Uint8Array(0)];
        for (let i = 1; i < Number(head.n?.N ?? "1"); i++) {
          const part = bySk.get(partKey(sk, head.h?.S, i))?.v?.B;
          if (!part) throw new CheckpointCorruptError(`Pending write ${sk} is missing chunk ${i}.`);
          parts.push(part);
        }
        const taskId = head.ti?.S ?? "";
        return unpack(decodeBytes(head.e?.S ?? "raw", parts)).map(async (e) => ({
          key: writesSortKey(head.tp?.S ?? "", taskId, e.idx),
          write: [taskId, e.channel, await serde.loadsTyped(e.type, e.bytes)] as CheckpointPendingWrite,
        }));
      }),
  );
  decoded.sort((a, b) => compareWritesSortKeys(a.key, b.key));
  return decoded.map((d) => d.write);
}
