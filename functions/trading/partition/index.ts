export { MAX_PARTITIONS } from "./limits.ts";
export {
  matchPartitionAt,
  type PartitionResult,
  readPartitionResult,
  resultUriOf,
} from "./match-partition.ts";
export {
  type DaySplit,
  fnv1a,
  type PartitionHeader,
  type PartitionRef,
  routingKey,
  splitDay,
} from "./split.ts";
