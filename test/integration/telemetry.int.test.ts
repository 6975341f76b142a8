import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { recoverOnStepFunctions, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOG, createTelemetry, GENAI, PrometheusRegistry } from "#telemetry";
import { agentWorkflow } from "../unit/telemetry-fixture.ts";

/** A span as OTLP/HTTP JSON carries it (ids are hex strings). */
interface OtlpSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  traceId: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  links?: { spanId: string; traceId: string }[];
}

/** The smallest OTLP/HTTP trace receiver: keeps every span POSTed to /v1/traces. */
async function startReceiver(): Promise<{
  server: Server;
  url: string;
  spans: OtlpSpan[];
  metrics: string[];
}> {
  const spans: OtlpSpan[] = [];
  const metrics: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/v1/traces") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
        };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      if (req.url === "/v1/metrics") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[];
        };
        for (const rm of body.resourceMetrics)
          for (const sm of rm.scopeMetrics) metrics.push(...sm.metrics.map((m) => m.name));
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, metrics };
}

const attr = (span: OtlpSpan | undefined, key: string) => {
  const v = span?.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : Number(v.intValue));
};

let aws: LocalAws;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "telemetry" });
  receiver = await startReceiver();
});
afterAll(async () => {
  await aws?.stop();
  await new Promise((resolve) => receiver?.server.close(resolve));
});

describe("telemetry on the local Step Functions runner, exported over OTLP/HTTP", () => {
  it("sends invoke_workflow → invoke_agent → chat / execute_tool spans with their parents", async () => {
    // Prepare
    receiver.spans.length = 0;
    const telemetry = createTelemetry({
      otlpEndpoint: receiver.url,
      otlpMetricsUrl: `${receiver.url}/v1/metrics`,
      logLevel: "SILENT",
    });
    const workflow = agentWorkflow();

    // Act
    const result = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        retryIntervalMs: 1,
        callbacks: [telemetry.callbacks({ rootIsRun: false })],
        observer: telemetry.observer,
      },
    );
    await telemetry.flush();

    // Assess
    expect(result.status).toBe("succeeded");
    const named = (name: string) => receiver.spans.filter((s) => s.name === name);
    const [run] = named("invoke_workflow agent-demo");
    expect(attr(run, GENAI.operationName)).toBe("invoke_workflow");
    const [research] = named("invoke_agent research");
    expect(research?.parentSpanId).toBe(run?.spanId);
    const chats = named("chat switchyard-offline-policy");
    expect(chats.length).toBeGreaterThanOrEqual(2);
    expect(chats.every((c) => c.parentSpanId === research?.spanId)).toBe(true);
    expect(attr(chats[0], GENAI.providerName)).toBe("switchyard.offline");
    expect(Number(attr(chats[0], GENAI.inputTokens))).toBeGreaterThan(0);
    const [tool] = named("execute_tool get_trade");
    expect(tool?.parentSpanId).toBe(research?.spanId);
    expect(attr(tool, GENAI.toolName)).toBe("get_trade");
    // The ASL Retry re-ran flaky: two attempts, the first with its error type.
    expect(named("invoke_agent flaky").map((s) => attr(s, GENAI.errorType))).toEqual([
      "Test.Flaky",
      undefined,
    ]);
    expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(1);
    // The same points went out as OTLP metrics (for AMP), under their Prometheus names.
    expect(receiver.metrics).toEqual(
      expect.arrayContaining([
        "switchyard_runs_started",
        "switchyard_token_usage",
        "switchyard_node_duration_milliseconds",
      ]),
    );
  });

  it("links a recovered run to the failed one, and measures the recovery time", async () => {
    // Prepare: flaky fails all three attempts of the first execution, then recovers.
    receiver.spans.length = 0;
    const prometheus = new PrometheusRegistry();
    const telemetry = createTelemetry({
      otlpEndpoint: receiver.url,
      capture: true,
      prometheus,
      logLevel: "SILENT",
    });
    const workflow = agentWorkflow({ failures: 3, name: "agent-recovery" });
    const hooks = { callbacks: [telemetry.callbacks({ rootIsRun: false })], observer: telemetry.observer };

    // Act
    const failed = await runOnStepFunctions(workflow, {}, { aws, retryIntervalMs: 1, ...hooks });
    const recovered = await recoverOnStepFunctions(workflow, failed.threadId, {
      aws,
      retryIntervalMs: 1,
      ...hooks,
    });
    await telemetry.flush();

    // Assess
    expect([failed.status, recovered.status]).toEqual(["failed", "succeeded"]);
    const runs = receiver.spans.filter((s) => s.name === "invoke_workflow agent-recovery");
    expect(runs).toHaveLength(2);
    const [first, second] = runs;
    expect(second?.links?.[0]?.spanId).toBe(first?.spanId);
    const m = telemetry.capture?.metrics;
    expect(m?.sum(CATALOG.runsFailed, { Workflow: "agent-recovery" })).toBe(1);
    expect(m?.sum(CATALOG.runsSucceeded, { Workflow: "agent-recovery" })).toBe(1);
    expect(m?.points.filter((p) => p.metric === CATALOG.recoveryTime)).toHaveLength(1);
    expect(prometheus.render()).toMatch(
      /switchyard_recovery_time_milliseconds_count\{workflow="agent-recovery"\} 1/,
    );
  });
});
