import type { Tracer as XRayTracer } from "@aws-lambda-powertools/tracer";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { errorType } from "./call-metrics.ts";
import { SWITCHYARD } from "./genai.ts";
import type { Telemetry } from "./telemetry.ts";

/** The ids a handler's event carries (engine payloads: workflow, thread, checkpoint, task). */
interface EventIds {
  readonly workflow?: string;
  readonly threadId?: string;
  readonly runId?: string;
  readonly taskId?: string;
  readonly node?: string;
}

/**
 * Switchyard's part of a Lambda entry point, inside Powertools' middlewares
 * (functions/handlers/wiring/lambda.ts: X-Ray subsegment, Lambda context in the logs, flush):
 * an OpenTelemetry span `switchyard.<role>` continuing the invocation's X-Ray trace, the event's
 * workflow, thread and node as annotations of the X-Ray subsegment, and the run's correlation
 * ids on every log line of the call (async-local: concurrent local calls never mix them).
 *
 * @example
 * const inner = instrumentHandler(telemetry, xray, "commit", (event) => engine.commit(event));
 */
export function instrumentHandler<R, A extends unknown[] = []>(
  telemetry: Telemetry | undefined,
  xray: XRayTracer | undefined,
  role: string,
  fn: (event: unknown, ...rest: A) => Promise<R>,
): (event: unknown, ...rest: A) => Promise<R> {
  if (!telemetry) return fn;
  return async (event: unknown, ...rest: A) => {
    const ids = (typeof event === "object" && event !== null ? event : {}) as EventIds;
    // The subsegment Powertools' captureLambdaHandler opened (none outside Lambda).
    if (xray?.isTracingEnabled() && xray.getSegment()) {
      if (ids.workflow) xray.putAnnotation("workflow", ids.workflow);
      if (ids.threadId) xray.putAnnotation("threadId", ids.threadId);
      if (ids.node) xray.putAnnotation("node", ids.node);
    }
    const parent = telemetry.core.remoteParent?.() ?? context.active();
    const span = telemetry.tracing.tracer.startSpan(
      `switchyard.${role}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [SWITCHYARD.handler]: role,
          ...(ids.workflow ? { [SWITCHYARD.workflow]: ids.workflow } : {}),
          ...(ids.threadId ? { [SWITCHYARD.threadId]: ids.threadId } : {}),
          ...(ids.node ? { [SWITCHYARD.node]: ids.node } : {}),
          ...(ids.taskId ? { [SWITCHYARD.taskId]: ids.taskId } : {}),
        },
      },
      parent,
    );
    const correlation = {
      workflow: ids.workflow,
      threadId: ids.threadId,
      runId: ids.runId,
      node: ids.node,
      taskId: ids.taskId,
      executionName: ids.runId,
    };
    try {
      return await telemetry.logger.withCorrelation(correlation, () =>
        context.with(trace.setSpan(parent, span), () => fn(event, ...rest)),
      );
    } catch (error) {
      span.setAttribute("error.type", errorType(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
      throw error;
    } finally {
      span.end();
    }
  };
}
