import { SwitchyardError } from "#core";

/**
 * Errors of the ingress module (run requests, trade events). They extend the one base error
 * (`SwitchyardError` from `functions/core/errors.ts`), so every code is stable under minification
 * (docs/architecture.md, "House style" §3).
 */

/** A message on the requests queue that is not a valid run request: poison, never started. */
export class InvalidRunRequestError extends SwitchyardError {
  constructor(detail: string) {
    super("Switchyard.InvalidRunRequest", `Invalid run request: ${detail}`);
  }
}

/** A Kafka record on the trade-events topic that is not a trade event we can read. */
export class InvalidTradeEventError extends SwitchyardError {
  constructor(detail: string) {
    super("Switchyard.InvalidTradeEvent", `Invalid trade event: ${detail}`);
  }
}
