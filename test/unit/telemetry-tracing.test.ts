import { context, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { contextFromAttributes, contextFromXRayHeader, createTelemetry, traceAttributes } from "#telemetry";

describe("trace context across AWS", () => {
  it("continues the X-Ray trace of a Lambda invocation (W3C-compatible ids)", () => {
    const ctx = contextFromXRayHeader(
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    );
    expect(trace.getSpanContext(ctx ?? context.active())).toMatchObject({
      traceId: "5759e988bd862e3fe1be46a994272793",
      spanId: "53995c3f42cd8ad8",
      isRemote: true,
    });
    expect(contextFromXRayHeader("Root=garbage")).toBeUndefined();
    expect(contextFromXRayHeader(undefined)).toBeUndefined();
  });

  it("makes spans under the X-Ray parent part of the same trace", () => {
    const telemetry = createTelemetry({
      capture: true,
      logLevel: "SILENT",
      remoteParent: () =>
        contextFromXRayHeader("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8"),
    });
    telemetry.observer.onPlan?.(
      { workflow: "triage", threadId: "th-1", checkpointId: "c1", step: 0, status: "succeeded", tasks: [] },
      "start",
    );
    const [span] = telemetry.capture?.spans() ?? [];
    expect(span?.spanContext().traceId).toBe("5759e988bd862e3fe1be46a994272793");
    expect(span?.parentSpanContext?.spanId).toBe("53995c3f42cd8ad8");
  });

  it("carries the active span through SQS message attributes and back", () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const span = telemetry.tracing.tracer.startSpan("dispatch");

    // Act
    const attributes = context.with(trace.setSpan(context.active(), span), () => traceAttributes());
    const received = contextFromAttributes(JSON.parse(JSON.stringify(attributes)));

    // Assess
    expect(attributes.traceparent?.DataType).toBe("String");
    expect(trace.getSpanContext(received ?? context.active())).toMatchObject({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      isRemote: true,
    });
    expect(contextFromAttributes({})).toBeUndefined();
  });
});
