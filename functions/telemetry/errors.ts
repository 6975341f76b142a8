import { SwitchyardError } from "#engine";

/**
 * Telemetry errors, each with a stable `code`. Telemetry never fails a run: these are thrown
 * only at set-up (bad configuration) or for a programming error caught by tests (a metric
 * emitted with the wrong dimensions).
 */
export class TelemetryError extends SwitchyardError {}

/** A metric was emitted with dimensions its catalog entry does not list, or without one it does. */
export class MetricDimensionsError extends TelemetryError {
  constructor(metric: string, expected: readonly string[], got: readonly string[]) {
    super(
      "Telemetry.MetricDimensions",
      `${metric} takes dimensions [${expected.join(", ")}], got [${got.join(", ")}].`,
    );
  }
}

/** A run or thread named by `inspect --trace` or the report has no captured telemetry. */
export class RunNotCapturedError extends TelemetryError {
  constructor(run: string) {
    super("Telemetry.RunNotCaptured", `No telemetry was captured for run "${run}".`);
  }
}
