/**
 * What the loader needs of a data store: the reading half of the trading `DataStore`
 * (`functions/trading/store/`). Any `DataStore` is one; so is a test's three-method stub.
 */
export interface DayStore {
  /** The URIs of the files in a folder (full URIs, or names relative to the folder). */
  list(uri: string): Promise<string[]>;
  /** The file's bytes as they are stored (still gzipped for a `.gz`), chunk by chunk. */
  open(uri: string): Promise<AsyncIterable<Uint8Array>>;
  /** A small text file whole (the manifest, the mapping). */
  readText(uri: string): Promise<string>;
}
