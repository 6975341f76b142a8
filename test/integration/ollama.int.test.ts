import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createToolAgent } from "#agents";
import { readEnv } from "#config";
import { classifyError } from "#core";
import { createChatModel } from "#models";
import { tradingDayStore } from "#tools";
import { generateDay } from "#trading/generate";
import { specialistTools } from "#workflows";

/**
 * A fake Ollama on loopback speaking `/api/chat` as ollama-js reads it: with `stream: true`
 * (which ChatOllama always sends) the answer is NDJSON — message chunks with `done: false`,
 * then one `done: true` line carrying `prompt_eval_count`/`eval_count`; tool calls arrive as
 * `message.tool_calls: [{ function: { name, arguments: {...} } }]` (arguments an object).
 * Errors are a status with `{ "error": "..." }`, which ollama-js throws as `ResponseError`.
 */
type Scripted =
  | { readonly kind: "toolCall"; readonly name: string; readonly args: Record<string, unknown> }
  | { readonly kind: "final"; readonly content: string }
  | { readonly kind: "error"; readonly status: number; readonly message: string };

interface ChatRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly messages: { role: string; content: string; tool_calls?: unknown[] }[];
  readonly tools?: { function: { name: string } }[];
}

const MODEL = "qwen3:test";
let server: Server;
let baseUrl: string;
let script: Scripted[] = [];
let requests: ChatRequest[] = [];

function respond(res: ServerResponse, next: Scripted | undefined) {
  if (!next)
    return void res.writeHead(500, { "content-type": "application/json" }).end('{"error":"script ran out"}');
  if (next.kind === "error") {
    res.writeHead(next.status, { "content-type": "application/json" });
    return void res.end(JSON.stringify({ error: next.message }));
  }
  const at = "2026-11-24T18:00:00Z";
  const message =
    next.kind === "toolCall"
      ? {
          role: "assistant",
          content: "",
          tool_calls: [{ function: { name: next.name, arguments: next.args } }],
        }
      : { role: "assistant", content: next.content };
  const lines = [
    { model: MODEL, created_at: at, message, done: false },
    {
      model: MODEL,
      created_at: at,
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "stop",
      prompt_eval_count: 42,
      eval_count: 7,
    },
  ];
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  res.end(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "POST" || req.url !== "/api/chat") return void res.writeHead(404).end();
  let body = "";
  for await (const chunk of req) body += chunk;
  requests.push(JSON.parse(body) as ChatRequest);
  respond(res, script.shift());
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await once(server, "close");
});
beforeEach(() => {
  script = [];
  requests = [];
});

const DAY = generateDay({ seed: 5, trades: 200 }).day;
const day = () => DAY;
const ollama = () =>
  createChatModel(readEnv({ MODEL_PROVIDER: "ollama", OLLAMA_BASE_URL: baseUrl, OLLAMA_MODEL: MODEL }), {
    agent: "classifier",
  });
const classifier = (sleeps: number[] = []) =>
  createToolAgent({
    name: "classifier",
    model: ollama(),
    tools: Object.values(specialistTools("pricing", tradingDayStore(day()))),
    systemPrompt: "Gather the facts behind the break.",
    retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    logger: { warn: () => {} },
  });

describe("ChatOllama against a fake Ollama on loopback", () => {
  it("round-trips a tool call: request, real tool run, answer back, final reply", async () => {
    // Prepare
    const trade = day().trades[0];
    script = [
      { kind: "toolCall", name: "get_trade", args: { tradeId: trade?.tradeId } },
      { kind: "final", content: "booked as expected" },
    ];
    // Act
    const run = await classifier().invoke(`Look at ${trade?.tradeId}`);
    // Assess
    expect(run.final).toBe("booked as expected");
    expect(run.toolCalls).toEqual([
      expect.objectContaining({ name: "get_trade", args: { tradeId: trade?.tradeId }, ok: true }),
    ]);
    expect(run.usage).toEqual({ inputTokens: 84, outputTokens: 14 });
    expect(run.model).toEqual({ provider: "ollama", model: MODEL, offline: false });
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ model: MODEL, stream: true });
    expect(requests[0]?.tools?.map((t) => t.function.name)).toEqual([
      "get_trade",
      "get_confirmations",
      "get_instrument",
      "get_market_price",
    ]);
    const second = requests[1]?.messages ?? [];
    expect(second.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(second[2]?.tool_calls).toEqual([
      expect.objectContaining({ function: { name: "get_trade", arguments: { tradeId: trade?.tradeId } } }),
    ]);
    expect(JSON.parse(second[3]?.content ?? "")).toMatchObject({
      tradeId: trade?.tradeId,
      desk: trade?.desk,
    });
  });

  it("classifies a 500 as retryable, and the agent retries it to success", async () => {
    // Prepare
    script = [{ kind: "error", status: 500, message: "model runner crashed" }];
    const failure = await (await ollama()).invoke([new HumanMessage("hi")]).catch((e: unknown) => e);
    script = [
      { kind: "error", status: 500, message: "model runner crashed" },
      { kind: "final", content: "recovered" },
    ];
    requests = [];
    const sleeps: number[] = [];
    // Act
    const run = await classifier(sleeps).invoke("anything to report?");
    // Assess
    expect(failure).toMatchObject({ name: "ResponseError", status_code: 500 });
    expect(classifyError(failure)).toBe("retryable");
    expect(run.final).toBe("recovered");
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([250]);
  });

  it("classifies a 400 as fatal, and the agent gives up without retrying", async () => {
    // Prepare
    script = [
      { kind: "error", status: 400, message: "invalid tool schema" },
      { kind: "final", content: "never reached" },
    ];
    // Act
    const failure = await classifier()
      .invoke("go")
      .catch((e: unknown) => e);
    // Assess
    expect(failure).toMatchObject({
      code: "Models.Rejected",
      attempts: 1,
      cause: expect.objectContaining({ status_code: 400 }),
    });
    expect(classifyError((failure as Error).cause)).toBe("fatal");
    expect(requests).toHaveLength(1);
  });
});
