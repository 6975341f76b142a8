/**
 * Loading a trading day in the canonical model from files: JSON arrays, JSON Lines or CSV (each
 * optionally gzipped), an optional mapping from an export's own fields, a manifest for the
 * business date, and a quarantine for the rows that do not validate. docs/data.md has the rules.
 */
export {
  checkDayFiles,
  type DayLayout,
  type LoadedTradingDay,
  type LoadTradingDayOptions,
  loadTradingDay,
  noBusinessDate,
  openDayFiles,
} from "./day.ts";
export { DayFormatError, type FileLocation } from "./errors.ts";
export type { RecordOf } from "./kinds.ts";
export { type DayManifest, DayManifestSchema } from "./manifest.ts";
export { applyMapping, type KindMapping, KindMappingSchema, type Mapping, MappingSchema } from "./mapping.ts";
export { type RecordRead, readRecords } from "./records.ts";
export type { DayStore } from "./store.ts";
