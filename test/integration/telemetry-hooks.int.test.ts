import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FunctionSlot } from "#engine";
import { CATALOG, createTelemetry, GENAI, PrometheusRegistry } from "#telemetry";
import { agentWorkflow } from "../unit/telemetry-fixture.ts";

/** The test's own count of the model and tool calls LangChain reports. */
class CallCounter extends BaseCallbackHandler {
  readonly name = "call-counter";
  chats = 0;
  tools = 0;
  override handleChatModelStart() {
    this.chats++;
  }
  override handleToolStart() {
    this.tools++;
  }
}

/** Every node Lambda invocation of a run, by node, as the local Step Functions made them. */
function countingNodes(counts: Record<string, number>) {
  return (slot: FunctionSlot, handler: (event: unknown) => Promise<unknown>) => async (event: unknown) => {
    const node = (event as { node?: string }).node;
    if (slot.role === "node" && node) counts[node] = (counts[node] ?? 0) + 1;
    return handler(event);
  };
}

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "telemetry-hooks" });
});
afterAll(async () => {
  await aws?.stop();
});

describe("telemetry hooks on the local Step Functions runner (per-node hosting)", () => {
  it("with nothing exporting spans: no handler, and the observer counts every node attempt, retry and call", async () => {
    // Prepare
    const prometheus = new PrometheusRegistry();
    const telemetry = createTelemetry({ prometheus, logLevel: "SILENT" });
    const hooks = telemetry.hooks({ rootIsRun: false });
    const warnings = vi.spyOn(telemetry.logger, "warn");
    const counter = new CallCounter();
    const attempts: Record<string, number> = {};

    // Act
    const result = await runOnStepFunctions(
      agentWorkflow({ name: "agent-hooks" }),
      {},
      {
        aws,
        retryIntervalMs: 1,
        observer: hooks.observer,
        callbacks: [...(hooks.callbacks ?? []), counter],
        wrapHandler: countingNodes(attempts),
      },
    );
    await telemetry.flush();

    // Assess
    expect(result.status).toBe("succeeded");
    expect(hooks.callbacks).toBeUndefined();
    expect(attempts).toEqual({ research: 1, flaky: 2, report: 1 });
    const text = prometheus.render();
    const value = (series: string) =>
      Number(
        text
          .split("\n")
          .find((l) => l.startsWith(`${series} `))
          ?.split(" ")[1] ?? 0,
      );
    const node = (name: string) => `workflow="agent-hooks",node="${name}"`;
    for (const [name, n] of Object.entries(attempts)) {
      expect(value(`switchyard_node_duration_milliseconds_count{${node(name)}}`)).toBe(n);
    }
    // The ASL Retry re-ran flaky: one failed attempt, one retry.
    expect(value(`switchyard_node_errors_total{${node("flaky")}}`)).toBe(1);
    expect(value(`switchyard_node_retries_total{${node("flaky")}}`)).toBe(1);
    // The failed attempt is logged with the node's own error code, not LangGraph's stored copy.
    const failed = warnings.mock.calls.filter(([message]) => message === "node attempt failed");
    expect(failed.map(([, a]) => (a as { error: { type: string } }).error.type)).toEqual(["Test.Flaky"]);
    expect(value('switchyard_runs_succeeded_total{workflow="agent-hooks"}')).toBe(1);
    expect(value('switchyard_model_requests_total{model="switchyard-offline-policy",status="ok"}')).toBe(
      counter.chats,
    );
    expect(counter.chats).toBeGreaterThanOrEqual(2);
  });

  it("with spans captured: spans from the observer (no handler), each call counted once", async () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const hooks = telemetry.hooks({ rootIsRun: false });
    const counter = new CallCounter();

    // Act
    const result = await runOnStepFunctions(
      agentWorkflow({ name: "agent-hooks-spans" }),
      {},
      { aws, retryIntervalMs: 1, observer: hooks.observer, callbacks: [...(hooks.callbacks ?? []), counter] },
    );
    await telemetry.flush();

    // Assess
    expect(result.status).toBe("succeeded");
    const spans = telemetry.capture?.spans() ?? [];
    const chats = spans.filter((s) => s.name === "chat switchyard-offline-policy");
    expect(chats).toHaveLength(counter.chats);
    expect(chats.every((c) => Number(c.attributes[GENAI.inputTokens]) > 0)).toBe(true);
    const [research] = spans.filter((s) => s.name === "invoke_agent research");
    expect(chats.every((c) => c.parentSpanContext?.spanId === research?.spanContext().spanId)).toBe(true);
    const m = telemetry.capture?.metrics;
    expect(m?.sum(CATALOG.modelRequests)).toBe(counter.chats);
    expect(m?.sum(CATALOG.toolCalls)).toBe(counter.tools);
    expect(m?.sum(CATALOG.nodeRetries, { Node: "flaky" })).toBe(1);
    expect(m?.sum(CATALOG.runsSucceeded, { Workflow: "agent-hooks-spans" })).toBe(1);
  });
});
