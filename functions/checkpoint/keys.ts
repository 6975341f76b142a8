/**
 * Sort-key layout of the checkpoint table (partition key = thread id). One partition per thread
 * makes `deleteThread` and `list` across namespaces one Query; every name part is URI-encoded,
 * so `#` only ever separates.
 *
 *   c#<ns>#<checkpointId>#~                  checkpoint item (sorts after its writes, so the
 *                                            newest-first Query's first row is the latest checkpoint)
 *   c#<ns>#<checkpointId>#w#<task>#<idx>      pending write (idx < 0: special writes, WRITES_IDX_MAP)
 *   c#<ns>#<checkpointId>#w#<task>#<idx>#<hash>#<i>   its chunks 1..n-1 (content-addressed)
 *   s#<ns>#<channel>#<version>#<hash>         channel value segment (content-addressed)
 *   s#<ns>#<channel>#<version>#<hash>#<i>     its chunks 1..n-1
 */

import type { ChannelVersion } from "./types.ts";

const enc = encodeURIComponent;

/** Prefix of every checkpoint and write item of a namespace (all namespaces when `ns` is undefined). */
export function checkpointPrefix(ns?: string): string {
  return ns === undefined ? "c#" : `c#${enc(ns)}#`;
}

/** Prefix of one checkpoint's item and its writes. */
export function checkpointGroupPrefix(ns: string, checkpointId: string): string {
  return `c#${enc(ns)}#${enc(checkpointId)}#`;
}

export function checkpointKey(ns: string, checkpointId: string): string {
  return `${checkpointGroupPrefix(ns, checkpointId)}~`;
}

export function writesPrefix(ns: string, checkpointId: string): string {
  return `${checkpointGroupPrefix(ns, checkpointId)}w#`;
}

/** Prefix of one task's pending writes under a checkpoint. */
export function taskWritesPrefix(ns: string, checkpointId: string, taskId: string): string {
  return `${writesPrefix(ns, checkpointId)}${enc(taskId)}#`;
}

export function writeKey(ns: string, checkpointId: string, taskId: string, idx: number): string {
  return `${writesPrefix(ns, checkpointId)}${enc(taskId)}#${idx}`;
}

export function segmentKey(ns: string, channel: string, version: ChannelVersion, hash: string): string {
  return `s#${enc(ns)}#${enc(channel)}#${enc(String(version))}#${hash}`;
}

/** Key of chunk `i` (≥ 1) of a value whose first chunk is stored at `headKey`. */
export function partKey(headKey: string, hash: string | undefined, i: number): string {
  return hash === undefined ? `${headKey}#${i}` : `${headKey}#${hash}#${i}`;
}

/** Decodes the namespace and checkpoint id of a `c#` key. */
export function parseCheckpointKey(sk: string): { ns: string; checkpointId: string } {
  const [, ns = "", id = ""] = sk.split("#");
  return { ns: decodeURIComponent(ns), checkpointId: decodeURIComponent(id) };
}
