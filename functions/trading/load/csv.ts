import { pipeline, Readable } from "node:stream";
import type { CsvError, InfoRecord } from "csv-parse";
import type { RecordKind } from "../model/day.ts";
import { MAX_ROW_LENGTH } from "./bytes.ts";
import { DayFormatError } from "./errors.ts";
import { isCanonicalField } from "./fields.ts";
import { SCHEMA_OF } from "./kinds.ts";
import type { KindMapping } from "./mapping.ts";
import { pathProblem } from "./paths.ts";
import type { SourceRow } from "./source-row.ts";

/**
 * The rows of a CSV file, one record at a time (RFC 4180 quoting: fields may hold commas, quotes
 * and line breaks). The first record is the header; each later record becomes header → cell for
 * its non-blank cells (an empty cell is an absent field). Records of blank cells only are skipped,
 * as are empty lines. A row's line is the physical line its record starts on (the header is line 1).
 */
export async function* csvRows(
  bytes: AsyncIterable<Uint8Array>,
  file: string,
  kind: RecordKind,
  mapping: KindMapping | undefined,
): AsyncGenerator<SourceRow> {
  // Loaded when a CSV file is read: a Lambda whose day is JSON never loads the parser.
  const { CsvError, parse } = await import("csv-parse");
  const tracker = new LineTracker();
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    record_delimiter: ["\r\n", "\n"],
    max_record_size: MAX_ROW_LENGTH,
    on_record: (cells: string[], context: InfoRecord) => tracker.record(cells, context),
  });
  // Errors reach the loop below: pipeline destroys `parser` with them.
  pipeline(Readable.from(bytes, { objectMode: false }), parser, () => {});
  let header: Header | undefined;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      const line = tracker.lineOf(cells);
      if (!header) {
        header = readHeader(cells, { file, line }, kind, mapping);
        continue;
      }
      if (cells.every((cell) => cell.trim() === "")) continue;
      const row: Record<string, string> = {};
      cells.forEach((cell, index) => {
        const name = header?.names[index];
        if (name !== undefined && cell.trim() !== "") row[name] = cell;
      });
      const width = header.names.length;
      const problem =
        cells.length === width ? undefined : `has ${cells.length} cells; the header has ${width}`;
      yield { line, row, fromCsv: true, ...(problem ? { problem } : {}) };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new DayFormatError({ file, line: tracker.lineAt(error) }, describe(error, header), {
        cause: error,
      });
    }
    throw error;
  }
  if (!header) throw new DayFormatError({ file, line: 1 }, "empty: no header row");
}

/**
 * Physical line numbers of records, counted as the parser meets them (before they are read, so an
 * error's line is right too): a record starts after the previous one's last line and any empty
 * lines skipped since, and spans the line breaks its quoted cells hold.
 */
class LineTracker {
  private lastLine = 0;
  private emptyLines = 0;
  private readonly lines = new WeakMap<string[], number>();

  record(cells: string[], context: InfoRecord): string[] {
    const line = this.lineAt(context);
    this.lastLine = line + cells.reduce((breaks, cell) => breaks + countBreaks(cell), 0);
    this.emptyLines = context.empty_lines;
    this.lines.set(cells, line);
    return cells;
  }

  lineOf(cells: string[]): number {
    return this.lines.get(cells) ?? this.lastLine;
  }

  /** The line the record being parsed starts on. */
  lineAt(context: InfoRecord | CsvError): number {
    const reported: unknown = context.empty_lines;
    const empty = typeof reported === "number" ? reported : this.emptyLines;
    return this.lastLine + 1 + empty - this.emptyLines;
  }
}

function countBreaks(text: string): number {
  let breaks = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) breaks++;
  return breaks;
}

interface Header {
  /** The column names by position; `undefined` for a nameless column (ignored, with a mapping). */
  readonly names: readonly (string | undefined)[];
}

/**
 * The header row, checked: names unique; without a mapping, each a usable dotted path, none inside
 * another (`counterparty` beside `counterparty.lei`), and at least one a field of the kind; with a
 * mapping, at least one a mapped source field. A first line naming nothing known is taken for data:
 * the header row is missing.
 */
function readHeader(
  cells: readonly string[],
  where: { file: string; line: number },
  kind: RecordKind,
  mapping: KindMapping | undefined,
): Header {
  const fail = (reason: string) => new DayFormatError(where, reason);
  const names = cells.map((cell) => cell.trim());
  if (mapping) {
    const sources = Object.keys(mapping.fields);
    if (sources.length > 0 && !sources.some((source) => names.includes(source))) {
      throw fail(
        `the first line names none of the mapped source fields of ${kind}: the header row is missing`,
      );
    }
  } else if (!names.some((name) => name !== "" && isCanonicalField(SCHEMA_OF[kind], name))) {
    throw fail(`the first line names no field of ${kind}: the header row is missing`);
  }
  const firstAt = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === "") {
      if (!mapping) throw fail(`column ${index + 1} of the header has no name`);
      return;
    }
    const first = firstAt.get(name);
    if (first !== undefined)
      throw fail(`column ${index + 1} repeats the header "${name}" of column ${first + 1}`);
    firstAt.set(name, index);
    const problem = mapping ? undefined : pathProblem(name);
    if (problem) throw fail(`column ${index + 1} of the header: ${problem}`);
  });
  if (!mapping) {
    for (const name of firstAt.keys()) {
      const outer = [...firstAt.keys()].find((other) => name.startsWith(`${other}.`));
      if (outer) throw fail(`header "${name}" lies inside header "${outer}"`);
    }
  }
  return { names: names.map((name) => (name === "" ? undefined : name)) };
}

function describe(error: CsvError, header: Header | undefined): string {
  const index = typeof error.column === "number" ? error.column : undefined;
  const name = index === undefined ? undefined : header?.names[index];
  const field = index === undefined ? "" : ` (field ${index + 1}${name ? `, "${name}"` : ""})`;
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed: unterminated quote";
    case "INVALID_OPENING_QUOTE":
      return `a quote inside an unquoted field${field}`;
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return `text after a closing quote${field}`;
    case "CSV_MAX_RECORD_SIZE":
      return `a record longer than ${MAX_ROW_LENGTH} characters`;
    default:
      return `not valid CSV: ${error.message}`;
  }
}
