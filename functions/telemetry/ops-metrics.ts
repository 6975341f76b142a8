import { CATALOG } from "./catalog.ts";
import type { Metrics } from "./metrics.ts";

/**
 * The reliability metrics the ops code (dispatcher, redrive, notifier) emits, as functions so
 * their dimensions are spelled once. `queue` is the queue's role (`requests-dlq`,
 * `failed-runs`), never a URL; `channel` is where an alert goes (`sns`, `slack`).
 *
 * @example
 * recordDeadLetter(telemetry.metrics, "requests-dlq");
 * recordAlert(telemetry.metrics, "sns", { suppressed: "duplicate" });
 */
export function recordDeadLetter(metrics: Metrics, queue: string, count = 1): void {
  metrics.emit(CATALOG.deadLetters, count, { Queue: queue });
}

/** Messages or failed runs sent back to run again. */
export function recordRedrive(metrics: Metrics, queue: string, count = 1): void {
  metrics.emit(CATALOG.redrives, count, { Queue: queue });
}

/** An alert sent, or suppressed with the reason (`duplicate`, `rate-limited`, ...). */
export function recordAlert(metrics: Metrics, channel: string, outcome: { suppressed?: string } = {}): void {
  if (outcome.suppressed)
    metrics.emit(CATALOG.alertsSuppressed, 1, { Channel: channel, Reason: outcome.suppressed });
  else metrics.emit(CATALOG.alertsSent, 1, { Channel: channel });
}

/** The recovery time of a thread whose failure another process recorded (ops: failure timestamp → resume). */
export function recordRecovery(
  metrics: Metrics,
  workflow: string,
  failedAt: Date,
  recoveredAt = new Date(),
): void {
  metrics.emit(CATALOG.recoveryTime, recoveredAt.getTime() - failedAt.getTime(), { Workflow: workflow });
}
