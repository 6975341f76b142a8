/**
 * Channel values as content-addressed segments (see delta.ts). A segment's key carries the
 * channel, the version that wrote it and a hash of its bytes, so equal content is written once
 * (idempotent retries) and two writers can never overwrite each other's values: a checkpoint
 * only ever points at bytes its own writer chose.
 */
import { createHash } from "node:crypto";
import type { WriteRequest } from "@aws-sdk/client-dynamodb";
import type { ChannelVersions, Checkpoint, SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { type CodecOptions, decodeBytes, encodeBytes } from "./codec.ts";
import { type ChainedBytes, planSegments, replaySegments, segmentHash } from "./delta.ts";
import { CheckpointCorruptError } from "./errors.ts";
import { partKey, segmentKey } from "./keys.ts";
import type { Item, Table } from "./table.ts";
import type { ChannelRef, ChannelRefs, ChannelVersion, Segment, ValueDigest } from "./types.ts";

export interface StoreContext {
  readonly table: Table;
  readonly threadId: string;
  readonly ns: string;
  /** TTL attribute and value to stamp on every item, if any. */
  readonly ttl?: Item;
}

export interface EncodedChannel {
  readonly ref: ChannelRef;
  readonly bytes: Uint8Array;
  /** Items to write before the checkpoint item (none when the value did not change). */
  readonly requests: WriteRequest[];
}

/**
 * Plans and encodes one changed channel against `base` (the previous version, when known).
 *
 * @example
 * const { ref, requests } = encodeChannel(ctx, "messages", 7, "json", bytes, base, opts);
 */
export function encodeChannel(
  ctx: StoreContext,
  channel: string,
  version: ChannelVersion,
  type: string,
  bytes: Uint8Array,
  base: ChainedBytes | undefined,
  options: CodecOptions & { maxSegments: number },
): EncodedChannel {
  const plan = planSegments(base, type, bytes, options);
  if (!plan && base) return { ref: { version, type, segments: base.segments }, bytes, requests: [] };
  const { kept, keep, bytes: remainder } = plan ?? { kept: [], keep: 0, bytes };
  const hash = segmentHash(type, keep, remainder);
  const encoded = encodeBytes(remainder, options);
  const segment: Segment = { version, hash, parts: encoded.parts.length, keep, size: remainder.length };
  const head = segmentKey(ctx.ns, channel, version, hash);
  const requests = encoded.parts.map((part, i) => {
    const item: Item = {
      ...ctx.table.key(ctx.threadId, i === 0 ? head : partKey(head, undefined, i)),
      k: { S: i === 0 ? "s" : "p" },
      v: { B: part },
      ...ctx.ttl,
    };
    if (i === 0 && encoded.encoding !== "raw") item.e = { S: encoded.encoding };
    return { PutRequest: { Item: item } };
  });
  return { ref: { version, type, segments: [...kept, segment] }, bytes, requests };
}

/** Every item key the refs need: each segment's head and its chunks. */
export function segmentKeys(ctx: StoreContext, refs: ChannelRefs): Item[] {
  const keys: Item[] = [];
  const seen = new Set<string>();
  for (const [channel, ref] of Object.entries(refs)) {
    for (const seg of ref.segments) {
      const head = segmentKey(ctx.ns, channel, seg.version, seg.hash);
      for (let i = 0; i < seg.parts; i++) {
        const sk = i === 0 ? head : partKey(head, undefined, i);
        if (seen.has(sk)) continue;
        seen.add(sk);
        keys.push(ctx.table.key(ctx.threadId, sk));
      }
    }
  }
  return keys;
}

/** Reassembles each channel's bytes from fetched segment items (keyed by sort key). */
export function assembleChannels(
  ctx: StoreContext,
  refs: ChannelRefs,
  bySk: ReadonlyMap<string, Item>,
): Map<string, ChainedBytes> {
  const out = new Map<string, ChainedBytes>();
  for (const [channel, ref] of Object.entries(refs)) {
    const pieces = ref.segments.map((seg) => {
      const head = segmentKey(ctx.ns, channel, seg.version, seg.hash);
      const parts: Uint8Array[] = [];
      let encoding = "raw";
      for (let i = 0; i < seg.parts; i++) {
        const item = bySk.get(i === 0 ? head : partKey(head, undefined, i));
        if (!item?.v?.B) {
          throw new CheckpointCorruptError(
            `Thread "${ctx.threadId}": segment ${head} part ${i} of channel "${channel}" is missing.`,
          );
        }
        if (i === 0 && item.e?.S) encoding = item.e.S;
        parts.push(item.v.B);
      }
      return { keep: seg.keep, bytes: decodeBytes(encoding, parts) };
    });
    out.set(channel, { type: ref.type, segments: ref.segments, bytes: replaySegments(pieces) });
  }
  return out;
}

/** Refs as stored on the checkpoint item: compact positional JSON. */
export function dumpRefs(refs: ChannelRefs): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(refs).map(([ch, r]) => [
        ch,
        [r.version, r.type, r.segments.map((s) => [s.version, s.hash, s.parts, s.keep, s.size])],
      ]),
    ),
  );
}

