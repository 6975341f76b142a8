import { classifyError } from "#core";
import { TradingDataError } from "../errors.ts";
import { DataNotFoundError, StoreAccessDeniedError, StoreUnavailableError } from "./errors.ts";

/** S3 error names (and local `code`s) meaning the thing is not there. */
const NOT_FOUND = new Set(["NoSuchKey", "NotFound", "NoSuchBucket", "ENOENT", "ENOTDIR"]);
/** Refused by IAM, a bucket or key policy, or the file system. */
const DENIED = new Set([
  "AccessDenied",
  "Forbidden",
  "AllAccessDisabled",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "EACCES",
  "EPERM",
]);
/** Local conditions that pass: too many open files, a busy or temporarily unavailable resource. */
const LOCAL_TRANSIENT = new Set(["EMFILE", "ENFILE", "EAGAIN", "EBUSY"]);

/**
 * The typed error for a failure of `action` on `uri`, from an S3 (SDK v3) or `node:fs` error:
 * missing → `Trading.DataNotFound`, refused → `Trading.AccessDenied`, what the project's one
 * retry classifier (`classifyError` in `#core`) calls retryable (throttles, 5xx, timeouts, dropped connections)
 * → `Trading.StoreUnavailable` retryable, anything else → the same, not retryable. A caller's
 * abort is passed through unchanged, and so is an error that is already a trading error.
 */
export function storeError(uri: string, action: string, err: unknown): Error {
  if (err instanceof TradingDataError) return err;
  const e = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown; $metadata?: unknown };
  const name = typeof e.name === "string" ? e.name : "";
  const code = typeof e.code === "string" ? e.code : "";
  if (name === "AbortError" && err instanceof Error) return err;
  const status = (e.$metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode;
  const what = `${name || code || "Error"}${typeof e.message === "string" && e.message ? `: ${e.message}` : ""}`;
  const detail = `${action} failed (${what.slice(0, 300)})`;
  if (NOT_FOUND.has(name) || NOT_FOUND.has(code) || status === 404) {
    return new DataNotFoundError(uri, notFoundDetail(name || code), { cause: err });
  }
  if (DENIED.has(name) || DENIED.has(code) || status === 403 || name.startsWith("KMS.")) {
    return new StoreAccessDeniedError(uri, detail, { cause: err });
  }
  const retryable = LOCAL_TRANSIENT.has(code) || classifyError(err) === "retryable";
  return new StoreUnavailableError(uri, detail, { cause: err, retryable });
}

function notFoundDetail(name: string): string {
  if (name === "NoSuchBucket") return "no such bucket";
  if (name === "ENOTDIR") return "a path component is a file, not a folder";
  return "no such file or object";
}
