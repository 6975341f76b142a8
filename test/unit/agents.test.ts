import { HumanMessage, mapStoredMessagesToChatMessages, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AgentConfigurationError,
  type AgentLogger,
  approvalKey,
  createToolAgent,
  isSideEffectTool,
} from "#agents";
import { readEnv } from "#config";
import { classifyError } from "#core";
import {
  type AgentPolicy,
  countMessageTokens,
  createChatModel,
  definePolicy,
  ModelCallError,
  ModelError,
  OfflinePolicyModel,
  PolicyRegistry,
  readConversation,
} from "#models";
import { type TradingDayStore, tradingDayStore } from "#tools";
import { generateDay } from "#trading/generate";
import { specialistTools, triageTools } from "#workflows";

// Factories -------------------------------------------------------------------------------

const DAY = generateDay({ seed: 11, trades: 300 }).day;
const day = () => DAY;
const aTrade = (i = 0) => {
  const trade = day().trades[i];
  if (!trade) throw new Error("the generated day has too few trades");
  return trade;
};

/** The real store, counting the lookups that would mean a tool ran. */
function countingStore() {
  const store = tradingDayStore(day());
  const counts = { trade: 0, price: 0, trades: 0 };
  const counted: TradingDayStore = {
    ...store,
    trade: (id) => {
      counts.trade++;
      return store.trade(id);
    },
    latestPrice: (id) => {
      counts.price++;
      return store.latestPrice(id);
    },
    trades: () => {
      counts.trades++;
      return store.trades();
    },
  };
  return { store: counted, counts };
}

// Two real grants: the pricing specialist's (investigation) and triage's risk agent's.
const agentTools = (agent: "pricing" | "risk", store: TradingDayStore) =>
  Object.values(agent === "pricing" ? specialistTools("pricing", store) : triageTools("risk", store));

function aLogger() {
  const warnings: { message: string; attributes: Record<string, unknown> }[] = [];
  const logger: AgentLogger = { warn: (message, attributes) => warnings.push({ message, attributes }) };
  return { logger, warnings };
}

/** A policy that asks for `calls` on its first turn, then answers "done". */
const callOnce = (calls: { name: string; args: Record<string, unknown> }[]): AgentPolicy =>
  definePolicy("call-once", (messages) =>
    readConversation(messages).turns === 0 ? { toolCalls: calls } : { final: "done" },
  );

const offline = (agent: string, policy?: AgentPolicy) =>
  new OfflinePolicyModel({ agent, ...(policy ? { policy } : {}) });

/** A side-effect tool that counts its runs and remembers the idempotency keys it was given. */
function anAmendTool() {
  const runs: { args: unknown; idempotencyKey: unknown }[] = [];
  const amend = tool(
    async (args, config) => {
      runs.push({ args, idempotencyKey: config?.configurable?.idempotencyKey });
      return { amended: args.tradeId };
    },
    {
      name: "amend_price",
      description: "Amend the price of a booking",
      schema: z.object({ tradeId: z.string().min(1), price: z.number().positive() }),
      metadata: { sideEffect: true },
    },
  );
  return { amend, runs };
}

