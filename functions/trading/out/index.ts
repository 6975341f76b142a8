export { BREAK_CSV_COLUMNS, breaksCsv } from "./csv.ts";
export {
  jsonArray,
  jsonLinesArray,
  OUTPUT_FILES,
  outputUris,
  type RunOutputs,
  writeQuarantine,
  writeResults,
} from "./write.ts";
