export { matchPartitionAt, type PartitionResult, readPartitionResults, resultUriOf } from "./match-partition.ts";
export { type DaySplit, fnv1a, MAX_PARTITIONS, type PartitionFile, type PartitionRef, routingKey, splitDay } from "./split.ts";
