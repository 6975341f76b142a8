import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import type { z } from "zod";
import { SwitchyardError } from "#core";
import type { Telemetry } from "#telemetry";
import { instrumentHandler } from "#telemetry/lambda";

/**
 * An event a Lambda cannot read: a wiring fault (the wrong source, a changed event shape), never
 * retried as if it could pass next time. The message names the first fields that failed.
 */
export class InvalidEventError extends SwitchyardError {
  constructor(lambda: string, detail: string) {
    super("Switchyard.InvalidEvent", `The ${lambda} Lambda cannot read its event: ${detail}`);
  }
}

/** The Lambda context as far as handlers read it (the API: the time left, for an idempotency lock). */
export interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

export interface LambdaOptions<S extends z.ZodType> {
  /** Names the Lambda in spans, logs and errors (`dispatcher`, `api`, …). */
  readonly role: string;
  readonly telemetry: Telemetry | undefined;
  /** Powertools' X-Ray tracer; absent (`TELEMETRY=off`): no subsegment. */
  readonly xray?: Tracer | undefined;
  /** The event's schema: the handler gets what it parses to, a bad event an {@link InvalidEventError}. */
  readonly event?: S;
  /** The id every log line of an invocation carries as `correlation_id` (the API: API Gateway's request id). */
  readonly correlationId?: (event: unknown) => string | undefined;
}

/**
 * A Lambda entry point through Powertools' middlewares, as Powertools' own examples compose them
 * with middy: the X-Ray subsegment (`captureLambdaHandler`), the Lambda context and correlation id
 * on every log line (`injectLambdaContext`), telemetry flushed after success and failure alike
 * (EMF and spans: a frozen Lambda would lose them), and the event parsed (`parser`) before the
 * handler sees it. Inside, `instrumentHandler` opens the OpenTelemetry span and the run's
 * correlation ids. With `TELEMETRY=off` only the parsing stays.
 *
 * @example
 * export const handler = lambdaHandler({ role: "dispatcher", telemetry, xray, event: SqsSchema },
 *   (event) => dispatchBatch(event, deps));
 */
export function lambdaHandler<S extends z.ZodType, R>(
  options: LambdaOptions<S>,
  fn: (event: z.output<S>, context: LambdaContext) => Promise<R>,
): (event: unknown, context?: unknown) => Promise<R> {
  const { telemetry, xray, role } = options;
  // The event reaching `inner` is what the parser middleware below produced from the schema.
  const inner = instrumentHandler(telemetry, xray, role, (event: unknown, context: LambdaContext) =>
    fn(event as z.output<S>, context),
  );
  const handler = middy(inner);
  if (telemetry) {
    if (xray) handler.use(captureLambdaHandler(xray, { captureResponse: false }));
    handler.use(injectLambdaContext(telemetry.logger.powertools, { resetKeys: true }));
    if (options.correlationId) handler.use(correlate(telemetry, options.correlationId));
    handler.use(flushAfter(telemetry));
  }
  if (options.event) {
    handler.use(parser({ schema: options.event, safeParse: true }));
    handler.use(refuseUnreadable(role, telemetry));
  }
  return (event, context) => handler(event, (context ?? {}) as never);
}

/** `correlation_id` on every line of this invocation (Powertools resets it after: `resetKeys`). */
function correlate(telemetry: Telemetry, idOf: (event: unknown) => string | undefined): MiddlewareObj {
  return {
    before: (request) => {
      const id = idOf(request.event);
      if (id) telemetry.logger.powertools.setCorrelationId(id);
    },
  };
}

/** EMF published and spans exported before the function returns, on success and on failure. */
function flushAfter(telemetry: Telemetry): MiddlewareObj {
  const flush = async () => {
    await telemetry.flush();
  };
  return { after: flush, onError: flush };
}

/** Powertools' safe parse leaves `{ success, data | error }`: the data goes on, a failure is refused by name. */
function refuseUnreadable(role: string, telemetry: Telemetry | undefined): MiddlewareObj {
  return {
    before: (request) => {
      const parsed = request.event as { success: boolean; data?: unknown; error?: unknown };
      if (parsed.success) {
        request.event = parsed.data;
        return;
      }
      const detail = issuesOf((parsed.error as { cause?: unknown })?.cause);
      const error = new InvalidEventError(role, detail);
      telemetry?.logger.error("event refused", { code: error.code, detail });
      throw error;
    },
  };
}

/** The first few Standard Schema issues (what Powertools' `ParseError` carries) as `path: message`. */
function issuesOf(issues: unknown): string {
  if (!Array.isArray(issues)) return "not the expected shape";
  const named = (issues as { message: string; path?: readonly unknown[] }[]).slice(0, 5).map((i) => {
    const path = (i.path ?? []).map((p) =>
      String(typeof p === "object" && p ? (p as { key: unknown }).key : p),
    );
    return path.length ? `event.${path.join(".")}: ${i.message}` : `event: ${i.message}`;
  });
  return issues.length > 5 ? `${named.join("; ")}; and ${issues.length - 5} more` : named.join("; ");
}
