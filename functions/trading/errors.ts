import { SwitchyardError } from "#core";

/**
 * Trading-data errors. Codes are stable (`Trading.*`) and survive minification. A bad file or
 * row is the caller's to fix, so none is retryable unless it says so: the one exception is a
 * store that could not answer (`Trading.StoreUnavailable`: throttled, 5xx, dropped connection).
 */
export class TradingDataError extends SwitchyardError {
  constructor(
    code: `Trading.${string}`,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, message, options);
  }
}
