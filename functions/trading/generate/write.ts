import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { TradingDataError } from "../errors.ts";
import { RECORD_KINDS, type RecordKind, type TradingDay } from "../model/index.ts";
import { DayGenerator } from "./generator.ts";
import type { DaySpec } from "./spec.ts";
import type { ExpectedBreak, Trap } from "./types.ts";

/**
 * Writes days in the canonical on-disk format: one file per kind of record — `<kind>.jsonl` (one
 * object a line), `<kind>.csv` (dotted headers for nested fields, RFC 4180 quoting) or `<kind>.json`
 * (an array) — and `manifest.json` with the business date. Every file is streamed with
 * backpressure, so a million-trade day never sits in memory as text.
 */

export type DayFormat = "jsonl" | "csv" | "json";

/** The ground truth's file, written beside the day only when asked for. */
export const GROUND_TRUTH_FILE = "ground-truth.json";
export const MANIFEST_FILE = "manifest.json";
/** The most earlier versions a generated trade has: the width of a streamed trades CSV. */
export const MAX_EARLIER_VERSIONS = 2;

/** Field order of each kind, for CSV columns; `*` stands for every element of an array. */
type Template = { readonly [field: string]: Template | null };

const ECONOMICS: Template = {
  side: null,
  quantity: null,
  price: null,
  currency: null,
  tradeDate: null,
  settleDate: null,
  counterAmount: null,
};
const COUNTERPARTY: Template = { name: null, lei: null };

export const CSV_TEMPLATES: Readonly<Record<RecordKind, Template>> = {
  instruments: {
    instrumentId: null,
    idType: null,
    type: null,
    altIds: { "*": null },
    description: null,
    currency: null,
    mic: null,
    issuer: null,
    coupon: null,
    maturity: null,
    country: null,
    baseCurrency: null,
    quoteCurrency: null,
  },
  trades: {
    tradeId: null,
    version: null,
    status: null,
    desk: null,
    book: null,
    account: null,
    broker: null,
    counterparty: COUNTERPARTY,
    ssiId: null,
    instrumentId: null,
    ...ECONOMICS,
    bookedAt: null,
    updatedAt: null,
    versions: { "*": { version: null, validFrom: null, validTo: null, ...ECONOMICS } },
  },
  confirmations: {
    confirmationId: null,
    broker: null,
    brokerRef: null,
    tradeRef: null,
    channel: null,
    receivedAt: null,
    account: null,
    instrumentId: null,
    ...ECONOMICS,
    counterparty: COUNTERPARTY,
    ssiId: null,
  },
  prices: { instrumentId: null, price: null, currency: null, asOf: null, source: null },
};

type Leaf = string | number | boolean;

/** A record's leaves by dotted path (`counterparty.lei`, `versions.0.price`), absent fields left out. */
export function flatten(record: unknown, prefix = "", into = new Map<string, Leaf>()): Map<string, Leaf> {
  if (record === undefined || record === null) return into;
  if (Array.isArray(record)) {
    record.forEach((element, i) => {
      flatten(element, `${prefix}${i}.`, into);
    });
  } else if (typeof record === "object") {
    for (const [key, value] of Object.entries(record)) flatten(value, `${prefix}${key}.`, into);
  } else {
    into.set(prefix.slice(0, -1), record as Leaf);
  }
  return into;
}

/** Orders dotted paths by the template: known fields in model order, array elements by index. */
function comparePaths(template: Template, a: readonly string[], b: readonly string[]): number {
  let node: Template | null | undefined = template;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i] as string, b[i] as string];
    const rank = (segment: string): number => {
      if (!node) return Number.MAX_SAFE_INTEGER;
      if ("*" in node && /^\d+$/.test(segment)) return Number(segment);
      const index = Object.keys(node).indexOf(segment);
      return index < 0 ? Number.MAX_SAFE_INTEGER : index;
    };
    const difference = rank(x) - rank(y);
    if (difference !== 0) return difference;
    if (x !== y) return x < y ? -1 : 1;
    node = node ? ("*" in node && /^\d+$/.test(x) ? node["*"] : node[x]) : undefined;
  }
  return a.length - b.length;
}

