import { MemorySaver } from "@langchain/langgraph";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { runInProcessWith, type WorkflowDefinition } from "#engine";
import {
  ALL_METRICS,
  CATALOG,
  createTelemetry,
  GENAI,
  MetricDimensionsError,
  PrometheusRegistry,
  prometheusName,
  tokenCost,
} from "#telemetry";
import { agentWorkflow } from "./telemetry-fixture.ts";

async function runWithTelemetry(workflow: WorkflowDefinition = agentWorkflow()) {
  const prometheus = new PrometheusRegistry();
  const telemetry = createTelemetry({ capture: true, prometheus, logLevel: "SILENT" });
  const callbacks = [telemetry.callbacks({ rootIsRun: true, workflow: workflow.name })];
  const result = await runInProcessWith(workflow, {}, { saver: new MemorySaver(), callbacks });
  await telemetry.flush();
  const capture = telemetry.capture;
  if (!capture) throw new Error("capture missing");
  return { result, capture, prometheus };
}

const byName = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const parentOf = (spans: readonly ReadableSpan[], span: ReadableSpan | undefined) =>
  spans.find((s) => s.spanContext().spanId === span?.parentSpanContext?.spanId);

describe("the metric catalog", () => {
  it("names every metric once, with a unit, dimensions and a meaning", () => {
    const names = ALL_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of ALL_METRICS) {
      expect(m.description.length, m.name).toBeGreaterThan(20);
      expect(prometheusName(m)).toMatch(/^switchyard_[a-z_]+$/);
    }
    expect(CATALOG.tokenUsage.otel).toBe("gen_ai.client.token.usage");
    expect(CATALOG.modelLatency.otel).toBe("gen_ai.client.operation.duration");
  });

  it("refuses a point whose dimensions are not the catalog's", () => {
    const telemetry = createTelemetry({ logLevel: "SILENT" });
    const wrong = () => telemetry.metrics.emit(CATALOG.nodeErrors, 1, { Workflow: "triage" } as never);
    expect(wrong).toThrow(MetricDimensionsError);
  });
});

describe("telemetry of an in-process agent run", () => {
  it("opens invoke_workflow, invoke_agent per node, chat per model call and execute_tool per tool call", async () => {
    // Act
    const { result, capture } = await runWithTelemetry();
    const spans = capture.spans();

    // Assess
    expect(result.status).toBe("succeeded");
    const [workflowSpan] = byName(spans, "invoke_workflow agent-demo");
    expect(workflowSpan?.attributes[GENAI.operationName]).toBe("invoke_workflow");
    const research = byName(spans, "invoke_agent research")[0];
    expect(parentOf(spans, research)).toBe(workflowSpan);
    const chats = byName(spans, "chat switchyard-offline-policy");
    expect(chats.length).toBeGreaterThanOrEqual(2);
    for (const chat of chats) {
      expect(parentOf(spans, chat)).toBe(research);
      expect(chat.attributes).toMatchObject({
        [GENAI.operationName]: "chat",
        [GENAI.providerName]: "switchyard.offline",
        [GENAI.requestModel]: "switchyard-offline-policy",
      });
      expect(chat.attributes[GENAI.inputTokens]).toBeGreaterThan(0);
      expect(chat.attributes[GENAI.outputTokens]).toBeGreaterThan(0);
    }
    const tool = byName(spans, "execute_tool get_trade")[0];
    expect(tool?.attributes[GENAI.toolName]).toBe("get_trade");
    expect(parentOf(spans, tool)).toBe(research);
    // The flaky node: one failed attempt (error.type from the error's code), one that succeeded.
    const flaky = byName(spans, "invoke_agent flaky");
    expect(flaky.map((s) => s.attributes[GENAI.errorType])).toEqual(["Test.Flaky", undefined]);
  });

  it("counts the run, its nodes, retries, errors, model calls, tokens and tool calls", async () => {
    // Act
    const { capture, prometheus } = await runWithTelemetry();
    const m = capture.metrics;

    // Assess
    expect(m.sum(CATALOG.runsStarted, { Workflow: "agent-demo" })).toBe(1);
    expect(m.sum(CATALOG.runsSucceeded, { Workflow: "agent-demo" })).toBe(1);
    expect(m.sum(CATALOG.runsFailed)).toBe(0);
    expect(m.sum(CATALOG.nodeErrors, { Node: "flaky" })).toBe(1);
    expect(m.sum(CATALOG.nodeRetries, { Node: "flaky" })).toBe(1);
    expect(m.points.filter((p) => p.metric === CATALOG.nodeDuration).length).toBe(4);
    expect(
      m.sum(CATALOG.modelRequests, { Model: "switchyard-offline-policy", Status: "ok" }),
    ).toBeGreaterThanOrEqual(2);
    expect(m.sum(CATALOG.tokenUsage, { TokenType: "input" })).toBeGreaterThan(0);
    expect(m.sum(CATALOG.toolCalls, { Tool: "get_trade", Status: "ok" })).toBe(1);
    expect(prometheus.render()).toContain('switchyard_runs_succeeded_total{workflow="agent-demo"} 1');
  });

  it("ends a failing run failed, with the error's code on its span", async () => {
    // Act
    const { result, capture } = await runWithTelemetry(agentWorkflow({ failures: 5 }));

    // Assess
    expect(result.status).toBe("failed");
    expect(capture.metrics.sum(CATALOG.runsFailed, { Workflow: "agent-demo" })).toBe(1);
    expect(capture.metrics.sum(CATALOG.nodeRetries, { Node: "flaky" })).toBe(2);
    const [workflowSpan] = byName(capture.spans(), "invoke_workflow agent-demo");
    expect(workflowSpan?.attributes[GENAI.errorType]).toBe("Test.Flaky");
    expect(workflowSpan?.status.code).toBe(2);
  });
});

describe("cost", () => {
  it("prices tokens by the table, and offline and self-hosted models at zero", () => {
    expect(tokenCost({ provider: "openai", model: "gpt-4o-mini" }, 1_000_000, 1_000_000)).toBeCloseTo(0.75);
    expect(tokenCost({ provider: "offline", model: "switchyard-offline-policy" }, 5000, 5000)).toBe(0);
    expect(tokenCost({ provider: "bedrock", model: "some-new-model" }, 1_000_000, 0)).toBe(3);
  });
});
