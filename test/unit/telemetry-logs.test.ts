import { describe, expect, it, vi } from "vitest";
import { createLogger, createTelemetry, REDACTED, redactor } from "#telemetry";
import { lambdaHandler } from "#wiring";

describe("structured logs", () => {
  it("redacts secret keys, configured fields and secret-shaped values, nested or not", () => {
    // Prepare
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      serviceName: "test",
      level: "SILENT",
      redactFields: ["iban"],
      capture: (l) => lines.push(l),
    });

    // Act
    log.info("run started", {
      apiKey: "abc123",
      request: {
        headers: { Authorization: "Bearer eyJhbGciOi.payload.sig" },
        iban: "DE89370400440532013000",
      },
      note: "fallback key sk-proj-abcdefghijklmnop1234 in use",
      // AWS's documented placeholder key id, assembled so no credential-like literal is committed.
      aws: { accessKeyId: `${"AKIA"}IOSFODNN7EXAMPLE` },
      inputTokens: 120,
    });

    // Assess
    const [line] = lines;
    expect(line).toMatchObject({
      apiKey: REDACTED,
      request: { headers: { Authorization: REDACTED }, iban: REDACTED },
      note: `fallback key ${REDACTED} in use`,
      aws: { accessKeyId: REDACTED },
      inputTokens: 120,
    });
    expect(JSON.stringify(line)).not.toMatch(/abc123|eyJhbGciOi|DE8937|sk-proj|AKIAIOSF/);
  });

  it("writes redacted JSON to stdout through Powertools", () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    try {
      createLogger({ serviceName: "test", level: "INFO" }).info("run started", { password: "hunter2" });
      const printed = [...write.mock.calls, ...info.mock.calls].map((c) => String(c[0])).join("");
      expect(printed).toContain('"password":"[REDACTED]"');
      expect(printed).not.toContain("hunter2");
      expect(JSON.parse(printed.trim().split("\n").at(-1) ?? "{}")).toMatchObject({
        level: "INFO",
        service: "test",
      });
    } finally {
      write.mockRestore();
      info.mockRestore();
    }
  });

  it("puts the correlation ids on every line of a call, and only that call", async () => {
    // Prepare
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ serviceName: "test", level: "SILENT", capture: (l) => lines.push(l) });

    // Act: two concurrent calls, as the local Map runs tasks.
    await Promise.all(
      ["t1", "t2"].map((taskId) =>
        log.withCorrelation(
          { runId: "run-1", threadId: "th-1", workflow: "triage", node: "classify", taskId },
          async () => {
            await new Promise((r) => setTimeout(r, 5));
            log.info("task ended");
          },
        ),
      ),
    );
    log.info("run ended");

    // Assess
    expect(
      lines
        .slice(0, 2)
        .map((l) => l.taskId)
        .sort(),
    ).toEqual(["t1", "t2"]);
    expect(lines[0]).toMatchObject({
      runId: "run-1",
      threadId: "th-1",
      workflow: "triage",
      node: "classify",
    });
    expect(lines[2]?.taskId).toBeUndefined();
  });

  it("the redactor leaves token counts alone", () => {
    expect(JSON.parse(JSON.stringify({ outputTokens: 3, sessionToken: "x" }, redactor([])))).toEqual({
      outputTokens: 3,
      sessionToken: REDACTED,
    });
  });
});

describe("a handler through lambdaHandler (Powertools middlewares around instrumentHandler)", () => {
  it("logs with the event's ids, spans the call and flushes even when it throws", async () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const flush = vi.spyOn(telemetry, "flush");
    const handler = lambdaHandler({ role: "run-node", telemetry }, async () => {
      telemetry.logger.info("task ended");
      throw Object.assign(new Error("boom"), { code: "Test.Boom" });
    });

    // Act
    const call = handler({ workflow: "triage", threadId: "th-9", taskId: "task-1", node: "classify" });

    // Assess
    await expect(call).rejects.toThrow("boom");
    expect(flush).toHaveBeenCalledOnce();
    expect(telemetry.capture?.logs[0]).toMatchObject({
      workflow: "triage",
      threadId: "th-9",
      taskId: "task-1",
      node: "classify",
    });
    const [span] = telemetry.capture?.spans() ?? [];
    expect(span?.name).toBe("switchyard.run-node");
    expect(span?.attributes["error.type"]).toBe("Test.Boom");
  });
});