describe("the tool agent loop over real trading tools", () => {
  it("runs the allowlisted tools over a generated day and answers", async () => {
    // Prepare
    const { store, counts } = countingStore();
    const trade = aTrade();
    const agent = createToolAgent({
      name: "pricing",
      model: createChatModel(readEnv({}), { agent: "pricing", policies: new PolicyRegistry() }),
      tools: agentTools("pricing", store),
      systemPrompt: "Gather the facts behind the break.",
    });
    // Act
    const run = await agent.invoke(JSON.stringify({ tradeId: trade.tradeId }));
    // Assess
    expect(run.toolCalls.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: "get_trade", ok: true },
      { name: "get_confirmations", ok: true },
      { name: "get_instrument", ok: true },
      { name: "get_market_price", ok: true },
    ]);
    expect(counts.price).toBe(1);
    expect(run.stopReason).toBe("final");
    expect(run.iterations).toBe(3);
    expect(JSON.parse(run.final ?? "").results.get_trade).toMatchObject({ desk: trade.desk });
    expect(run.model).toEqual({ provider: "offline", model: "switchyard-offline-policy", offline: true });
    expect(run.usage.inputTokens).toBeGreaterThan(0);
    expect(run.usage.outputTokens).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(run))).toEqual(run);
    expect(mapStoredMessagesToChatMessages(run.messages).map((m) => m.getType())).toEqual([
      "system",
      "human",
      "ai",
      "tool",
      "tool",
      "ai",
      "tool",
      "tool",
      "ai",
    ]);
  });

  it("follows the policy a workflow registered for the agent", async () => {
    // Prepare: the workflow's rule — read the desk's exposure, then say whether it is over a limit
    const trade = aTrade(3);
    const riskPolicy = definePolicy("test.risk", (messages) => {
      const { subject, calls } = readConversation(messages);
      const exposure = calls.find((c) => c.name === "get_desk_exposure")?.result as
        | { grossUsd: number }
        | undefined;
      if (!exposure) return { toolCalls: [{ name: "get_desk_exposure", args: { desk: subject.desk } }] };
      return { final: exposure.grossUsd > 1_000 ? "escalate" : "auto_fix" };
    });
    const policies = new PolicyRegistry().register("test.risk", riskPolicy);
    const agent = createToolAgent({
      name: "test.risk",
      model: createChatModel(readEnv({}), { agent: "test.risk", policies }),
      tools: agentTools("risk", tradingDayStore(day())),
    });
    // Act
    const run = await agent.invoke(JSON.stringify({ desk: trade.desk }));
    // Assess
    expect(run.final).toBe("escalate");
    expect(run.toolCalls).toEqual([
      expect.objectContaining({ name: "get_desk_exposure", args: { desk: trade.desk }, ok: true }),
    ]);
  });

  it("hands a tool's own failure back to the model as an error answer", async () => {
    const { logger } = aLogger();
    const agent = createToolAgent({
      name: "pricing",
      model: offline("pricing", callOnce([{ name: "get_trade", args: { tradeId: "T-NOPE" } }])),
      tools: agentTools("pricing", tradingDayStore(day())),
      logger,
    });
    const run = await agent.invoke("look it up");
    expect(run.toolCalls).toEqual([
      expect.objectContaining({
        name: "get_trade",
        ok: false,
        error: 'No trade "T-NOPE" in the trade data.',
      }),
    ]);
    const answer = mapStoredMessagesToChatMessages(run.messages).find((m) => ToolMessage.isInstance(m));
    expect(JSON.parse(String(answer?.content))).toMatchObject({ code: "Tools.NotFound" });
    expect(run.final).toBe("done");
  });
});

describe("the guard refuses what the agent may not run", () => {
  it("refuses a tool outside the allowlist, logs it and runs nothing", async () => {
    // Prepare
    const { store, counts } = countingStore();
    const { logger, warnings } = aLogger();
    const agent = createToolAgent({
      name: "pricing",
      model: offline("pricing", callOnce([{ name: "get_desk_exposure", args: { desk: aTrade().desk } }])),
      tools: agentTools("pricing", store),
      logger,
    });
    // Act
    const run = await agent.invoke("go");
    // Assess
    expect(run.toolCalls).toEqual([
      expect.objectContaining({ name: "get_desk_exposure", ok: false, refused: "Agents.UnknownTool" }),
    ]);
    expect(run.toolCalls[0]?.error).toContain(
      "allowed: get_trade, get_confirmations, get_instrument, get_market_price",
    );
    expect(counts.trades).toBe(0);
    expect(warnings).toEqual([
      expect.objectContaining({
        message: "tool call refused",
        attributes: expect.objectContaining({ tool: "get_desk_exposure", code: "Agents.UnknownTool" }),
      }),
    ]);
  });

  it.each([
    ["get_market_price", { instrumentId: "X".repeat(200) }, "at most 128 characters"],
    ["get_trade", { tradeId: "" }, "tradeId must not be empty"],
    ["get_trade", {}, "tradeId"],
  ])("refuses %s with arguments %o that fail its schema", async (name, args, why) => {
    const { store, counts } = countingStore();
    const agent = createToolAgent({
      name: "pricing",
      model: offline("pricing", callOnce([{ name, args }])),
      tools: agentTools("pricing", store),
      logger: aLogger().logger,
    });
    const run = await agent.invoke("go");
    expect(run.toolCalls[0]).toMatchObject({ name, ok: false, refused: "Agents.InvalidArguments" });
    expect(run.toolCalls[0]?.error).toContain(why);
    expect(counts).toEqual({ trade: 0, price: 0, trades: 0 });
  });
});

