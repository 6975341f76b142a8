/**
 * The checkpoint item: the checkpoint without its channel values (those live in segments),
 * the metadata, the parent id, the channel refs, and a digest that tells an idempotent replay
 * of the same put from a different checkpoint written under the same id.
 */
import { createHash } from "node:crypto";
import type { AttributeValue, WriteRequest } from "@aws-sdk/client-dynamodb";
import type { Checkpoint, CheckpointMetadata, SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { type CodecOptions, decodeBytes, encodeBytes } from "./codec.ts";
import { CheckpointConflictError, CheckpointError } from "./errors.ts";
import { checkpointKey } from "./keys.ts";
import { dumpRefs, loadRefs, type StoreContext } from "./segments.ts";
import type { Item } from "./table.ts";
import type { ChannelRefs, ValueDigest } from "./types.ts";

/** Builds the checkpoint item for `checkpoint` (whose `channel_values` live in segments). */
async function checkpointItem(
  ctx: StoreContext,
  serde: SerializerProtocol,
  checkpoint: Checkpoint,
  write: CheckpointWrite,
  codec: CodecOptions,
): Promise<{ item: Item; digest: string }> {
  const { channel_values: _values, ...rest } = checkpoint;
  const [[ct, cBytes], [mt, mBytes]] = await Promise.all([
    serde.dumpsTyped(rest),
    serde.dumpsTyped(write.metadata),
  ]);
  const whole = { ...codec, chunkBytes: Number.MAX_SAFE_INTEGER };
  const c = encodeBytes(cBytes, whole);
  const m = encodeBytes(mBytes, whole);
  if (c.storedBytes + m.storedBytes > codec.chunkBytes) {
    throw new CheckpointError(
      "Switchyard.CheckpointTooLarge",
      `Checkpoint ${checkpoint.id} is too large for one item even compressed.`,
    );
  }
  const hash = createHash("sha256")
    .update(cBytes)
    .update("\0")
    .update(mBytes)
    .update(`\0${write.parentId ?? ""}\0`);
  for (const v of [...write.digests].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    hash.update(v.join("\0")).update("\0");
  const digest = hash.digest("base64url").slice(0, 22);
  const item: Item = {
    ...ctx.table.key(ctx.threadId, checkpointKey(ctx.ns, checkpoint.id)),
    k: { S: "c" },
    ct: { S: ct },
    c: { B: c.parts[0] as Uint8Array },
    mt: { S: mt },
    m: { B: m.parts[0] as Uint8Array },
    r: { S: dumpRefs(write.refs) },
    d: { S: digest },
    ...ctx.ttl,
    // Readable until: the item itself may live longer, holding inline values later checkpoints carry.
    ...(ctx.life ? { u: { N: String(ctx.life.readableUntil) } } : {}),
  };
  if (c.encoding !== "raw") item.ce = { S: c.encoding };
  if (m.encoding !== "raw") item.me = { S: m.encoding };
  if (write.parentId) item.p = { S: write.parentId };
  if (Object.keys(write.inline).length > 0) item.x = { M: write.inline };
  return { item, digest };
}

export interface StoredCheckpoint {
  readonly checkpoint: Omit<Checkpoint, "channel_values">;
  readonly parentId: string | undefined;
  readonly refs: ChannelRefs;
}

/** Decodes a checkpoint item, all but its metadata. */
export async function readCheckpointItem(serde: SerializerProtocol, item: Item): Promise<StoredCheckpoint> {
  const bytes = decodeBytes(item.ce?.S ?? "raw", [item.c?.B ?? new Uint8Array(0)]);
  return {
    checkpoint: await serde.loadsTyped(item.ct?.S ?? "json", bytes),
    parentId: item.p?.S,
    refs: loadRefs(item.r?.S),
  };
}

export async function readMetadata(serde: SerializerProtocol, item: Item): Promise<CheckpointMetadata> {
  return serde.loadsTyped(
    item.mt?.S ?? "json",
    decodeBytes(item.me?.S ?? "raw", [item.m?.B ?? new Uint8Array(0)]),
  );
}

export interface CheckpointWrite {
  readonly requests: WriteRequest[];
  readonly refs: ChannelRefs;
  readonly digests: ValueDigest[];
  /** Small segments stored in the checkpoint item itself. */
  readonly inline: Record<string, AttributeValue>;
  readonly parentId: string | undefined;
  readonly metadata: CheckpointMetadata;
}

/**
 * Writes the value segments, then the checkpoint item last and conditionally, so a reader never
 * sees a checkpoint whose values are missing and no writer overwrites another's checkpoint.
 * The same id already stored with the same digest is an idempotent replay (a retried put);
 * with another digest it is a lost race: {@link CheckpointConflictError}.
 *
 * @example
 * await commitCheckpoint(ctx, serde, copy, { requests, refs, digests, inline, parentId, metadata }, codec);
 */
export async function commitCheckpoint(
  ctx: StoreContext,
  serde: SerializerProtocol,
  checkpoint: Checkpoint,
  write: CheckpointWrite,
  codec: CodecOptions,
): Promise<void> {
  if (write.requests.length > 0) await ctx.table.batchWrite(write.requests);
  const { item, digest } = await checkpointItem(ctx, serde, checkpoint, write, codec);
  try {
    await ctx.table.put(item, true);
  } catch (err) {
    if ((err as Error)?.name !== "ConditionalCheckFailedException") throw err;
    const existing = await ctx.table.get(ctx.threadId, checkpointKey(ctx.ns, checkpoint.id), ["d"]);
    if (existing?.d?.S !== digest) {
      throw new CheckpointConflictError(ctx.threadId, ctx.ns, checkpoint.id, { cause: err });
    }
  }
}
