/**
 * Switchyard telemetry: the metric catalog and the one `emit` behind it (EMF, Prometheus, local
 * capture), OpenTelemetry GenAI spans (callbacks and the engine observer), structured logs with
 * correlation ids and redaction, cost estimates, and the X-Ray/SQS trace-context helpers.
 */
export { errorType } from "./call-metrics.ts";
export { TelemetryCallbackHandler, type TelemetryCallbackOptions } from "./callbacks.ts";
export {
  ALL_METRICS,
  CATALOG,
  type CatalogMetric,
  type Dimension,
  type DimensionsOf,
  type MetricDefinition,
  type MetricId,
  type MetricKind,
  type MetricScope,
  type MetricUnit,
  metricNamed,
  prometheusLabel,
  prometheusName,
} from "./catalog.ts";
export type { TelemetryCore } from "./core.ts";
export {
  AWS_PRICES,
  type AwsUsage,
  awsCost,
  EXPRESS_BILLING,
  expressExecutionCost,
  MODEL_PRICES,
  SUPERSTEP_AWS_USAGE,
  superstepAwsCost,
  type TokenPrice,
  tokenCost,
  UNKNOWN_MODEL_PRICE,
} from "./cost.ts";
export { MetricDimensionsError, RunNotCapturedError, TelemetryError } from "./errors.ts";
export { telemetryFromEnv } from "./from-env.ts";
export { GENAI, type GenAiOperation, providerName, SWITCHYARD } from "./genai.ts";
export { instrumentHandler } from "./lambda.ts";
export { beginRun, endRun, type RunEnd } from "./lifecycle.ts";
export {
  eventFilter,
  LOG_EVENTS,
  LOG_QUERIES,
  type LogEventDefinition,
  type LogEventName,
  type LogLevel,
  type LogQuery,
  logEvent,
} from "./log-events.ts";
export {
  type Correlation,
  createLogger,
  type LoggerOptions,
  REDACTED,
  redactor,
  type TelemetryLogger,
} from "./logger.ts";
export { EmfSink, MemorySink, type MetricSink, Metrics } from "./metrics.ts";
export { createTelemetryObserver } from "./observer.ts";
export { recordAlert, recordDeadLetter, recordRecovery, recordRedrive } from "./ops-metrics.ts";
export {
  type CatalogPanel,
  DASHBOARDS,
  type DashboardSpec,
  type DataSource,
  type Panel,
  type PanelStat,
  panelsFor,
  STATES_METRICS,
  type StatesMetric,
  type StatesMetricId,
  type StatesPanel,
} from "./panels.ts";
export { PrometheusRegistry } from "./prometheus.ts";
export { DEAD_LETTER_QUEUES, queueLabel } from "./queue-labels.ts";
export { RunRegistry, type RunState } from "./runs.ts";
export {
  type Capture,
  createTelemetry,
  type Telemetry,
  type TelemetryHooks,
  type TelemetryOptions,
} from "./telemetry.ts";
export { type AlarmThresholds, DEFAULT_THRESHOLDS } from "./thresholds.ts";
export {
  contextFromAttributes,
  contextFromXRayHeader,
  createTracing,
  type MessageAttributes,
  type Tracing,
  type TracingOptions,
  traceAttributes,
} from "./tracer.ts";
