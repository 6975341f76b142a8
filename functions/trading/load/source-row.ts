/** One row as a file holds it, before mapping and validation. */
export interface SourceRow {
  /** 1-based: the physical line (CSV: where the record starts; JSON Lines), or the array position (JSON). */
  readonly line: number;
  /** The parsed row: any JSON value (JSON), or header → cell text for the non-blank cells (CSV). */
  readonly row: unknown;
  /** True for a CSV row: its keys are dotted headers and its values text to convert by the schema. */
  readonly fromCsv: boolean;
  /** Why the row is bad before it is even read (a CSV row with the wrong number of cells). */
  readonly problem?: string;
}
