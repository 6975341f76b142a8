/**
 * `switchyard/checkpoint` (Lambda code imports `#checkpoint`): the DynamoDB checkpoint saver,
 * its errors, and the building blocks it is made of (codec, append deltas, retry), exported for
 * tests and for tools that inspect stored checkpoints.
 *
 * @example
 * import { DynamoDBSaver } from "switchyard/checkpoint";
 * const checkpointer = DynamoDBSaver.fromEnv();
 */
export { decodeBytes, type EncodedBytes, type Encoding, encodeBytes } from "./codec.ts";
export {
  type ChainedBytes,
  commonPrefixLength,
  planSegments,
  replaySegments,
  type SegmentPlan,
  segmentHash,
} from "./delta.ts";
export {
  CheckpointConfigError,
  CheckpointConflictError,
  CheckpointCorruptError,
  CheckpointError,
  CheckpointStorageError,
} from "./errors.ts";
export { type FromEnvOptions, saverOptionsFromEnv } from "./from-env.ts";
export {
  LEASE_SORT_KEY,
  type LeaseFailure,
  type LeaseRecord,
  leaseOf,
  ThreadBusyError,
  ThreadLeases,
  type ThreadLeasesOptions,
} from "./lease.ts";
export { DEFAULT_RETRY, untilProcessed, withStorageRetry } from "./retry.ts";
export { DynamoDBSaver } from "./saver.ts";
export { itemSize } from "./size.ts";
export type {
  ChannelRef,
  ChannelVersion,
  CheckpointStats,
  DynamoDBSaverOptions,
  Segment,
} from "./types.ts";
