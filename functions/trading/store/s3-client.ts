import { S3Client } from "@aws-sdk/client-s3";

/** One client per region and endpoint, for the life of the process (a Lambda's warm starts reuse it). */
const CLIENTS = new Map<string, S3Client>();

/**
 * The process's S3 client, from the environment the stack (or the embedded AWS) sets: the
 * region from `AWS_REGION`, the endpoint from `AWS_ENDPOINT_URL_S3` when set — then path-style
 * addressing, since a local endpoint (`http://127.0.0.1:<port>`) has no per-bucket host names.
 * Without an endpoint it is the plain SDK client: AWS's endpoint, the standard credential chain.
 *
 * @example
 * const store = storeFor(uri, { s3: s3ClientFromEnv() });
 */
export function s3ClientFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): S3Client {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || undefined;
  const key = `${region ?? ""} ${endpoint ?? ""}`;
  let client = CLIENTS.get(key);
  if (!client) {
    client = new S3Client({
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    });
    CLIENTS.set(key, client);
  }
  return client;
}