describe("side-effect tools need an approval", () => {
  const args = { tradeId: "T1", price: 101.5 };

  it("refuses without approval and reports the key that would approve exactly this call", async () => {
    // Prepare
    const { amend, runs } = anAmendTool();
    const agent = createToolAgent({
      name: "fixer",
      model: offline("fixer", callOnce([{ name: "amend_price", args }])),
      tools: [amend],
      logger: aLogger().logger,
    });
    // Act
    const run = await agent.invoke("fix T1");
    // Assess
    const key = approvalKey("fixer", "amend_price", args);
    expect(isSideEffectTool(amend)).toBe(true);
    expect(runs).toEqual([]);
    expect(run.toolCalls[0]).toMatchObject({
      ok: false,
      refused: "Agents.ApprovalRequired",
      approvalKey: key,
    });
    expect(run.pendingApprovals).toEqual([{ key, tool: "amend_price", args }]);
    expect(run.executedApprovals).toEqual([]);
  });

  it("runs an approved call once, passing the key as its idempotency key", async () => {
    // Prepare: the model asks for the same amendment twice
    const { amend, runs } = anAmendTool();
    const agent = createToolAgent({
      name: "fixer",
      model: offline(
        "fixer",
        callOnce([
          { name: "amend_price", args },
          { name: "amend_price", args },
        ]),
      ),
      tools: [amend],
      logger: aLogger().logger,
    });
    const key = approvalKey("fixer", "amend_price", { price: 101.5, tradeId: "T1" });
    // Act
    const run = await agent.invoke("fix T1", { approvals: [key] });
    // Assess
    expect(runs).toEqual([{ args, idempotencyKey: key }]);
    expect(run.toolCalls.map((c) => [c.ok, c.refused])).toEqual([
      [true, undefined],
      [false, "Agents.AlreadyExecuted"],
    ]);
    expect(run.executedApprovals).toEqual([key]);
    expect(run.pendingApprovals).toEqual([]);
  });

  it("does not let an approval for one set of arguments cover another", async () => {
    const { amend, runs } = anAmendTool();
    const agent = createToolAgent({
      name: "fixer",
      model: offline("fixer", callOnce([{ name: "amend_price", args: { ...args, price: 999 } }])),
      tools: [amend],
      logger: aLogger().logger,
    });
    const run = await agent.invoke("fix T1", { approvals: [approvalKey("fixer", "amend_price", args)] });
    expect(runs).toEqual([]);
    expect(run.toolCalls[0]?.refused).toBe("Agents.ApprovalRequired");
  });
});

