export {
  matchPartitionAt,
  type PartitionResult,
  readPartitionResult,
  resultUriOf,
} from "./match-partition.ts";
export {
  type DaySplit,
  fnv1a,
  MAX_PARTITIONS,
  type PartitionHeader,
  type PartitionRef,
  routingKey,
  splitDay,
} from "./split.ts";
