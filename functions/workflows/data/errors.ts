/** Raised for a dataset spec the generator cannot honour (bad date, size out of range). */
export class DatasetSpecError extends Error {
  /** Stable across minification; used in Step Functions `ErrorEquals`. */
  readonly code = "Data.InvalidSpec";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatasetSpecError";
  }
}
