import type { QuarantinedRow } from "../breaks.ts";
import { IsoDate } from "../model/common.ts";
import { RECORD_KINDS, type RecordKind, type TradingDay } from "../model/day.ts";
import { DayFormatError } from "./errors.ts";
import { classify, DAY_FILE_NAMES, type DayFile, entryUri } from "./files.ts";
import type { RecordOf } from "./kinds.ts";
import { checkMapping, readManifest, readMapping } from "./manifest.ts";
import type { Mapping } from "./mapping.ts";
import { readRecords } from "./records.ts";
import type { DayStore } from "./store.ts";

export interface LoadTradingDayOptions {
  /** The mapping, or the URI of a mapping file; replaces the day's own `mapping.json`. */
  readonly mapping?: Mapping | string;
  /** The date the day is for, `YYYY-MM-DD`; wins over the manifest's. */
  readonly businessDate?: string;
}

export interface LoadedTradingDay {
  readonly day: TradingDay;
  /** Every row that did not load, in file order (instruments, trades, confirmations, prices). */
  readonly quarantine: readonly QuarantinedRow[];
  /** The files read, in the order read: manifest, mapping, then the record files by kind. */
  readonly files: readonly string[];
}

/**
 * Loads a trading day in the canonical model from a folder (every file in it must be one the day
 * uses) or from an explicit list of files. Rows are read and validated one at a time; bad rows go
 * to the quarantine, and a file that cannot be read at all refuses the load with
 * {@link DayFormatError}. The business date is the option's, else the manifest's, else the latest
 * trade date among the valid trades.
 */
export async function loadTradingDay(
  store: DayStore,
  uri: string | readonly string[],
  options: LoadTradingDayOptions = {},
): Promise<LoadedTradingDay> {
  const layout = await openDayFiles(store, uri, options);
  const records: { [K in RecordKind]: RecordOf[K][] } = {
    instruments: [],
    trades: [],
    confirmations: [],
    prices: [],
  };
  const quarantine: QuarantinedRow[] = [];
  for (const kind of RECORD_KINDS) {
    const file = layout.records[kind];
    if (file) await collect(store, file, kind, layout.mapping, records[kind], quarantine);
  }
  const businessDate = layout.businessDate ?? latestTradeDate(records.trades);
  if (businessDate === undefined) throw noBusinessDate(layout);
  return { day: { businessDate, ...records }, quarantine, files: layout.files };
}

/** A day's files, read up to its records: what {@link loadTradingDay} and a streaming reader share. */
export interface DayLayout {
  /** The record file of each kind present (trades always). */
  readonly records: { readonly [K in RecordKind]?: string };
  readonly mapping?: Mapping;
  /** From the option or the manifest; absent: the latest valid trade date (the reader's to find). */
  readonly businessDate?: string;
  /** Every file the day is read from, in order: manifest, mapping, instruments, trades, confirmations, prices. */
  readonly files: readonly string[];
}

/**
 * Classifies a day's files and reads its manifest and mapping, refusing with
 * {@link DayFormatError} what is not a day. A reader then streams each record file with
 * `readRecords(store, layout.records[kind], kind, layout.mapping)`.
 */
export async function openDayFiles(
  store: DayStore,
  uri: string | readonly string[],
  options: LoadTradingDayOptions = {},
): Promise<DayLayout> {
  const dayFiles = await filesOfDay(store, uri);
  const files: string[] = [];
  const manifestFile = dayFiles.find((f) => f.role === "manifest");
  const manifest = manifestFile ? await readManifest(store, manifestFile.uri) : undefined;
  if (manifestFile) files.push(manifestFile.uri);
  const mapping = await mappingOf(store, options.mapping, dayFiles, files);
  const dateOption = options.businessDate === undefined ? undefined : checkDateOption(options.businessDate);
  const records: { [K in RecordKind]?: string } = {};
  for (const kind of RECORD_KINDS) {
    const file = dayFiles.find((f) => f.role === "records" && f.kind === kind);
    if (!file) continue;
    records[kind] = file.uri;
    files.push(file.uri);
  }
  const businessDate = dateOption ?? manifest?.businessDate;
  return { records, ...(mapping ? { mapping } : {}), ...(businessDate ? { businessDate } : {}), files };
}

