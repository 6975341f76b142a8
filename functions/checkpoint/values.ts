/**
 * A checkpoint's channel values as refs: channels carried over point at their parent's segments,
 * changed channels (`newVersions` only) get one new segment each (see delta.ts). Small new
 * segments go inline into the checkpoint item, larger ones into items of their own.
 */
import { createHash } from "node:crypto";
import type { AttributeValue, WriteRequest } from "@aws-sdk/client-dynamodb";
import type { ChannelVersions, Checkpoint, SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { type CodecOptions, type EncodedBytes, encodeBytes } from "./codec.ts";
import { type ChainedBytes, planSegments, segmentHash } from "./delta.ts";
import { inlineName, type StoreContext, sameChain, segmentItems } from "./segments.ts";
import type { ChannelRefs, ChannelVersion, Segment, ValueDigest } from "./types.ts";

export type ValueOptions = CodecOptions & { maxSegments: number; inlineBytes: number };

interface NewSegment {
  readonly channel: string;
  readonly segment: Segment;
  readonly encoded: EncodedBytes;
}

export interface EncodedValues {
  readonly refs: ChannelRefs;
  /** Content identity of the checkpoint's values, for the checkpoint item's digest. */
  readonly digests: ValueDigest[];
  /** Segment items to write before the checkpoint item. */
  readonly requests: WriteRequest[];
  /** Segments stored inline in the checkpoint item (its `x` map). */
  readonly inline: Record<string, AttributeValue>;
  /** Full bytes of the channels written, to diff the next version against. */
  readonly fresh: Map<string, ChainedBytes>;
}

/**
 * Refs for every channel of `checkpoint`: the parent's for channels carried over at the same
 * version, new segments for the channels in `newVersions` (diffed against `cached` when those
 * bytes are exactly what the parent points at).
 *
 * @example
 * const { refs, requests, inline } = await encodeValues(ctx, serde, copy, newVersions, parentRefs, cached, opts);
 */
export async function encodeValues(
  ctx: StoreContext,
  serde: SerializerProtocol,
  checkpoint: Checkpoint,
  newVersions: ChannelVersions,
  parentRefs: ChannelRefs,
  cached: ReadonlyMap<string, ChainedBytes> | undefined,
  options: ValueOptions,
): Promise<EncodedValues> {
  const refs: ChannelRefs = {};
  const digests: ValueDigest[] = [];
  const fresh = new Map<string, ChainedBytes>();
  const created: NewSegment[] = [];
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
      // Cached bytes are a valid base only if they are exactly what the parent points at.
      const base =
        parentRef && previous && sameChain(previous.segments, parentRef.segments) ? previous : undefined;
      const plan = planSegments(base, type, bytes, options);
      let segments = base?.segments ?? [];
      if (plan) {
        const encoded = encodeBytes(plan.bytes, options);
        const hash = segmentHash(type, plan.keep, plan.bytes);
        const segment = {
          version,
          hash,
          parts: encoded.parts.length,
          keep: plan.keep,
          size: plan.bytes.length,
          ...(ctx.life ? { exp: ctx.life.expiresAt } : {}),
        };
        created.push({ channel, segment, encoded });
        segments = [...plan.kept, segment];
      }
      refs[channel] = { version, type, segments };
      fresh.set(channel, { type, segments, bytes });
      digests.push([channel, String(version), type, createHash("sha256").update(bytes).digest("base64url")]);
    }),
  );
  const { requests, inline } = place(ctx, checkpoint.id, created, refs, fresh, options.inlineBytes);
  return { refs, digests, requests, inline, fresh };
}

/** Smallest new segments inline (up to `budget` stored bytes), the rest as items of their own. */
function place(
  ctx: StoreContext,
  checkpointId: string,
  created: NewSegment[],
  refs: ChannelRefs,
  fresh: Map<string, ChainedBytes>,
  budget: number,
): { requests: WriteRequest[]; inline: Record<string, AttributeValue> } {
  const requests: WriteRequest[] = [];
  const inline: Record<string, AttributeValue> = {};
  let left = budget;
  for (const { channel, segment, encoded } of created.sort(
    (a, b) => a.encoded.storedBytes - b.encoded.storedBytes,
  )) {
    if (encoded.parts.length > 1 || encoded.storedBytes > left) {
      requests.push(...segmentItems(ctx, channel, segment, encoded));
      continue;
    }
    left -= encoded.storedBytes;
    inline[inlineName(segment.hash, encoded.encoding)] = { B: encoded.parts[0] as Uint8Array };
    const ref = refs[channel];
    const chained = fresh.get(channel);
    if (!ref || !chained) continue;
    const segments = [...ref.segments.slice(0, -1), { ...segment, at: checkpointId }];
    refs[channel] = { ...ref, segments };
    fresh.set(channel, { ...chained, segments });
  }
  return { requests, inline };
}
