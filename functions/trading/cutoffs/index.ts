/** Settlement cut-offs per market and settlement type, and the deadline each exception gets from them. */
export {
  byDeadline,
  CUTOFF_BUCKETS,
  type CutoffBucket,
  cutoffOf,
  type DayIndex,
  type Deadline,
  deadlineOf,
  deadlineOfBreak,
  indexDay,
  type SettlingItem,
  settlementTypeOf,
  timeToCutoff,
} from "./deadline.ts";
export {
  CALENDAR_ZONES,
  CLS_CURRENCIES,
  CUTOFFS,
  type CutoffAnchor,
  type CutoffMatch,
  type CutoffRow,
  DEFAULT_SECURITIES_CUTOFF,
  type SettlementType,
} from "./table.ts";
export { wallClockOf, zonedInstant } from "./zoned.ts";
