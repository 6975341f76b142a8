import { SwitchyardError } from "#core";

/**
 * Errors of the operations module (dead letters, failed runs, alerts). They
 * extend the one base error (`SwitchyardError` from `functions/core/errors.ts`), so every code is
 * stable under minification (docs/architecture.md, "House style" §3).
 */

/** A message on the failed-runs queue (or an EventBridge event) that names no run. */
export class InvalidFailedRunError extends SwitchyardError {
  constructor(detail: string) {
    super("Switchyard.InvalidFailedRun", `Invalid failed-run record: ${detail}`);
  }
}

/** The queue service cannot do what was asked (e.g. `StartMessageMoveTask` on the emulator). */
export class UnsupportedOperationError extends SwitchyardError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("Switchyard.Unsupported", message, options);
  }
}
