import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Env } from "#config";
import type { Telemetry } from "#telemetry";
import { telemetryFromEnv } from "#telemetry/from-env";
import { lambdaHandler } from "./wiring/lambda.ts";

/** A handler's telemetry, and the wrapper each of its entry points goes through. */
export interface LambdaTelemetry {
  /** Undefined with `TELEMETRY=off`: entry points then run bare. */
  readonly telemetry: Telemetry | undefined;
  /** X-Ray subsegment, OTel span, log correlation and the flush around one entry point (`lambdaHandler`). */
  instrument<R>(
    role: string,
    fn: (event: unknown) => Promise<R>,
  ): (event: unknown, context?: unknown) => Promise<R>;
  /** Powertools' X-Ray tracer, for `lambdaHandler`; undefined with `TELEMETRY=off`. */
  readonly xray: Tracer | undefined;
}

/**
 * Every handler's telemetry preamble, in one place: the telemetry its environment configures and
 * a Powertools X-Ray tracer beside it, built once per cold start at module scope.
 *
 * @example
 * const { telemetry, instrument } = lambdaTelemetry(readEnv());
 * export const handler = instrument("dispatcher", (event) => dispatchBatch(event as SqsEvent, deps));
 */
export function lambdaTelemetry(env: Env): LambdaTelemetry {
  const telemetry = telemetryFromEnv(env);
  const xray = telemetry ? new Tracer({ serviceName: env.OTEL_SERVICE_NAME }) : undefined;
  return { telemetry, xray, instrument: (role, fn) => lambdaHandler({ role, telemetry, xray }, fn) };
}
