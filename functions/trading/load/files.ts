import { RECORD_KINDS, type RecordKind } from "../model/day.ts";

/**
 * Which file of a day a name is. Names are matched without regard to case:
 * `<kind>.json`, `<kind>.jsonl`, `<kind>.ndjson`, `<kind>.csv`, each optionally `.gz`;
 * `manifest.json`; `mapping.json`.
 */

export type RecordFormat = "json" | "jsonl" | "csv";

/** How a file's bytes are to be read. */
export interface Encoding {
  readonly format: RecordFormat;
  readonly gzip: boolean;
}

export type DayFile =
  | { readonly role: "manifest"; readonly uri: string }
  | { readonly role: "mapping"; readonly uri: string }
  | ({ readonly role: "records"; readonly uri: string; readonly kind: RecordKind } & Encoding);

const FORMAT_OF: Readonly<Record<string, RecordFormat>> = {
  json: "json",
  jsonl: "jsonl",
  ndjson: "jsonl",
  csv: "csv",
};

/** The file names a day may hold, for messages. */
export const DAY_FILE_NAMES =
  "<kind>.json, <kind>.jsonl, <kind>.ndjson or <kind>.csv (optionally .gz) for " +
  `${RECORD_KINDS.join(", ")}; manifest.json; mapping.json`;

/** The last segment of a URI or path. */
export function baseName(uri: string): string {
  const trimmed = uri.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** The format a file name's extension gives (`x.csv.gz` → csv, gzipped), if any. */
export function encodingOf(uri: string): Encoding | undefined {
  const match = /\.([a-z]+)(\.gz)?$/.exec(baseName(uri).toLowerCase());
  const format = match ? FORMAT_OF[match[1] as string] : undefined;
  return format && match ? { format, gzip: match[2] !== undefined } : undefined;
}

const RECORD_FILE = new RegExp(`^(${RECORD_KINDS.join("|")})\\.(json|jsonl|ndjson|csv)(\\.gz)?$`);

/** The role of a file in a day, or `undefined` for a name the day has no use for. */
export function classify(uri: string): DayFile | undefined {
  const name = baseName(uri).toLowerCase();
  if (name === "manifest.json") return { role: "manifest", uri };
  if (name === "mapping.json") return { role: "mapping", uri };
  const match = RECORD_FILE.exec(name);
  if (!match) return undefined;
  const [, kind, extension, gz] = match;
  return {
    role: "records",
    uri,
    kind: kind as RecordKind,
    format: FORMAT_OF[extension as string] as RecordFormat,
    gzip: gz !== undefined,
  };
}

/**
 * The URI of a listed entry: kept as it is when it is already a URI or a path under the folder
 * (or absolute), else joined to the folder.
 */
export function entryUri(folder: string, entry: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(entry) || entry.startsWith("/") || entry.startsWith(folder)) return entry;
  return `${folder.replace(/\/+$/, "")}/${entry}`;
}
