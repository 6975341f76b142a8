import { z } from "zod";
import { IsoDate } from "./model/common.ts";

// Apart from source.ts (which reads and writes days, locally and on S3): a run's input schema
// names a data reference, and every engine Lambda parses inputs at start without opening a day.

/** The longest data URI accepted (an S3 key is at most 1,024 bytes). */
export const MAX_URI_LENGTH = 1_100;

const Uri = z.string().trim().min(1).max(MAX_URI_LENGTH);

/**
 * Where a day's data is: a local folder or files, or `s3://bucket/prefix/`; optionally a mapping
 * file for an export that is not in the canonical format, and the business date.
 */
export const DataRefSchema = z.strictObject({
  uri: Uri,
  /** A mapping file's URI (see docs/data.md, "Mapping an export"). */
  mapping: Uri.optional(),
  businessDate: IsoDate.optional(),
});
export type DataRef = z.infer<typeof DataRefSchema>;
