import type { S3Client } from "@aws-sdk/client-s3";
import { StoreNotConfiguredError } from "./errors.ts";
import { localStore } from "./local.ts";
import { routedClient } from "./routes.ts";
import { s3Store } from "./s3.ts";
import type { DataStore } from "./types.ts";
import { parseDataUri } from "./uri.ts";

/** One S3 store per client, so picking a store per URI costs nothing. */
const S3_STORES = new WeakMap<S3Client, DataStore>();

/**
 * The store that reads `uri`: the local file system for paths and `file://` URLs, S3 for
 * `s3://` URIs — through the client routed for the bucket (`routeBucket`: the embedded AWS),
 * else `clients.s3` (`Trading.StoreNotConfigured` when there is none, and `Trading.BadUri` for
 * anything else).
 *
 * @example
 * const s3 = new S3Client({});
 * const store = storeFor(input.data.uri, { s3 });
 * const files = await store.list(input.data.uri);
 */
export function storeFor(uri: string, clients: { s3?: S3Client }): DataStore {
  const location = parseDataUri(uri);
  if (location.scheme === "file") return localStore();
  const client = routedClient(location.bucket) ?? clients.s3;
  if (!client) throw new StoreNotConfiguredError(uri, "an s3:// URI, but no S3 client was given");
  let store = S3_STORES.get(client);
  if (!store) {
    store = s3Store(client);
    S3_STORES.set(client, store);
  }
  return store;
}
