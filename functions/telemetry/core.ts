import type { Context, Tracer } from "@opentelemetry/api";
import type { TelemetryLogger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import type { RunRegistry } from "./runs.ts";

/**
 * What the callbacks and the observer share in one process: where metrics, spans and logs go,
 * and the runs seen so far. Built by `createTelemetry`; tests build one with capturing sinks.
 */
export interface TelemetryCore {
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  readonly logger: TelemetryLogger;
  readonly runs: RunRegistry;
  /** The workflow of this process when nothing else says (Lambda: `WORKFLOW_NAME`). */
  readonly defaultWorkflow?: string;
  /** The remote parent of spans with no parent here (Lambda: the X-Ray trace of the execution). */
  readonly remoteParent?: () => Context | undefined;
}
