/** Media types of the files trading data comes in and runs write, by extension. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json",
  jsonl: "application/x-ndjson",
  ndjson: "application/x-ndjson",
  txt: "text/plain; charset=utf-8",
  html: "text/html; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  gz: "application/gzip",
  parquet: "application/vnd.apache.parquet",
};

/**
 * The content type an object is written with when the caller names none: from the key's
 * extension, else `application/octet-stream` (what S3 would assume).
 *
 * @example
 * contentTypeFor("runs/r1/breaks.jsonl"); // "application/x-ndjson"
 */
export function contentTypeFor(key: string): string {
  const name = key.slice(key.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  return BY_EXTENSION[extension] ?? "application/octet-stream";
}
