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
 * Wraps a Lambda entry point with Switchyard's tracing, logging and flushing:
 * an X-Ray subsegment (Powertools Tracer; workflow, thread and node as annotations), an
 * OpenTelemetry span `switchyard.<role>` continuing the invocation's X-Ray trace, correlation
 * ids on every log line, and — in `finally`, so failures too — EMF published and spans
 * exported before the function returns (a frozen Lambda would lose them).
 *
 * @example
 * export const handler = instrumentHandler(telemetry, xray, "commit", (event) => engine.commit(event));
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
    const segment = xray?.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${role}`);
    if (xray && subsegment) {
      xray.setSegment(subsegment);
      xray.annotateColdStart();
      xray.addServiceNameAnnotation();
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
      if (xray && error instanceof Error) xray.addErrorAsMetadata(error);
      throw error;
    } finally {
      span.end();
      subsegment?.close();
      if (xray && segment) xray.setSegment(segment);
      await telemetry.flush();
    }
  };
}
