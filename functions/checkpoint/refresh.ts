/**
 * Long threads never rot. A checkpoint carries unchanged channels (and the older segments of an
 * appended one) by reference to items written by earlier checkpoints, each with the TTL of its
 * own write. Left alone, those items expire while the newest checkpoint still lives, and the
 * thread reads as `CheckpointCorruptError`. So before a checkpoint item is written (the commit
 * point, record.ts), every item it refers to is made to live at least as long as it is readable:
 *
 *   write at t:  new checkpoint readable until t + ttl; every new item expires at t + ttl + slack
 *   carried item whose TTL < t + ttl  ─▶  UpdateItem: TTL = t + ttl + slack
 *
 * A segment's ref remembers the TTL last set on its items (`exp`), so a refresh costs nothing to
 * decide and happens at most once per `slack` per item: threads shorter than the slack never pay
 * one. An earlier checkpoint item kept alive only because it holds an inline segment is past its
 * own readable time (`u`), and reads skip it (saver.ts `readable`).
 */
import { CheckpointCorruptError } from "./errors.ts";
import { type StoreContext, segmentHosts } from "./segments.ts";
import type { ChannelRefs } from "./types.ts";

/** Items refreshed in parallel at most: a refresh is rare, a burst of them should not throttle. */
const WIDTH = 16;

/**
 * Pushes forward the TTL of every item `refs` points at that would expire before the new
 * checkpoint stops being readable; returns the refs with the new TTLs recorded. A carried item
 * that is already gone fails the write: the checkpoint would point at nothing.
 *
 * @example
 * const live = await refreshCarried(ctx, refs); // then commitCheckpoint(ctx, ..., { refs: live, ... })
 */
export async function refreshCarried(ctx: StoreContext, refs: ChannelRefs): Promise<ChannelRefs> {
  const life = ctx.life;
  if (!life) return refs;
  const due = new Map<string, string>();
  for (const [channel, ref] of Object.entries(refs)) {
    for (const seg of ref.segments) {
      if ((seg.exp ?? 0) >= life.readableUntil) continue;
      for (const sk of segmentHosts(ctx.ns, channel, seg)) due.set(sk, channel);
    }
  }
  if (due.size === 0) return refs;
  const keys = [...due.keys()];
  for (let i = 0; i < keys.length; i += WIDTH) {
    await Promise.all(
      keys.slice(i, i + WIDTH).map(async (sk) => {
        if (await ctx.table.setNumber(ctx.threadId, sk, life.attribute, life.expiresAt)) return;
        throw new CheckpointCorruptError(
          `Thread "${ctx.threadId}": item ${sk} carrying channel "${due.get(sk)}" is missing (expired or deleted).`,
        );
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(refs).map(([channel, ref]) => [
      channel,
      {
        ...ref,
        segments: ref.segments.map((seg) =>
          (seg.exp ?? 0) >= life.readableUntil ? seg : { ...seg, exp: life.expiresAt },
        ),
      },
    ]),
  );
}