export function loadRefs(json: string | undefined): ChannelRefs {
  if (!json) return {};
  const raw = JSON.parse(json) as Record<
    string,
    [ChannelVersion, string, [ChannelVersion, string, number, number, number][]]
  >;
  return Object.fromEntries(
    Object.entries(raw).map(([ch, [version, type, segs]]) => [
      ch,
      {
        version,
        type,
        segments: segs.map(([v, hash, parts, keep, size]) => ({ version: v, hash, parts, keep, size })),
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

export interface EncodedValues {
  readonly refs: ChannelRefs;
  /** Content identity of the checkpoint's values, for the checkpoint item's digest. */
  readonly digests: ValueDigest[];
  readonly requests: WriteRequest[];
  /** Full bytes of the channels written, to diff the next version against. */
  readonly fresh: Map<string, ChainedBytes>;
}

/**
 * Refs for every channel of `checkpoint`: the parent's for channels carried over at the same
 * version, new segments for the channels in `newVersions` (diffed against `cached` when those
 * bytes are exactly what the parent points at).
 *
 * @example
 * const { refs, requests } = await encodeValues(ctx, serde, copy, newVersions, parentRefs, cached, opts);
 */
export async function encodeValues(
  ctx: StoreContext,
  serde: SerializerProtocol,
  checkpoint: Checkpoint,
  newVersions: ChannelVersions,
  parentRefs: ChannelRefs,
  cached: ReadonlyMap<string, ChainedBytes> | undefined,
  options: CodecOptions & { maxSegments: number },
): Promise<EncodedValues> {
  const refs: ChannelRefs = {};
  const digests: ValueDigest[] = [];
  const requests: WriteRequest[] = [];
  const fresh = new Map<string, ChainedBytes>();
  for (const [channel, version] of Object.entries(checkpoint.channel_versions)) {
    const carried = parentRefs[channel];
    if (channel in newVersions || !carried || carried.version !== version) continue;
    refs[channel] = carried;
    digests.push([channel, String(version), carried.type, "carried"]);
  }
  const changed = Object.keys(newVersions).filter((ch) => ch in checkpoint.channel_values);
  await Promise.all(
    changed.map(async (channel) => {
      const version = checkpoint.channel_versions[channel] ?? (newVersions[channel] as ChannelVersion);
      const [type, bytes] = await serde.dumpsTyped(checkpoint.channel_values[channel]);
      const parentRef = parentRefs[channel];
      const previous = cached?.get(channel);
      const base =
        parentRef && previous && sameChain(previous.segments, parentRef.segments) ? previous : undefined;
      const encoded = encodeChannel(ctx, channel, version, type, bytes, base, options);
      refs[channel] = encoded.ref;
      requests.push(...encoded.requests);
      fresh.set(channel, { type, segments: encoded.ref.segments, bytes });
      digests.push([channel, String(version), type, createHash("sha256").update(bytes).digest("base64url")]);
    }),
  );
  return { refs, digests, requests, fresh };
}
