import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withStorageRetry } from "#checkpoint";
import { backoffDelay, classifyError, withRetry } from "#core";
import { InvalidInputError, SwitchyardError } from "#engine";
import { withModelRetry } from "#models";

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe("classifyError", () => {
  it.each([
    ["DynamoDB throttle", named("ProvisionedThroughputExceededException")],
    ["SFN throttle", named("ThrottlingException")],
    ["HTTP 429", { status: 429 }],
    ["HTTP 503 from the SDK", { $metadata: { httpStatusCode: 503 } }],
    ["request timeout 408", { statusCode: 408 }],
    ["TimeoutError", named("TimeoutError")],
    ["dropped connection", { code: "ECONNRESET" }],
    ["fetch failed wrapping a reset", new TypeError("fetch failed", { cause: { code: "ECONNRESET" } })],
    ["SDK-marked retryable", { $retryable: { throttling: false } }],
    ["a retryable Switchyard error", new SwitchyardError("Switchyard.Busy", "busy", { retryable: true })],
  ])("%s is retryable", (_, err) => {
    expect(classifyError(err)).toBe("retryable");
  });

  it.each([
    ["validation", named("ValidationException", { $metadata: { httpStatusCode: 400 } })],
    ["conditional check", named("ConditionalCheckFailedException", { $metadata: { httpStatusCode: 400 } })],
    ["auth 403", { status: 403 }],
    ["conflict 409", { status: 409 }],
    ["access denied", named("AccessDeniedException")],
    ["invalid workflow input", new InvalidInputError("triage", [{ path: "x", message: "bad" }])],
    ["an unknown bug", new Error("undefined is not a function")],
    ["not an error at all", "boom"],
  ])("%s is fatal", (_, err) => {
    expect(classifyError(err)).toBe("fatal");
  });
});

describe("withRetry", () => {
  const instant = { sleep: async () => {}, random: () => 1 };

  it("retries a throttled call with growing backoff until it succeeds", async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 4) throw named("ThrottlingException");
        return "written";
      },
      { ...instant, maxAttempts: 5, initialDelayMs: 100, onRetry: (r) => delays.push(r.delayMs) },
    );

    expect(result).toBe("written");
    expect(calls).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  it("never retries a fatal error", async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw named("ValidationException");
      },
      { ...instant, maxAttempts: 5 },
    );

    await expect(failing).rejects.toMatchObject({ name: "ValidationException" });
    expect(calls).toBe(1);
  });

  it("gives up after maxAttempts with the last error", async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw named("TimeoutError", { message: `attempt ${calls}` });
      },
      { ...instant, maxAttempts: 3 },
    );

    await expect(failing).rejects.toThrow("attempt 3");
    expect(calls).toBe(3);
  });

  it("caps the backoff and spreads it with full jitter", () => {
    expect(backoffDelay({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: "none" }, 10)).toBe(1_000);
    expect(backoffDelay({ initialDelayMs: 100, random: () => 0.5 }, 3)).toBe(200);
  });
});

describe("one classifier", () => {
  const named2 = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });
  const cases: [string, unknown][] = [
    ["DynamoDB throttle", named2("ProvisionedThroughputExceededException")],
    ["Bedrock throttle", named2("ThrottlingException")],
    ["HTTP 503", { $metadata: { httpStatusCode: 503 } }],
    ["dropped connection", Object.assign(new Error("reset"), { code: "ECONNRESET" })],
    ["validation", named2("ValidationException")],
    ["conditional check", named2("ConditionalCheckFailedException")],
    ["unknown tool", new Error("unknown tool get_prices")],
    ["a bug", new Error("undefined is not a function")],
  ];

  // The model and storage loops are the one loop with their own defaults: each repeats exactly
  // what classifyError calls retryable (a failure once, then success) and gives up on the rest.
  it.each(cases)(
    "model calls and checkpoint writes retry %s exactly when classifyError says so",
    async (_, err) => {
      // Prepare
      const retryable = classifyError(err) === "retryable";
      const instant = { sleep: async () => {}, random: () => 0 };
      const failOnce = () => {
        let calls = 0;
        return async () => {
          if (calls++ === 0) throw err;
          return "ok";
        };
      };
      // Act
      const model = await withModelRetry(failOnce(), instant).then(
        () => "retried",
        () => "gave up",
      );
      const storage = await withStorageRetry({ maxAttempts: 3, ...instant }, failOnce()).then(
        () => "retried",
        () => "gave up",
      );
      // Assess
      expect(model).toBe(retryable ? "retried" : "gave up");
      expect(storage).toBe(retryable ? "retried" : "gave up");
    },
  );

  it("imports nothing from the project, so the bottom module may hold it", () => {
    const source = readFileSync(new URL("../../functions/core/retry.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/\bfrom\s+["'](#|\.)/);
  });
});
