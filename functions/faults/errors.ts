import { SwitchyardError } from "#core";

/**
 * The `FAULTS` setting cannot be parsed, or asks for faults where they are refused. It extends the
 * one base error (`SwitchyardError` from `functions/core/errors.ts`), so its code is stable under
 * minification (docs/architecture.md, "House style" §3).
 */
export class InvalidFaultsError extends SwitchyardError {
  constructor(detail: string) {
    super("Switchyard.InvalidFaults", `FAULTS: ${detail}`);
  }
}
