/**
 * Where trading data is read and written: one {@link DataStore} over local paths, `file://`
 * URLs and `s3://bucket/key` — S3 being the real store (the data bucket: `incoming/` for what
 * arrives, `runs/` for what runs write), local paths for development and tests. Bodies are
 * streamed, so a day of any size is never held whole.
 *
 * @example
 * const store = storeFor("s3://switchyard-dev-data/incoming/2026-11-24/", { s3 });
 * const text = await store.readText("s3://switchyard-dev-data/incoming/2026-11-24/trades.csv");
 */
export { contentTypeFor } from "./content-type.ts";
export {
  BadUriError,
  DataNotFoundError,
  StoreAccessDeniedError,
  StoreNotConfiguredError,
  StoreUnavailableError,
} from "./errors.ts";
export { storeFor } from "./for-uri.ts";
export { localStore } from "./local.ts";
export { routeBucket, routedClient } from "./routes.ts";
export { PART_BYTES, s3Store } from "./s3.ts";
export { s3ClientFromEnv } from "./s3-client.ts";
export type { DataLocation, DataStore } from "./types.ts";
export { joinUri, parseDataUri, s3Uri } from "./uri.ts";
