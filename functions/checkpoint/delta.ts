/**
 * Append deltas for channel values. A message list changes by a suffix, so storing it whole at
 * every version makes a thread's total writes grow with the square of its length. Instead each
 * version stores one *segment*: "keep the first `keep` bytes of the previous version, then append
 * these bytes". Detection is byte-level on the serialized value (the longest common prefix with
 * the previous version's bytes), so reconstruction is byte-exact for any serializer and any
 * value; an appended JSON array simply shares everything but its closing `]`.
 *
 * Chains stay short by size-tiered compaction (a binary counter): a new segment absorbs the tail
 * segments smaller than `ratio` × itself, and a chain at `maxSegments` absorbs its tail too. When
 * the whole chain is absorbed the new segment is a full snapshot (`keep = 0`). With a constant
 * append size d, a step writes d × O(log steps) bytes amortized, never the history, and a read
 * fetches at most `maxSegments` segments.
 */
import { createHash } from "node:crypto";
import type { Segment } from "./types.ts";

/** The bytes a chain reconstructs to, with the chain: the base a new version is diffed against. */
export interface ChainedBytes {
  readonly type: string;
  readonly segments: readonly Segment[];
  readonly bytes: Uint8Array;
}

export interface SegmentPlan {
  /** Leading segments of the base chain that stay as they are. */
  readonly kept: readonly Segment[];
  /** Bytes of the base (after `kept`) the new segment keeps; 0 makes it a snapshot. */
  readonly keep: number;
  /** The new segment's bytes. */
  readonly bytes: Uint8Array;
}

export interface PlanOptions {
  readonly maxSegments: number;
  /** A tail segment smaller than `ratio` × the new segment is merged into it (default 2). */
  readonly ratio?: number;
}

/**
 * Plans how to store `full` (the new version's serialized bytes) given the previous version.
 * Returns `undefined` when the value did not change at all (nothing to write).
 *
 * @example
 * const plan = planSegments(previous, "json", bytes, { maxSegments: 8 });
 * // plan.keep > 0: only plan.bytes (what the step appended) is written
 */
export function planSegments(
  base: ChainedBytes | undefined,
  type: string,
  full: Uint8Array,
  options: PlanOptions,
): SegmentPlan | undefined {
  if (!base || base.type !== type || base.segments.length === 0) {
    return { kept: [], keep: 0, bytes: full };
  }
  if (base.bytes.length === full.length && Buffer.from(base.bytes).equals(full)) return undefined;
  const ratio = options.ratio ?? 2;
  const kept = base.segments.slice();
  let keep = commonPrefixLength(base.bytes, full);
  let size = full.length - keep;
  for (let last = kept.at(-1); last; last = kept.at(-1)) {
    if (last.size >= ratio * size && kept.length < options.maxSegments) break;
    kept.pop();
    keep = Math.min(keep, last.keep);
    size = full.length - keep;
  }
  return { kept, keep, bytes: full.subarray(keep) };
}

/**
 * Rebuilds a value's bytes from its segments' bytes, oldest first.
 *
 * @example
 * replaySegments([{ keep: 0, bytes: enc("[1]") }, { keep: 2, bytes: enc(",2]") }]); // "[1,2]"
 */
export function replaySegments(segments: readonly { keep: number; bytes: Uint8Array }[]): Uint8Array {
  let value: Uint8Array = new Uint8Array(0);
  for (const { keep, bytes } of segments) {
    value = keep === 0 ? bytes : Buffer.concat([value.subarray(0, keep), bytes]);
  }
  return value;
}

/** Length of the longest common prefix of two byte arrays. */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  // Fast path for appends: everything but the last byte of `a` matches, checked with memcmp.
  if (n > 1 && Buffer.compare(a.subarray(0, n - 1), b.subarray(0, n - 1)) === 0) {
    return a[n - 1] === b[n - 1] ? n : n - 1;
  }
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Content address of a segment: equal segments share one item, different ones never collide. */
export function segmentHash(type: string, keep: number, bytes: Uint8Array): string {
  return createHash("sha256").update(`${type}:${keep}:`).update(bytes).digest("base64url").slice(0, 16);
}