/** The error for a day with no business date to be had: none given and no valid trade. */
export function noBusinessDate(layout: DayLayout): DayFormatError {
  return new DayFormatError(
    { file: layout.records.trades ?? "" },
    "no valid trade to date the day by: give the business date (option or manifest.json)",
  );
}

/**
 * Checks a day's shape without reading its records: the files form a day (known names, one per
 * role, a trades file), the manifest and mapping validate, the business date option is a date.
 * What the API does before it accepts a run: a day too big to read in a request is still refused
 * at once when its folder is wrong. Returns the files the load would read.
 */
export async function checkDayFiles(
  store: DayStore,
  uri: string | readonly string[],
  options: LoadTradingDayOptions = {},
): Promise<readonly string[]> {
  return (await openDayFiles(store, uri, options)).files;
}

async function collect<K extends RecordKind>(
  store: DayStore,
  uri: string,
  kind: K,
  mapping: Mapping | undefined,
  into: RecordOf[K][],
  quarantine: QuarantinedRow[],
): Promise<void> {
  for await (const read of readRecords(store, uri, kind, mapping)) {
    if ("record" in read) into.push(read.record);
    else quarantine.push(read.quarantined);
  }
}

/**
 * The day's files, classified: a folder's listing (entries ending in `/` and names starting with
 * `.` left out) or the list given. A file the day has no use for (one in a subfolder included),
 * two files for one role, or no trades file refuses the load.
 */
async function filesOfDay(store: DayStore, uri: string | readonly string[]): Promise<DayFile[]> {
  const uris = typeof uri === "string" ? await listFolder(store, uri) : [...uri];
  const seen = new Map<string, DayFile>();
  for (const file of [...uris].sort()) {
    const dayFile = classify(file);
    if (!dayFile)
      throw new DayFormatError({ file }, `not a file of a trading day: expected ${DAY_FILE_NAMES}`);
    const role = dayFile.role === "records" ? dayFile.kind : dayFile.role;
    const earlier = seen.get(role);
    if (earlier) throw new DayFormatError({ file }, `a second ${role} file, beside ${earlier.uri}`);
    seen.set(role, dayFile);
  }
  if (!seen.has("trades")) {
    const where = typeof uri === "string" ? uri : uri.join(", ");
    throw new DayFormatError(
      { file: where },
      "no trades file: expected trades.json, trades.jsonl, trades.ndjson or trades.csv (optionally .gz)",
    );
  }
  return [...seen.values()];
}

/** The files of a folder (a store may list its subfolders' files too: those refuse the load). */
async function listFolder(store: DayStore, folder: string): Promise<string[]> {
  const prefix = `${folder.replace(/\/+$/, "")}/`;
  const files: string[] = [];
  for (const entry of await store.list(folder)) {
    const uri = entryUri(folder, entry);
    const name = uri.slice(uri.lastIndexOf("/") + 1);
    if (uri.endsWith("/") || name.startsWith(".")) continue;
    if (uri.startsWith(prefix) && uri.slice(prefix.length).includes("/")) {
      throw new DayFormatError({ file: uri }, "in a subfolder: a day is the files of one folder");
    }
    files.push(uri);
  }
  return files;
}

/** The mapping in force: the option's (an object, or a file's URI), else the day's `mapping.json`. */
async function mappingOf(
  store: DayStore,
  option: Mapping | string | undefined,
  dayFiles: readonly DayFile[],
  files: string[],
): Promise<Mapping | undefined> {
  if (option !== undefined && typeof option !== "string") return checkMapping(option, "mapping option");
  const uri = option ?? dayFiles.find((f) => f.role === "mapping")?.uri;
  if (uri === undefined) return undefined;
  files.push(uri);
  return readMapping(store, uri);
}

function checkDateOption(date: string): string {
  const result = IsoDate.safeParse(date);
  if (!result.success) {
    throw new DayFormatError(
      { file: "businessDate option" },
      `must be a calendar date YYYY-MM-DD; got ${JSON.stringify(date)}`,
    );
  }
  return result.data;
}

function latestTradeDate(trades: readonly { readonly tradeDate: string }[]): string | undefined {
  let latest: string | undefined;
  for (const trade of trades) if (latest === undefined || trade.tradeDate > latest) latest = trade.tradeDate;
  return latest;
}
