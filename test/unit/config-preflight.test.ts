import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError, checkModelSettings, missingModelSettings } from "#config";
import { createChatModel, ModelCallError, withModelRetry } from "#models";

/**
 * Configuration checked before anything starts (issue #14, item 8): a provider without its
 * settings is refused by the CLI (exit 2) and the local server (no server), naming every missing
 * setting; a model endpoint that refuses connections is retried with backoff and then fails as
 * unavailable, naming the URL.
 */

describe("missingModelSettings / checkModelSettings: one table per provider", () => {
  it.each([
    [{}, []],
    [{ MODEL_PROVIDER: "offline" as const }, []],
    [{ MODEL_PROVIDER: "bedrock" as const }, ["BEDROCK_MODEL_ID"]],
    [{ MODEL_PROVIDER: "ollama" as const, OLLAMA_BASE_URL: "http://127.0.0.1:11434" }, ["OLLAMA_MODEL"]],
    [{ MODEL_PROVIDER: "ollama" as const }, ["OLLAMA_BASE_URL", "OLLAMA_MODEL"]],
    [
      { MODEL_PROVIDER: "openai" as const, OPENAI_MODEL: "gpt" },
      ["OPENAI_API_KEY (or OPENAI_API_KEY_SECRET_ARN)"],
    ],
    [
      {
        MODEL_PROVIDER: "openai" as const,
        OPENAI_MODEL: "gpt",
        OPENAI_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:k",
      },
      [],
    ],
  ])("%j lacks %j", (env, missing) => {
    expect(missingModelSettings(env)).toEqual(missing);
  });

  it("names every missing setting in one ConfigurationError", () => {
    expect(() => checkModelSettings({ MODEL_PROVIDER: "openai" })).toThrow(
      new ConfigurationError(
        "MODEL_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_API_KEY_SECRET_ARN) and OPENAI_MODEL; they are not set.",
      ),
    );
    expect(() => checkModelSettings({})).not.toThrow();
  });

  it("createChatModel refuses by the same table, before loading the provider", async () => {
    await expect(
      createChatModel({ MODEL_PROVIDER: "ollama", AWS_REGION: "us-east-1" }, { agent: "a" }),
    ).rejects.toThrow("MODEL_PROVIDER=ollama needs OLLAMA_BASE_URL and OLLAMA_MODEL");
  });
});

// Two child processes side by side: each is seconds of tsx start-up, nothing else.
describe.concurrent("refused before anything starts", () => {
  const run = (script: string, args: string[], env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", script, ...args], {
      env: {
        ...process.env,
        MODEL_PROVIDER: "",
        OPENAI_API_KEY: "",
        OPENAI_MODEL: "",
        OLLAMA_MODEL: "",
        ...env,
      },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("the CLI: exit 2 naming the setting, and no run started", async () => {
    const r = await run("bin/switchyard.ts", ["run", "triage", "--memory"], {
      MODEL_PROVIDER: "openai",
      OPENAI_MODEL: "gpt-4o-mini",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "switchyard: MODEL_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_API_KEY_SECRET_ARN); it is not set.",
    );
    expect(r.stderr).not.toMatch(/step \d/);
    expect(r.stdout).toBe("");
  });

  it("the local server: exit 2 naming the settings, never listening", async () => {
    const r = await run("local/serve.ts", ["--memory"], { MODEL_PROVIDER: "ollama", PORT: "1" });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "switchyard serve: MODEL_PROVIDER=ollama needs OLLAMA_BASE_URL and OLLAMA_MODEL; they are not set.\n",
    );
  });
});

describe("a model endpoint that refuses connections", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is retried with backoff, then fails as Models.Unavailable naming the URL", async () => {
    // What undici throws for a refused connection (no socket is opened: a unit test).
    const refused = vi.fn(async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:11434"), { code: "ECONNREFUSED" }),
      });
    });
    vi.stubGlobal("fetch", refused);
    const model = await createChatModel(
      {
        MODEL_PROVIDER: "ollama",
        OLLAMA_BASE_URL: "http://127.0.0.1:11434",
        OLLAMA_MODEL: "llama3",
        AWS_REGION: "x",
      },
      { agent: "triage.classifier" },
    );
    const waits: number[] = [];

    const err = await withModelRetry(() => model.invoke("hello"), {
      maxAttempts: 3,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ModelCallError);
    expect(err).toMatchObject({ code: "Models.Unavailable", attempts: 3, retryable: true });
    expect((err as Error).message).toBe(
      "Model call still failing after 3 attempts: Model endpoint http://127.0.0.1:11434/api/chat is unreachable: fetch failed: connect ECONNREFUSED 127.0.0.1:11434",
    );
    expect(refused).toHaveBeenCalledTimes(3);
    expect(waits).toEqual([250, 500]); // full jitter at 0.5 of 500 ms, then of 1 s
  });

  it("an HTTP answer (a 404 for an unknown model) is not turned into unreachable", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ error: "model not found" }), { status: 404 })),
    );
    const model = await createChatModel(
      {
        MODEL_PROVIDER: "ollama",
        OLLAMA_BASE_URL: "http://127.0.0.1:11434",
        OLLAMA_MODEL: "nope",
        AWS_REGION: "x",
      },
      { agent: "triage.classifier" },
    );

    const err = await withModelRetry(() => model.invoke("hello"), { sleep: async () => undefined }).catch(
      (e: unknown) => e,
    );

    expect(err).toMatchObject({ code: "Models.Rejected", attempts: 1 });
    expect((err as Error).message).not.toContain("unreachable");
  });
});