/** The CSV columns of some records: every path any of them has, in the template's order. */
export function csvColumns(kind: RecordKind, records: Iterable<unknown>): string[] {
  const paths = new Set<string>();
  for (const record of records) for (const path of flatten(record).keys()) paths.add(path);
  const template = CSV_TEMPLATES[kind];
  return [...paths].sort((a, b) => comparePaths(template, a.split("."), b.split(".")));
}

/** Every column the template allows, arrays `width` elements wide: for a file written before its rows exist. */
export function templateColumns(kind: RecordKind, width: number): string[] {
  const paths: string[] = [];
  const walk = (node: Template, prefix: string) => {
    for (const [field, child] of Object.entries(node)) {
      if (child === null) paths.push(`${prefix}${field}`);
      else if ("*" in child) {
        const element = child["*"];
        for (let i = 0; i < width; i++) {
          if (element === null || element === undefined) paths.push(`${prefix}${field}.${i}`);
          else walk(element, `${prefix}${field}.${i}.`);
        }
      } else walk(child, `${prefix}${field}.`);
    }
  };
  walk(CSV_TEMPLATES[kind], "");
  return paths;
}

/** One CSV field, quoted per RFC 4180 when it holds a comma, a quote, a line break or edge spaces. */
export function csvCell(value: Leaf | undefined): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Buffers lines and writes them in large chunks, waiting for `drain` when the stream is full. */
class Sink {
  private buffer: string[] = [];
  private size = 0;
  private readonly stream: WriteStream;
  private failure: unknown;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: "utf8" });
    // Kept for the next write (an unheard stream error would otherwise end the process).
    this.stream.on("error", (error) => {
      this.failure ??= error;
    });
  }

  /** Queues text; returns a promise only when the caller must wait (a flush hit backpressure). */
  push(text: string): Promise<void> | undefined {
    this.buffer.push(text);
    this.size += text.length;
    return this.size >= 1 << 16 ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    if (this.failure) throw this.failure;
    const chunk = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/** Writes the records of one kind to one file, in one format. */
export class RecordWriter {
  readonly path: string;
  private readonly sink: Sink;
  private readonly format: DayFormat;
  private readonly columns: readonly string[];
  private readonly known: ReadonlySet<string>;
  private count = 0;

  private constructor(path: string, format: DayFormat, columns: readonly string[]) {
    this.path = path;
    this.format = format;
    this.columns = columns;
    this.known = new Set(columns);
    this.sink = new Sink(path);
    if (format === "csv") this.sink.push(`${columns.map((c) => csvCell(c)).join(",")}\r\n`);
    if (format === "json") this.sink.push("[");
  }

  /** Opens `<dir>/<kind>.<format>`; CSV needs its columns up front. */
  static open(
    dir: string,
    kind: RecordKind,
    format: DayFormat,
    columns: readonly string[] = [],
  ): RecordWriter {
    return new RecordWriter(join(dir, `${kind}.${format}`), format, columns);
  }

  /** Queues one record; await the result when it is a promise (backpressure). */
  write(record: object): Promise<void> | undefined {
    const n = this.count++;
    switch (this.format) {
      case "jsonl":
        return this.sink.push(`${JSON.stringify(record)}\n`);
      case "json":
        return this.sink.push(`${n === 0 ? "\n" : ",\n"}${JSON.stringify(record)}`);
      case "csv": {
        const leaves = flatten(record);
        for (const path of leaves.keys()) {
          if (!this.known.has(path)) {
            throw new TradingDataError("Trading.CsvColumns", `${this.path}: no column for field ${path}`);
          }
        }
        return this.sink.push(`${this.columns.map((c) => csvCell(leaves.get(c))).join(",")}\r\n`);
      }
    }
  }

  async close(): Promise<void> {
    if (this.format === "json") this.sink.push(this.count === 0 ? "]\n" : "\n]\n");
    await this.sink.close();
  }

  /** Abandons the file (after a failure elsewhere). */
  destroy(): void {
    this.sink.destroy();
  }
}

async function writeAll(
  dir: string,
  kind: RecordKind,
  records: readonly object[],
  format: DayFormat,
): Promise<string> {
  const writer = RecordWriter.open(dir, kind, format, format === "csv" ? csvColumns(kind, records) : []);
  try {
    for (const record of records) {
      const pending = writer.write(record);
      if (pending) await pending;
    }
    await writer.close();
  } catch (error) {
    writer.destroy();
    throw error;
  }
  return writer.path;
}

async function writeManifest(dir: string, businessDate: string): Promise<string> {
  const path = join(dir, MANIFEST_FILE);
  await writeFile(path, `${JSON.stringify({ businessDate })}\n`);
  return path;
}

/**
 * Writes the day in the canonical format (JSON Lines by default, or CSV with dotted headers, or
 * JSON arrays) plus `manifest.json` `{businessDate}`; the ground truth only when given, as
 * `ground-truth.json`. Returns the paths written.
 *
 * @example
 * const { day, expected, traps } = generateDay({ trades: 500 });
 * await writeDay("out/day", day, { format: "csv", groundTruth: { expected, traps } });
 */
export async function writeDay(
  dir: string,
  day: TradingDay,
  options: { format?: DayFormat; groundTruth?: { expected: ExpectedBreak[]; traps: Trap[] } } = {},
): Promise<string[]> {
  const format = options.format ?? "jsonl";
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const kind of RECORD_KINDS) files.push(await writeAll(dir, kind, day[kind], format));
  files.push(await writeManifest(dir, day.businessDate));
  if (options.groundTruth) {
    const path = join(dir, GROUND_TRUTH_FILE);
    const { expected, traps } = options.groundTruth;
    await writeFile(
      path,
      `${JSON.stringify({ businessDate: day.businessDate, expected, traps }, null, 2)}\n`,
    );
    files.push(path);
  }
  return files;
}

