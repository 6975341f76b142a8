import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SerializerProtocol } from "@langchain/langgraph-checkpoint";
import type { RetryPolicy } from "#core";

/** A channel version as LangGraph hands it over (integers by default). */
export type ChannelVersion = number | string;

export interface DynamoDBSaverOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * Days a checkpoint stays readable after its write (default 30; `0` = no TTL attribute). Past
   * that it reads as absent, and DynamoDB TTL removes its items `ttlSlackDays` later.
   */
  readonly ttlDays?: number;
  /**
   * Days every item outlives the checkpoint that wrote it (default `ttlDays / 4`). A value carried
   * by later checkpoints has its items' TTL pushed forward when they would expire before the new
   * checkpoint does, so one item is refreshed at most once per this many days (see refresh.ts).
   */
  readonly ttlSlackDays?: number;
  /** Key and TTL attribute names; default from the shared resource module (`pk`, `sk`, `expiresAt`). */
  readonly partitionKey?: string;
  readonly sortKey?: string;
  readonly ttlAttribute?: string;
  /** LangGraph serializer; default `JsonPlusSerializer`, which revives message classes. */
  readonly serde?: SerializerProtocol;
  /** Most segments (snapshot + deltas) one channel value may span, bounding reads (default 8). */
  readonly maxSegments?: number;
  /** Values at least this big are compressed with brotli when that saves ≥ 10 % (default 1,024 B). */
  readonly compressAboveBytes?: number;
  /** New segments up to this many stored bytes in all go inline into the checkpoint item (default 16,384). */
  readonly inlineBytes?: number;
  /** Stored bytes per item before a value is chunked (default 350,000; the item limit is 400 KB). */
  readonly chunkBytes?: number;
  /** Threads whose latest channel bytes are kept in memory to compute append deltas (default 64). */
  readonly cacheThreads?: number;
  readonly retry?: RetryPolicy;
  /** Clock for TTL, injectable in tests (ms since epoch). */
  readonly now?: () => number;
}

/**
 * Cost counters, as DynamoDB bills them: `writeUnits` = Σ ⌈item KB⌉ per written item,
 * `readUnits` = strongly consistent units (⌈4 KB⌉ per item, per Query page for Query).
 */
export interface CheckpointStats {
  readRequests: number;
  writeRequests: number;
  itemsRead: number;
  itemsWritten: number;
  bytesRead: number;
  bytesWritten: number;
  readUnits: number;
  writeUnits: number;
  /** Requests resent after a throttle or unprocessed items. */
  retries: number;
}

/**
 * One stored piece of a channel value: the value at `version` is the previous segment chain's
 * bytes cut at `keep`, followed by this segment's bytes. A snapshot is a segment with `keep = 0`.
 */
export interface Segment {
  readonly version: ChannelVersion;
  readonly hash: string;
  /** Items the segment's stored bytes are chunked across (1 unless over `chunkBytes`). */
  readonly parts: number;
  readonly keep: number;
  /** Raw (uncompressed) bytes of this segment. */
  readonly size: number;
  /** Set when the segment is stored inline in this checkpoint's item instead of items of its own. */
  readonly at?: string;
  /**
   * TTL (epoch seconds) of the items holding the segment, as last written by this thread's saver;
   * absent when unknown (stored before TTLs were tracked), which counts as due for a refresh.
   */
  readonly exp?: number;
}

/** Where a channel's value at one version lives: its serde type and the segment chain. */
export interface ChannelRef {
  readonly version: ChannelVersion;
  readonly type: string;
  readonly segments: readonly Segment[];
}

export type ChannelRefs = Record<string, ChannelRef>;

/** What identifies a checkpoint's values: each channel's full bytes by hash, not its segments. */
export type ValueDigest = [channel: string, version: string, type: string, sha: string];
