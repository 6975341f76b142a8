import { SwitchyardError } from "#core";

/**
 * Trading-data errors. Codes are stable (`Trading.*`) and survive minification; a bad file or
 * row is the caller's to fix, so none is retryable.
 */
export class TradingDataError extends SwitchyardError {
  constructor(code: `Trading.${string}`, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
