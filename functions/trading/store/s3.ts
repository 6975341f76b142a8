import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import { storeError } from "./classify.ts";
import { contentTypeFor } from "./content-type.ts";
import { BadUriError, DataNotFoundError } from "./errors.ts";
import { collectText, typedChunks } from "./stream.ts";
import type { DataStore } from "./types.ts";
import { parseDataUri, s3Uri } from "./uri.ts";

/**
 * Bodies up to this size go in one PutObject; larger ones in parts of this size, four at a time
 * (each part retried on its own). Under the embedded S3's 11 MiB request limit, and S3's 5 MiB minimum part.
 */
export const PART_BYTES = 8 * 1024 * 1024;

/**
 * Amazon S3 (or the embedded S3) as a {@link DataStore}, through the caller's SDK v3 client
 * (its region, credentials, endpoint and retries apply: a throttle surfaces here only after the
 * SDK's own attempts, as retryable `Trading.StoreUnavailable`).
 *
 * ```
 * list   s3://b/p/       ListObjectsV2 Prefix=p/, every page; folder markers (keys ending '/') left out
 * list   s3://b/p/k      HeadObject k: the object lists itself; else as the folder s3://b/p/k/
 * open   s3://b/p/k      GetObject: the response body streamed, never buffered whole
 * write  s3://b/p/k      PutObject, or a multipart upload over 8 MiB (content type from the extension unless given)
 * exists s3://b/p/k      HeadObject: 404 → false
 * ```
 * Grants a reader needs: `s3:ListBucket` on the bucket (without it a missing key answers 403,
 * not 404), `s3:GetObject` on the keys, and the bucket key's `kms:Decrypt`; a writer
 * `s3:PutObject` (which covers the multipart calls), `s3:AbortMultipartUpload`, and the key's
 * `kms:GenerateDataKey` and `kms:Decrypt`.
 *
 * @example
 * const store = s3Store(new S3Client({}));
 * for (const uri of await store.list("s3://switchyard-dev-data/incoming/2026-11-24/")) {
 *   for await (const chunk of await store.open(uri)) parser.write(chunk);
 * }
 */
export function s3Store(client: S3Client): DataStore {
  const store: DataStore = {
    async list(uri) {
      const { bucket, key } = s3Location(uri);
      if (key !== "" && !key.endsWith("/") && (await store.exists(uri))) return [uri];
      const prefix = key === "" || key.endsWith("/") ? key : `${key}/`;
      const keys: string[] = [];
      try {
        for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
          for (const object of page.Contents ?? []) {
            if (object.Key !== undefined && !object.Key.endsWith("/")) keys.push(object.Key);
          }
        }
      } catch (err) {
        throw storeError(uri, "list", err);
      }
      return keys.map((k) => s3Uri(bucket, k)).sort();
    },

    async open(uri) {
      const { bucket, key } = objectLocation(uri);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        // In Node the body is an IncomingMessage: a Readable, and so an AsyncIterable of Buffers.
        const body = (out.Body ?? []) as AsyncIterable<Uint8Array>;
        return typedChunks(uri, body);
      } catch (err) {
        throw storeError(uri, "open", err);
      }
    },

    async readText(uri) {
      return collectText(await store.open(uri));
    },

    async write(uri, body, contentType) {
      const { bucket, key } = objectLocation(uri);
      try {
        // Imported here: a Lambda that only reads days never loads the multipart uploader (lib/bundling).
        const { Upload } = await import("@aws-sdk/lib-storage");
        // A failed multipart upload is aborted (its parts deleted), so nothing is left half-written.
        await new Upload({
          client,
          params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType ?? contentTypeFor(key) },
          partSize: PART_BYTES,
          queueSize: 4,
          leavePartsOnError: false,
        }).done();
      } catch (err) {
        throw storeError(uri, "write", err);
      }
    },

    async exists(uri) {
      const { bucket, key } = s3Location(uri);
      if (key === "" || key.endsWith("/")) return false; // a prefix, not an object
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (err) {
        const typed = storeError(uri, "exists", err);
        if (typed instanceof DataNotFoundError) return false;
        throw typed;
      }
    },
  };
  return store;
}

function s3Location(uri: string): { bucket: string; key: string } {
  const location = parseDataUri(uri);
  if (location.scheme !== "s3")
    throw new BadUriError(uri, "not an s3:// URI (storeFor picks the store by scheme)");
  return location;
}

/** The bucket and key of one object: a URI naming a prefix (empty, or ending in '/') is refused. */
function objectLocation(uri: string): { bucket: string; key: string } {
  const location = s3Location(uri);
  if (location.key === "" || location.key.endsWith("/")) {
    throw new BadUriError(uri, "it names a folder (a key prefix), not an object");
  }
  return location;
}
