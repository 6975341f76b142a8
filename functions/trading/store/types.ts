/**
 * Where trading data lives, by URI: a local path (absolute or relative, a folder or a file),
 * a `file://` URL, or `s3://bucket/prefix/key`. One interface over both, so a loader reads a
 * day the same way from a developer's folder, the embedded S3 and the deployed data bucket.
 *
 * Folders: a local folder, or an S3 key prefix (which has no existence of its own: an S3
 * prefix with no objects lists nothing, where a missing local folder is `Trading.DataNotFound`).
 * Errors are typed (`./errors.ts`): `Trading.DataNotFound`, `Trading.BadUri`,
 * `Trading.AccessDenied`, and `Trading.StoreUnavailable` (retryable) for throttles and 5xx.
 */
export interface DataStore {
  /** Object or file URIs directly or recursively under a folder/prefix, sorted; a file URI lists itself. */
  list(uri: string): Promise<string[]>;
  /** The bytes of one object/file as a stream of chunks (Node Readable / AsyncIterable<Uint8Array>), so a 1 GB file is never held whole. */
  open(uri: string): Promise<AsyncIterable<Uint8Array>>;
  /** The whole object/file as UTF-8 text (a leading byte-order mark dropped). */
  readText(uri: string): Promise<string>;
  /** Writes (replaces) one object/file; a local file's folders are created, and readers never see it half-written. */
  write(uri: string, body: string | Uint8Array, contentType?: string): Promise<void>;
  /** Whether the object/file exists. */
  exists(uri: string): Promise<boolean>;
}

/** A parsed data URI: a local path (as given, relative ones against the working directory) or an S3 location. */
export type DataLocation = { scheme: "file"; path: string } | { scheme: "s3"; bucket: string; key: string };