describe("bounds and retries", () => {
  it("stops at maxIterations with no final answer", async () => {
    // Prepare: a policy that never stops asking
    const trade = aTrade();
    const stubborn = definePolicy("stubborn", () => ({
      toolCalls: [{ name: "get_trade", args: { tradeId: trade.tradeId } }],
    }));
    const { logger, warnings } = aLogger();
    const agent = createToolAgent({
      name: "classifier",
      model: offline("classifier", stubborn),
      tools: agentTools("pricing", tradingDayStore(day())),
      maxIterations: 3,
      logger,
    });
    // Act
    const run = await agent.invoke("loop");
    // Assess
    expect(run).toMatchObject({ stopReason: "max_iterations", final: null, iterations: 3 });
    expect(run.toolCalls).toHaveLength(3);
    expect(warnings.map((w) => w.message)).toContain("agent stopped at its iteration bound");
  });

  it("trims the returned history to its bound, keeping the system prompt", async () => {
    const agent = createToolAgent({
      name: "classifier",
      model: offline("classifier"),
      tools: agentTools("pricing", tradingDayStore(day())),
      systemPrompt: "Gather the facts.",
      maxHistoryTokens: 800,
    });
    const run = await agent.invoke(JSON.stringify({ tradeId: aTrade().tradeId }));
    const kept = mapStoredMessagesToChatMessages(run.messages);
    expect(kept.length).toBeLessThan(8);
    expect(countMessageTokens(kept)).toBeLessThanOrEqual(800);
    expect(kept[0]?.getType()).toBe("system");
    expect(["human", "ai"]).toContain(kept[1]?.getType());
    expect(kept.at(-1)?.getType()).toBe("ai");
  });

  it("keeps only the system prompt when not even the last turn fits, and still returns the answer", async () => {
    const agent = createToolAgent({
      name: "classifier",
      model: offline("classifier"),
      tools: agentTools("pricing", tradingDayStore(day())),
      systemPrompt: "Gather the facts.",
      maxHistoryTokens: 10,
    });
    const run = await agent.invoke(JSON.stringify({ tradeId: aTrade().tradeId }));
    expect(mapStoredMessagesToChatMessages(run.messages).map((m) => m.getType())).toEqual(["system"]);
    expect(run.final).toContain(aTrade().tradeId);
  });

  it("retries a throttled model call with backoff, then goes on", async () => {
    // Prepare: the model is throttled on its first call only
    let attempts = 0;
    const flaky = definePolicy("flaky", () => {
      attempts++;
      if (attempts === 1) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      return { final: "ok" };
    });
    const waits: number[] = [];
    const { logger, warnings } = aLogger();
    const agent = createToolAgent({
      name: "reporter",
      model: offline("reporter", flaky),
      tools: [],
      retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5, initialDelayMs: 200 },
      logger,
    });
    // Act
    const run = await agent.invoke("report");
    // Assess
    expect(run.final).toBe("ok");
    expect(attempts).toBe(2);
    expect(waits).toEqual([100]);
    expect(warnings[0]?.message).toBe("model call failed; retrying");
  });

  it("fails at once on a fatal model error", async () => {
    let attempts = 0;
    const broken = definePolicy("broken", () => {
      attempts++;
      throw Object.assign(new Error("tool schema rejected"), { name: "ValidationException" });
    });
    const agent = createToolAgent({ name: "reporter", model: offline("reporter", broken), tools: [] });
    const failure = agent.invoke([new HumanMessage("report")]);
    await expect(failure).rejects.toBeInstanceOf(ModelCallError);
    await expect(failure).rejects.toMatchObject({ code: "Models.Rejected", attempts: 1 });
    expect(attempts).toBe(1);
  });

  it("rejects settings that cannot work", () => {
    const tools = agentTools("pricing", tradingDayStore(day()));
    const model = offline("classifier");
    expect(() => createToolAgent({ name: "c", model, tools, maxIterations: 0 })).toThrow(
      AgentConfigurationError,
    );
    const [first] = tools;
    if (!first) throw new Error("the classifier has tools");
    expect(() => createToolAgent({ name: "c", model, tools: [...tools, first] })).toThrow(
      "two tools share a name",
    );
  });
});

describe("classifyError on model failures", () => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

  it.each([
    ["Bedrock ThrottlingException", named("ThrottlingException"), "retryable"],
    ["Bedrock ServiceUnavailableException", named("ServiceUnavailableException"), "retryable"],
    ["Bedrock ModelTimeoutException", named("ModelTimeoutException"), "retryable"],
    ["HTTP 429", { status: 429, message: "slow down" }, "retryable"],
    ["HTTP 500 (ollama-js)", named("ResponseError", { status_code: 500 }), "retryable"],
    ["HTTP 503 (AWS metadata)", named("SomeAwsError", { $metadata: { httpStatusCode: 503 } }), "retryable"],
    ["HTTP 408", { statusCode: 408, message: "request timeout" }, "retryable"],
    ["ECONNRESET", Object.assign(new Error("socket"), { code: "ECONNRESET" }), "retryable"],
    [
      "fetch failed ← ECONNREFUSED",
      new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }),
      "retryable",
    ],
    ["AbortSignal.timeout", named("TimeoutError"), "retryable"],
    ["OpenAI RateLimitError", named("RateLimitError", { status: 429 }), "retryable"],
    [
      "Bedrock ValidationException",
      named("ValidationException", { $metadata: { httpStatusCode: 400 } }),
      "fatal",
    ],
    ["Bedrock AccessDeniedException", named("AccessDeniedException"), "fatal"],
    ...[400, 401, 403, 404, 405, 407, 409, 422].map(
      (status) => [`HTTP ${status}`, { status, message: "no" }, "fatal"] as const,
    ),
    ["OpenAI AuthenticationError", named("AuthenticationError", { status: 401 }), "fatal"],
    ["unknown tool", new Error("Unknown tool: delete_everything"), "fatal"],
    ["caller abort", named("AbortError"), "fatal"],
    ["a retryable ModelError", new ModelError("Models.X", "x", { retryable: true }), "retryable"],
    ["an unrecognised bug", new RangeError("index out of range"), "fatal"],
    ["not an error at all", "boom", "fatal"],
  ] as [string, unknown, string][])("%s → %s", (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});
