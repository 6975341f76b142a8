import type { S3Client } from "@aws-sdk/client-s3";

/** Buckets this process reaches through a client of their own: the embedded AWS's data bucket. */
const ROUTES = new Map<string, S3Client>();

/**
 * Serves `s3://<bucket>/…` through `client` in this process, whatever client the caller has —
 * how the embedded AWS (`local/`) points the handlers it runs in-process at its own S3, as
 * `AWS_ENDPOINT_URL_S3` does for a Lambda. Returns the undo. Nothing registers in AWS.
 *
 * @example
 * const unroute = routeBucket("switchyard-dev-data", localS3Client);
 * storeFor("s3://switchyard-dev-data/incoming/", { s3: s3ClientFromEnv() }); // reads the embedded S3
 * unroute();
 */
export function routeBucket(bucket: string, client: S3Client): () => void {
  ROUTES.set(bucket, client);
  return () => {
    if (ROUTES.get(bucket) === client) ROUTES.delete(bucket);
  };
}

/** The client routed for `bucket`, if any. */
export function routedClient(bucket: string): S3Client | undefined {
  return ROUTES.get(bucket);
}
