/**
 * The trading vocabulary a run's input, state and result name — schemas, categories and bounds,
 * nothing that reads, matches or writes a day. Every engine Lambda parses run inputs at start:
 * importing these from here (`#trading/schemas`) rather than `#trading` keeps the loader, the
 * matcher and the S3 store out of its cold start, since a bundle gives a barrel's importers every
 * module the barrel re-exports (docs/deploy.md, "Narrow faces on the start path").
 */

export { BreakListSchema, BreakSchema } from "./break-schema.ts";
export { BREAK_CATEGORIES } from "./breaks.ts";
export { DataRefSchema, MAX_URI_LENGTH } from "./data-ref.ts";
export { DaySpecSchema } from "./generate/spec.ts";
export { MAX_ID_LENGTH } from "./model/common.ts";
export { MAX_PARTITIONS } from "./partition/limits.ts";
export { TolerancesSchema } from "./tolerances.ts";
