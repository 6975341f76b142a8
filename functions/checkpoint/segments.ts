/**
 * Where segments live and how they come back. A segment is stored either in items of its own
 * (`s#` keys: content-addressed by channel, version and hash, chunked when large) or, when small,
 * inline in the checkpoint item that introduced it (`at` = that checkpoint's id), so a typical
 * step is one PutItem. Either way a checkpoint only points at bytes its own writer chose, so two
 * writers can never overwrite each other's values.
 */
import type { WriteRequest } from "@aws-sdk/client-dynamodb";
import type { EncodedBytes } from "./codec.ts";
import { decodeBytes } from "./codec.ts";
import { type ChainedBytes, replaySegments } from "./delta.ts";
import { CheckpointCorruptError } from "./errors.ts";
import { checkpointKey, partKey, segmentKey } from "./keys.ts";
import type { Item, Table } from "./table.ts";
import type { ChannelRefs, ChannelVersion, Segment } from "./types.ts";

export interface StoreContext {
  readonly table: Table;
  readonly threadId: string;
  readonly ns: string;
  /** TTL attribute and value to stamp on every item, if any. */
  readonly ttl?: Item;
  /** The TTL clock of this write, when the table has TTL (see refresh.ts). */
  readonly life?: Lifetime;
}

/** When a write's checkpoint stops being readable and when its items expire (epoch seconds). */
export interface Lifetime {
  readonly attribute: string;
  /** The new checkpoint reads as absent from then on. */
  readonly readableUntil: number;
  /** Every item written now carries this TTL: `readableUntil` plus the slack. */
  readonly expiresAt: number;
}

/** Name of an inline segment in the checkpoint item's `x` map: the hash, plus the encoding. */
export const inlineName = (hash: string, encoding: string) =>
  encoding === "raw" ? hash : `${hash}.${encoding}`;

/** Items of a segment stored on its own: head (with the encoding) and chunks. */
export function segmentItems(
  ctx: StoreContext,
  channel: string,
  seg: Segment,
  encoded: EncodedBytes,
): WriteRequest[] {
  const head = segmentKey(ctx.ns, channel, seg.version, seg.hash);
  return encoded.parts.map((part, i) => {
    const item: Item = {
      ...ctx.table.key(ctx.threadId, i === 0 ? head : partKey(head, undefined, i)),
      k: { S: i === 0 ? "s" : "p" },
      v: { B: part },
      ...ctx.ttl,
    };
    if (i === 0 && encoded.encoding !== "raw") item.e = { S: encoded.encoding };
    return { PutRequest: { Item: item } };
  });
}

/** Sort keys of the items holding one segment: its checkpoint item when inline, else its head and chunks. */
export function segmentHosts(ns: string, channel: string, seg: Segment): string[] {
  if (seg.at !== undefined) return [checkpointKey(ns, seg.at)];
  const head = segmentKey(ns, channel, seg.version, seg.hash);
  return Array.from({ length: seg.parts }, (_, i) => (i === 0 ? head : partKey(head, undefined, i)));
}

/** Sort keys of every item the refs need: segment heads and chunks, and checkpoint items holding inline ones. */
export function segmentSortKeys(ns: string, refs: ChannelRefs): Set<string> {
  const keys = new Set<string>();
  for (const [channel, ref] of Object.entries(refs)) {
    for (const seg of ref.segments) for (const sk of segmentHosts(ns, channel, seg)) keys.add(sk);
  }
  return keys;
}

function segmentBytes(
  ctx: StoreContext,
  channel: string,
  seg: Segment,
  bySk: ReadonlyMap<string, Item>,
): Uint8Array {
  const missing = (what: string) =>
    new CheckpointCorruptError(`Thread "${ctx.threadId}": ${what} of channel "${channel}" is missing.`);
  if (seg.at !== undefined) {
    const inline = bySk.get(checkpointKey(ctx.ns, seg.at))?.x?.M ?? {};
    const raw = inline[seg.hash]?.B;
    const br = inline[inlineName(seg.hash, "br")]?.B;
    if (raw) return raw;
    if (br) return decodeBytes("br", [br]);
    throw missing(`inline segment ${seg.hash} of checkpoint ${seg.at}`);
  }
  const head = segmentKey(ctx.ns, channel, seg.version, seg.hash);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < seg.parts; i++) {
    const part = bySk.get(i === 0 ? head : partKey(head, undefined, i))?.v?.B;
    if (!part) throw missing(`segment ${head} part ${i}`);
    parts.push(part);
  }
  return decodeBytes(bySk.get(head)?.e?.S ?? "raw", parts);
}

/** Reassembles each channel's bytes from fetched items (keyed by sort key). */
export function assembleChannels(
  ctx: StoreContext,
  refs: ChannelRefs,
  bySk: ReadonlyMap<string, Item>,
): Map<string, ChainedBytes> {
  const out = new Map<string, ChainedBytes>();
  for (const [channel, ref] of Object.entries(refs)) {
    const pieces = ref.segments.map((seg) => ({
      keep: seg.keep,
      bytes: segmentBytes(ctx, channel, seg, bySk),
    }));
    out.set(channel, { type: ref.type, segments: ref.segments, bytes: replaySegments(pieces) });
  }
  return out;
}

type StoredSegment = [ChannelVersion, string, number, number, number, (string | null)?, number?];

/** Refs as stored on the checkpoint item: compact positional JSON. */
export function dumpRefs(refs: ChannelRefs): string {
  const segs = (ss: readonly Segment[]) =>
    ss.map((s): StoredSegment => {
      const row: StoredSegment = [s.version, s.hash, s.parts, s.keep, s.size];
      if (s.at !== undefined || s.exp !== undefined) row.push(s.at ?? null);
      if (s.exp !== undefined) row.push(s.exp);
      return row;
    });
  return JSON.stringify(
    Object.fromEntries(Object.entries(refs).map(([ch, r]) => [ch, [r.version, r.type, segs(r.segments)]])),
  );
}

export function loadRefs(json: string | undefined): ChannelRefs {
  if (!json) return {};
  const raw = JSON.parse(json) as Record<string, [ChannelVersion, string, StoredSegment[]]>;
  return Object.fromEntries(
    Object.entries(raw).map(([ch, [version, type, segs]]) => [
      ch,
      {
        version,
        type,
        segments: segs.map(([v, hash, parts, keep, size, at, exp]) => ({
          version: v,
          hash,
          parts,
          keep,
          size,
          ...(typeof at === "string" ? { at } : {}),
          ...(exp !== undefined ? { exp } : {}),
        })),
      },
    ]),
  );
}

/** True when two chains are the same stored segments (so cached bytes are a valid delta base). */
export function sameChain(a: readonly Segment[], b: readonly Segment[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => s.hash === b[i]?.hash && s.keep === b[i]?.keep && s.version === b[i]?.version)
  );
}
