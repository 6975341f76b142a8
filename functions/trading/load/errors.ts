import { TradingDataError } from "../errors.ts";

/** Where in a file a whole-file failure was found. `line` and `column` are 1-based. */
export interface FileLocation {
  /** The file's URI as the loader was given or listed it (or the option at fault). */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * A file of a trading day that cannot be read at all: a JSON syntax error, an unterminated CSV
 * quote, a missing header row, a top level of the wrong shape, a file the day has no use for, no
 * trades file, a mapping or manifest that fails validation. The whole load is refused (the CLI
 * exits 2, the API answers 400); bad rows, by contrast, are quarantined and the load goes on.
 *
 * The message reads `file:line:column: reason`, as far as the location is known.
 */
export class DayFormatError extends TradingDataError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly reason: string;

  constructor(where: FileLocation, reason: string, options: { cause?: unknown } = {}) {
    super("Trading.BadFile", `${locationText(where)}: ${reason}`, options);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.reason = reason;
  }
}

function locationText({ file, line, column }: FileLocation): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}
