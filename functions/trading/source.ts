import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { QuarantinedRow } from "./breaks.ts";
import type { DataRef } from "./data-ref.ts";
import { TradingDataError } from "./errors.ts";
import { type DaySpec, DaySpecSchema } from "./generate/spec.ts";
import {
  checkDayFiles,
  type LoadedTradingDay,
  loadTradingDay,
  openDayFiles,
  readRecords,
} from "./load/index.ts";
import type { TradingDay } from "./model/index.ts";
import { type DataStore, joinUri, parseDataUri, storeFor } from "./store/index.ts";
import { s3ClientFromEnv } from "./store/s3-client.ts";

/** A loaded day, with what could not be read and which files it came from. */
export interface LoadedDay {
  readonly ref: DataRef;
  readonly day: TradingDay;
  readonly quarantine: readonly QuarantinedRow[];
  readonly files: readonly string[];
}

/**
 * Where Switchyard keeps what it generates and writes when a run names no location:
 * `SWITCHYARD_DATA_ROOT` when set (the workflow stacks set it to `s3://<data bucket>`); else, in
 * a Lambda (`AWS_LAMBDA_FUNCTION_NAME`) given `DATA_BUCKET`, `s3://<DATA_BUCKET>` — a Lambda's
 * own disk is read-only outside /tmp and gone with the instance; else `.switchyard/data`. A
 * local process with `DATA_BUCKET` set (the embedded AWS sets it) still writes locally.
 *
 * @example
 * dataRoot({ DATA_BUCKET: "switchyard-dev-data", AWS_LAMBDA_FUNCTION_NAME: "fn" }); // "s3://switchyard-dev-data"
 * dataRoot({ DATA_BUCKET: "switchyard-dev-data" }); // ".switchyard/data"
 */
export function dataRoot(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SWITCHYARD_DATA_ROOT?.trim();
  if (root) return root;
  const bucket = env.DATA_BUCKET?.trim();
  if (bucket && env.AWS_LAMBDA_FUNCTION_NAME?.trim()) return `s3://${bucket}`;
  return ".switchyard/data";
}

/**
 * Refuses any URI not under `prefix` (a plain string prefix, e.g. `s3://<data bucket>/`; a
 * trailing `/` is added when missing, so `s3://b` does not admit `s3://b-other/`): what a
 * deployed entry point accepts from a caller, so a request cannot point a run at a local path
 * or another bucket. Undefined entries (an absent mapping) are skipped. Throws a
 * `TradingDataError` with code `Trading.UriNotAllowed` naming the allowed prefix.
 *
 * @example
 * requireUnder("s3://switchyard-dev-data/", [ref.uri, ref.mapping]); // passes for s3://switchyard-dev-data/incoming/2026-11-24/
 * requireUnder("s3://switchyard-dev-data/", ["/etc/"]); // throws Trading.UriNotAllowed
 */
export function requireUnder(prefix: string, uris: readonly (string | undefined)[]): void {
  const allowed = prefix.endsWith("/") ? prefix : `${prefix}/`;
  for (const uri of uris) {
    if (uri === undefined || uri.startsWith(allowed)) continue;
    throw new TradingDataError(
      "Trading.UriNotAllowed",
      `${JSON.stringify(uri.slice(0, 200))} is not allowed here: data must be under ${allowed}`,
    );
  }
}

/**
 * Where a run writes its outputs when it names no location: beside a day read from S3, in the
 * same bucket under `runs/<run id>/`; otherwise under the data root.
 *
 * @example
 * defaultOutUri("s3://switchyard-dev-data/incoming/2026-11-24/", "r-1"); // "s3://switchyard-dev-data/runs/r-1/"
 * defaultOutUri("docs/examples/data", "r-1"); // ".switchyard/data/runs/r-1/"
 */
export function defaultOutUri(dataUri: string, runId: string, root = dataRoot()): string {
  const segment = runId.replace(/[^\w.-]/g, "_").slice(0, 200) || "run";
  const location = parseDataUri(dataUri);
  if (location.scheme === "s3") return `s3://${location.bucket}/runs/${segment}/`;
  return joinUri(root, "runs", segment, "/");
}

/** The store for a URI, with an S3 client from the environment when the URI is `s3://`. */
export function storeOf(uri: string): DataStore {
  return storeFor(uri, uri.startsWith("s3://") ? { s3: s3ClientFromEnv() } : {});
}

/** A few recent days per process: the nodes of one run that share a warm Lambda load their day once. */
const MEMO_SIZE = 4;
const memo = new Map<string, Promise<LoadedDay>>();

/**
 * Loads the day a reference names, once per process (the promise is shared, so concurrent
 * callers wait for one load). Treat the result as read-only.
 *
 * @example
 * const { day, quarantine } = await openDay({ uri: "docs/examples/data" });
 */
