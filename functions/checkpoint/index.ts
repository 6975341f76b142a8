/**
 * `switchyard/checkpoint` (Lambda code imports `#checkpoint`): the DynamoDB checkpoint saver.
 *
 * @example
 * import { DynamoDBSaver } from "switchyard/checkpoint";
 * const checkpointer = DynamoDBSaver.fromEnv();
 */
export {
  CheckpointConfigError,
  CheckpointConflictError,
  CheckpointCorruptError,
  CheckpointError,
  CheckpointStorageError,
} from "./errors.ts";
export { type FromEnvOptions, saverOptionsFromEnv } from "./from-env.ts";
export { DEFAULT_RETRY, isRetryable } from "./retry.ts";
export { DynamoDBSaver } from "./saver.ts";
export type { ChannelRef, CheckpointStats, DynamoDBSaverOptions, RetryPolicy, Segment } from "./types.ts";
