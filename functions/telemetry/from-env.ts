import { type Env, redactFields } from "#config";
import { createTelemetry, type Telemetry, type TelemetryOptions } from "./telemetry.ts";
import { contextFromXRayHeader } from "./tracer.ts";

/**
 * Telemetry as the environment configures it, or undefined when `TELEMETRY=off`. In Lambda
 * (`AWS_LAMBDA_FUNCTION_NAME` set) metrics go out as EMF and spans continue the X-Ray trace of
 * the invocation (`_X_AMZN_TRACE_ID`, read per span: it changes with every invocation).
 *
 * @example
 * const telemetry = telemetryFromEnv(readEnv());
 */
export function telemetryFromEnv(
  env: Env,
  extra: Partial<TelemetryOptions> = {},
  processEnv: Record<string, string | undefined> = process.env,
): Telemetry | undefined {
  if (env.TELEMETRY === "off") return undefined;
  const inLambda = processEnv.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const redact = redactFields(env);
  return createTelemetry({
    serviceName: env.OTEL_SERVICE_NAME,
    namespace: env.METRICS_NAMESPACE,
    emf: inLambda,
    logLevel: env.LOG_LEVEL,
    logSampleRate: env.LOG_SAMPLE_RATE,
    ...(redact.length ? { redactFields: redact } : {}),
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    // The standard variable names the full URL of the metrics endpoint (…/v1/metrics).
    ...(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT
      ? { otlpMetricsUrl: env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT }
      : {}),
    ...(processEnv.WORKFLOW_NAME ? { defaultWorkflow: processEnv.WORKFLOW_NAME } : {}),
    ...(inLambda ? { remoteParent: () => contextFromXRayHeader(processEnv._X_AMZN_TRACE_ID) } : {}),
    ...extra,
  });
}