export function openDay(ref: DataRef): Promise<LoadedDay> {
  const key = JSON.stringify([ref.uri, ref.mapping ?? "", ref.businessDate ?? ""]);
  const held = memo.get(key);
  if (held) {
    memo.delete(key);
    memo.set(key, held);
    return held;
  }
  const loading = load(ref);
  memo.set(key, loading);
  loading.catch(() => memo.delete(key));
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  return loading;
}

/**
 * Checks that a reference names a day without reading its records (see `checkDayFiles`): what a
 * request handler can afford before it accepts a run. Throws `DayFormatError` or `DataNotFound`.
 *
 * @example
 * await checkDataRef({ uri: "s3://switchyard-dev-data/incoming/2026-11-24/" });
 */
export async function checkDataRef(ref: DataRef): Promise<readonly string[]> {
  return checkDayFiles(storeOf(ref.uri), ref.uri, {
    ...(ref.mapping ? { mapping: ref.mapping } : {}),
    ...(ref.businessDate ? { businessDate: ref.businessDate } : {}),
  });
}

/**
 * Reads every file of a day through to its end without keeping the records: a file that cannot
 * be parsed anywhere refuses here (`DayFormatError` with its line), in bounded memory. What the
 * CLI does before a local run; returns how many rows each kind had and how many were quarantined.
 *
 * @example
 * await scanDay({ uri: "docs/examples/data" }); // { rows: 96, quarantined: 1 }
 */
export async function scanDay(ref: DataRef): Promise<{ rows: number; quarantined: number }> {
  const store = storeOf(ref.uri);
  const layout = await openDayFiles(store, ref.uri, {
    ...(ref.mapping ? { mapping: ref.mapping } : {}),
    ...(ref.businessDate ? { businessDate: ref.businessDate } : {}),
  });
  let rows = 0;
  let quarantined = 0;
  for (const kind of ["instruments", "trades", "confirmations", "prices"] as const) {
    const file = layout.records[kind];
    if (!file) continue;
    for await (const row of readRecords(store, file, kind, layout.mapping)) {
      rows++;
      if ("quarantined" in row) quarantined++;
    }
  }
  return { rows, quarantined };
}

async function load(ref: DataRef): Promise<LoadedDay> {
  const loaded: LoadedTradingDay = await loadTradingDay(storeOf(ref.uri), ref.uri, {
    ...(ref.mapping ? { mapping: ref.mapping } : {}),
    ...(ref.businessDate ? { businessDate: ref.businessDate } : {}),
  });
  return { ref, day: loaded.day, quarantine: loaded.quarantine, files: loaded.files };
}

/**
 * The reference of a generated day, written in the canonical format under the data root the
 * first time it is asked for (the folder is named by the spec, so a repeat reuses it). Runs
 * with no data of their own read this back through the same loader as a desk's files.
 *
 * @example
 * await generatedDayRef({ seed: 42, trades: 2000, businessDate: "2026-11-24" });
 * // { uri: ".switchyard/data/generated/seed42-2000-2026-11-24-0.03/" }
 * // (written by the streaming generator: a day of any size is never held in memory)
 */
export async function generatedDayRef(spec: Partial<DaySpec>, root = dataRoot()): Promise<DataRef> {
  const resolved = DaySpecSchema.parse(spec);
  const name = `seed${resolved.seed}-${resolved.trades}-${resolved.businessDate}-${resolved.breakRate}`;
  const uri = joinUri(root, "generated", name, "/");
  const store = storeOf(uri);
  // The manifest is written last: a folder without one was interrupted and is written again.
  if (await store.exists(joinUri(uri, "manifest.json"))) return { uri };
  // The generator loads only here, when a day is first written: a Lambda bundle keeps it in a
  // chunk of its own that runs reading an existing day never load (lib/bundling).
  const { writeGeneratedDay } = await import("./generate/write.ts");
  const location = parseDataUri(uri);
  if (location.scheme === "file") {
    // Written beside its place and renamed into it: two processes generating the same day at
    // once (parallel test files, two CLI runs) never read each other's half-written files.
    const folder = location.path.replace(/[/\\]+$/, "");
    await mkdir(dirname(folder), { recursive: true });
    const temp = await mkdtemp(`${folder}.partial-`);
    try {
      await writeGeneratedDay(temp, resolved, { format: "jsonl" });
      await rename(temp, folder);
    } catch (err) {
      // Another writer got there first (the folder exists, with the same deterministic day).
      if (!(await store.exists(joinUri(uri, "manifest.json")))) throw err;
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    return { uri };
  }
  // An S3 root: generate into a temporary folder, then upload file by file (manifest last).
  const temp = await mkdtemp(join(tmpdir(), "switchyard-day-"));
  try {
    const { files } = await writeGeneratedDay(temp, resolved, { format: "jsonl" });
    const ordered = [...files].sort(
      (a, b) => Number(a.endsWith("manifest.json")) - Number(b.endsWith("manifest.json")),
    );
    for (const file of ordered) await store.write(joinUri(uri, basename(file)), await readFile(file));
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return { uri };
}