/**
 * Streams a day of any size to `dir` without holding it in memory: trades and confirmations are
 * generated step by step and written as they come, with backpressure. Record for record the same
 * day as {@link generateDay} of the same spec. Returns the paths and how many breaks it holds.
 *
 * @example
 * await writeGeneratedDay("bench/day-1m", { trades: 1_000_000 }); // { files: [...], expected: 30000 }
 */
export async function writeGeneratedDay(
  dir: string,
  spec: Partial<DaySpec>,
  options: { format?: "jsonl" | "csv" } = {},
): Promise<{ files: string[]; expected: number }> {
  const format = options.format ?? "jsonl";
  const generator = new DayGenerator(spec);
  await mkdir(dir, { recursive: true });
  const instruments = await writeAll(dir, "instruments", generator.instruments, format);
  const csv = format === "csv";
  const trades = RecordWriter.open(
    dir,
    "trades",
    format,
    csv ? templateColumns("trades", MAX_EARLIER_VERSIONS) : [],
  );
  const confirmations = RecordWriter.open(
    dir,
    "confirmations",
    format,
    csv ? templateColumns("confirmations", 0) : [],
  );
  let expected = 0;
  try {
    for (const chunk of generator.chunks()) {
      for (const trade of chunk.trades) {
        const pending = trades.write(trade);
        if (pending) await pending;
      }
      for (const confirmation of chunk.confirmations) {
        const pending = confirmations.write(confirmation);
        if (pending) await pending;
      }
      expected += chunk.expected.length;
    }
    await trades.close();
    await confirmations.close();
  } catch (error) {
    trades.destroy();
    confirmations.destroy();
    throw error;
  }
  const prices = await writeAll(dir, "prices", generator.prices, format);
  const manifest = await writeManifest(dir, generator.spec.businessDate);
  return { files: [instruments, trades.path, confirmations.path, prices, manifest], expected };
}
