import { TradingDataError } from "../errors.ts";

/**
 * What a {@link DataStore} throws, whichever backend answered: callers (loaders, nodes, the
 * Step Functions retriers by `ErrorEquals`) tell a missing day from a throttled bucket by code.
 */

/** The file, object, folder or bucket a URI names does not exist. Not retryable: the data is not there. */
export class DataNotFoundError extends TradingDataError {
  readonly uri: string;
  constructor(uri: string, detail = "no such file or object", options: { cause?: unknown } = {}) {
    super("Trading.DataNotFound", `${uri}: ${detail}.`, options);
    this.uri = uri;
  }
}

/** The URI cannot be read as a local path, `file://` URL or `s3://bucket/key`. */
export class BadUriError extends TradingDataError {
  readonly uri: string;
  constructor(uri: string, reason: string) {
    super("Trading.BadUri", `${JSON.stringify(uri.slice(0, 200))} is not a data URI: ${reason}.`);
    this.uri = uri;
  }
}

/**
 * The store could not answer now: throttled (`SlowDown`, 503), a server error, a timeout or a
 * dropped connection — retryable, after the SDK's own retries ran out. Also thrown, not
 * retryable, for a failure no retry can fix that is not one of the other codes.
 */
export class StoreUnavailableError extends TradingDataError {
  readonly uri: string;
  constructor(uri: string, detail: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super("Trading.StoreUnavailable", `${uri}: ${detail}.`, { retryable: true, ...options });
    this.uri = uri;
  }
}

/** The caller may not read or write there (IAM, bucket policy, KMS key, file mode): a grant is missing. */
export class StoreAccessDeniedError extends TradingDataError {
  readonly uri: string;
  constructor(uri: string, detail = "access denied", options: { cause?: unknown } = {}) {
    super("Trading.AccessDenied", `${uri}: ${detail}.`, options);
    this.uri = uri;
  }
}

/** An `s3://` URI was given where no S3 client was configured (`storeFor(uri, { s3 })`). */
export class StoreNotConfiguredError extends TradingDataError {
  readonly uri: string;
  constructor(uri: string, what: string) {
    super("Trading.StoreNotConfigured", `${uri}: ${what}.`);
    this.uri = uri;
  }
}
