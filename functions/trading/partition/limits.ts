/**
 * Most partitions one day is split into: each is a worker (a Lambda on AWS) and a task id in a
 * superstep. Apart from split.ts, so a run's input schema bounds it without loading the splitter.
 */
export const MAX_PARTITIONS = 1000;
