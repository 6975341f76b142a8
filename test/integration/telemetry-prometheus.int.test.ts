import { runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_METRICS, createTelemetry, PrometheusRegistry, prometheusName } from "#telemetry";
import { PROMETHEUS_CONTENT_TYPE, startMetricsServer } from "../../local/metrics-server.ts";
import { agentWorkflow } from "../unit/telemetry-fixture.ts";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "prometheus" });
});
afterAll(async () => {
  await aws?.stop();
});

describe("GET /metrics after a local run", () => {
  it("serves the run's counters in the Prometheus text format", async () => {
    // Prepare
    const registry = new PrometheusRegistry();
    const telemetry = createTelemetry({ prometheus: registry, logLevel: "SILENT" });
    const server = await startMetricsServer(registry);
    try {
      // Act
      const result = await runOnStepFunctions(
        agentWorkflow({ name: "agent-prom" }),
        {},
        {
          aws,
          retryIntervalMs: 1,
          callbacks: [telemetry.callbacks({ rootIsRun: false })],
          observer: telemetry.observer,
        },
      );
      const response = await fetch(server.url);
      const text = await response.text();

      // Assess
      expect(result.status).toBe("succeeded");
      expect(response.headers.get("content-type")).toBe(PROMETHEUS_CONTENT_TYPE);
      expect(text).toContain('switchyard_runs_started_total{workflow="agent-prom"} 1');
      expect(text).toContain('switchyard_runs_succeeded_total{workflow="agent-prom"} 1');
      expect(text).toContain('switchyard_node_errors_total{workflow="agent-prom",node="flaky"} 1');
      expect(text).toContain('switchyard_tool_calls_total{tool="get_trade",status="ok"} 1');
      expect(text).toMatch(
        /switchyard_token_usage_total\{model="switchyard-offline-policy",token_type="input"\} [1-9]\d*/,
      );
      expect(text).toMatch(
        /switchyard_node_duration_milliseconds_count\{workflow="agent-prom",node="research"\} 1/,
      );
      for (const m of ALL_METRICS) expect(text).toContain(`# TYPE ${prometheusName(m)} `);
      expect((await fetch(server.url.replace("/metrics", "/other"))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
