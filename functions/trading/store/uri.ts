import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BadUriError } from "./errors.ts";
import type { DataLocation } from "./types.ts";

/** `scheme://` at the start of a URI; anything without one is a local path. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** S3 bucket naming rules: 3–63 characters, lower-case letters, digits, '.' and '-', alphanumeric at both ends. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * Reads a data URI. An S3 key is taken verbatim (no percent-decoding: keys are names, not URL
 * paths); a `file://` URL is decoded to its path; anything without a scheme is a local path,
 * kept as given (relative paths resolve against the working directory when used).
 *
 * @example
 * parseDataUri("s3://switchyard-dev-data/incoming/2026-11-24/trades.csv"); // { scheme: "s3", bucket: "switchyard-dev-data", key: "incoming/2026-11-24/trades.csv" }
 * parseDataUri("file:///srv/day%201/"); // { scheme: "file", path: "/srv/day 1/" }
 * parseDataUri("fixtures/day"); // { scheme: "file", path: "fixtures/day" }
 */
export function parseDataUri(uri: string): DataLocation {
  if (typeof uri !== "string" || uri.length === 0) throw new BadUriError(String(uri), "it is empty");
  if (uri.includes("\0")) throw new BadUriError(uri, "it contains a NUL character");
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return { scheme: "file", path: uri };
  if (scheme === "file") {
    try {
      return { scheme: "file", path: fileURLToPath(uri) };
    } catch (err) {
      throw new BadUriError(uri, `not a local file URL (${(err as Error).message})`);
    }
  }
  if (scheme !== "s3")
    throw new BadUriError(uri, `scheme "${scheme}" is not supported (s3://, file:// or a path)`);
  const rest = uri.slice(uri.indexOf("://") + 3);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? "" : rest.slice(slash + 1);
  if (!BUCKET.test(bucket) || bucket.includes("..")) {
    throw new BadUriError(uri, `"${bucket}" is not an S3 bucket name`);
  }
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new BadUriError(uri, `the key is over S3's ${MAX_KEY_BYTES} bytes`);
  }
  return { scheme: "s3", bucket, key };
}

/**
 * `s3://bucket/key` for a bucket and key (the inverse of {@link parseDataUri} for S3).
 *
 * @example
 * s3Uri("switchyard-dev-data", "runs/r1/summary.json"); // "s3://switchyard-dev-data/runs/r1/summary.json"
 */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * A URI under `base`, in base's own form (an S3 URI, a `file://` URL or a path): parts are
 * joined with one `/` each, empty parts skipped, and a last part ending in `/` (or just `/`)
 * makes a folder URI. A `..` segment is refused: joining never leaves the base.
 *
 * @example
 * joinUri("s3://switchyard-dev-data/runs/", "reconciliation_1", "breaks.json"); // "s3://switchyard-dev-data/runs/reconciliation_1/breaks.json"
 * joinUri("/srv/data", "2026-11-24/"); // "/srv/data/2026-11-24/"
 * joinUri("s3://switchyard-dev-data", "runs", runId, "/"); // "s3://switchyard-dev-data/runs/<runId>/"
 * joinUri("file:///srv/data/", "day 1", "trades.csv"); // "file:///srv/data/day%201/trades.csv"
 */
export function joinUri(base: string, ...parts: string[]): string {
  const location = parseDataUri(base);
  const segments: string[] = [];
  for (const part of parts) {
    if (part.includes("\0")) throw new BadUriError(part, "it contains a NUL character");
    for (const segment of part.split("/")) {
      if (segment === "..")
        throw new BadUriError(`${base} + ${parts.join(", ")}`, "'..' would leave the base");
      if (segment !== "" && segment !== ".") segments.push(segment);
    }
  }
  if (segments.length === 0) return base;
  const trailing = parts.at(-1)?.endsWith("/") ? "/" : "";
  if (location.scheme === "s3") {
    const prefix = location.key === "" || location.key.endsWith("/") ? location.key : `${location.key}/`;
    return s3Uri(location.bucket, `${prefix}${segments.join("/")}${trailing}`);
  }
  const path = `${join(location.path, ...segments)}${trailing}`;
  return SCHEME.test(base) ? pathToFileURL(path).href : path;
}
