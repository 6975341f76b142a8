import { ChatBedrockConverse } from "@langchain/aws";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigurationError, readEnv } from "#config";
import {
  createChatModel,
  definePolicy,
  estimateTokens,
  ModelCallError,
  modelIdentity,
  OfflinePolicyModel,
  PolicyConflictError,
  PolicyRegistry,
  readConversation,
  withModelRetry,
} from "#models";
import { tradingDayStore } from "#tools";
import { generateDay } from "#trading/generate";
import { specialistTools } from "#workflows";

// Factories -------------------------------------------------------------------------------

const DAY = generateDay({ seed: 7, trades: 300 }).day;
const day = () => DAY;
/** The read tools of an agent that looks up a trade, its confirmations, its instrument and its close. */
const classifierTools = () => Object.values(specialistTools("pricing", tradingDayStore(day())));
const firstTradeId = () => day().trades[0]?.tradeId ?? "";
const task = (subject: object) => [new HumanMessage(`Classify this break: ${JSON.stringify(subject)}`)];

/** Answers every tool call of `reply` by running the real tool, as an agent loop would. */
async function answer(reply: AIMessage, tools: ReturnType<typeof classifierTools>): Promise<BaseMessage[]> {
  type Invokable = { invoke(args: unknown): Promise<unknown> };
  const byName = new Map<string, Invokable>(tools.map((t) => [t.name, t as unknown as Invokable]));
  const out: BaseMessage[] = [];
  for (const call of reply.tool_calls ?? []) {
    const result = await byName.get(call.name)?.invoke(call.args);
    out.push(
      new ToolMessage({ tool_call_id: call.id ?? "", name: call.name, content: JSON.stringify(result) }),
    );
  }
  return out;
}

describe("createChatModel chooses the provider from the environment", () => {
  it("uses the offline policy model when no provider is configured, and says so", async () => {
    // Prepare / Act
    const unset = await createChatModel(readEnv({}), { agent: "classifier" });
    const explicit = await createChatModel(readEnv({ MODEL_PROVIDER: "offline" }), { agent: "classifier" });
    // Assess
    expect(unset).toBeInstanceOf(OfflinePolicyModel);
    expect(explicit).toBeInstanceOf(OfflinePolicyModel);
    expect(modelIdentity(unset)).toEqual({
      provider: "offline",
      model: "switchyard-offline-policy",
      offline: true,
    });
    expect(unset._llmType()).toBe("offline-policy");
  });

  it("does not guess a provider from stray keys", async () => {
    const model = await createChatModel(readEnv({ OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-x" }), {
      agent: "risk",
    });
    expect(model).toBeInstanceOf(OfflinePolicyModel);
  });

  it("builds ChatBedrockConverse, ChatOllama and ChatOpenAI from their settings", async () => {
    const bedrock = await createChatModel(
      readEnv({ MODEL_PROVIDER: "bedrock", BEDROCK_MODEL_ID: "anthropic.claude-x", AWS_REGION: "eu-west-1" }),
      { agent: "risk" },
    );
    const ollama = await createChatModel(
      readEnv({ MODEL_PROVIDER: "ollama", OLLAMA_BASE_URL: "http://127.0.0.1:11434", OLLAMA_MODEL: "qwen3" }),
      { agent: "risk" },
    );
    const openai = await createChatModel(
      readEnv({ MODEL_PROVIDER: "openai", OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-5-mini" }),
      { agent: "risk" },
    );
    expect(bedrock).toBeInstanceOf(ChatBedrockConverse);
    expect((bedrock as ChatBedrockConverse).region).toBe("eu-west-1");
    expect(modelIdentity(bedrock)).toMatchObject({ model: "anthropic.claude-x", offline: false });
    expect(ollama).toBeInstanceOf(ChatOllama);
    expect((ollama as ChatOllama).baseUrl).toBe("http://127.0.0.1:11434");
    expect(modelIdentity(ollama)).toMatchObject({ provider: "ollama", model: "qwen3", offline: false });
    expect(openai).toBeInstanceOf(ChatOpenAI);
    expect(modelIdentity(openai)).toMatchObject({ provider: "openai", model: "gpt-5-mini", offline: false });
  });

  it.each([
    [{ MODEL_PROVIDER: "bedrock" }, "BEDROCK_MODEL_ID"],
    [{ MODEL_PROVIDER: "ollama", OLLAMA_MODEL: "qwen3" }, "OLLAMA_BASE_URL"],
    [{ MODEL_PROVIDER: "ollama", OLLAMA_BASE_URL: "http://127.0.0.1:11434" }, "OLLAMA_MODEL"],
    [{ MODEL_PROVIDER: "openai", OPENAI_MODEL: "gpt-5-mini" }, "OPENAI_API_KEY"],
    [{ MODEL_PROVIDER: "openai", OPENAI_API_KEY: "sk-test" }, "OPENAI_MODEL"],
  ])("refuses %o without %s, naming it", async (vars, missing) => {
    const build = () => createChatModel(readEnv(vars), { agent: "risk" });
    await expect(build()).rejects.toThrow(ConfigurationError);
    await expect(build()).rejects.toThrow(missing);
  });
});

describe("offline policies are registered per agent", () => {
  const finalPolicy = definePolicy("says-done", () => ({ final: "done" }));

  it("uses the agent's registered policy and names it in the response", async () => {
    // Prepare
    const registry = new PolicyRegistry().register("triage.reporter", finalPolicy);
    const model = await createChatModel(readEnv({}), { agent: "triage.reporter", policies: registry });
    // Act
    const reply = await model.invoke([new HumanMessage("report")]);
    // Assess
    expect(reply.content).toBe("done");
    expect(reply.response_metadata).toMatchObject({
      model_provider: "offline",
      model_name: "switchyard-offline-policy",
      agent: "triage.reporter",
      policy: "says-done",
    });
  });

  it("accepts the same policy twice but not a different one for the same agent", () => {
    const registry = new PolicyRegistry().register("triage.reporter", finalPolicy);
    expect(() => registry.register("triage.reporter", finalPolicy)).not.toThrow();
    const other = definePolicy("other", () => ({ final: "x" }));
    expect(() => registry.register("triage.reporter", other)).toThrow(PolicyConflictError);
    expect(registry.agents()).toEqual(["triage.reporter"]);
  });
});

describe("the offline policy model", () => {
  it("emits real tool calls for bound tools, the same for the same conversation", async () => {
    // Prepare
    const messages = task({ tradeId: firstTradeId() });
    // Act
    const first = await new OfflinePolicyModel({ agent: "classifier" })
      .bindTools(classifierTools())
      .invoke(messages);
    const second = await new OfflinePolicyModel({ agent: "classifier" })
      .bindTools(classifierTools())
      .invoke(messages);
    const other = await new OfflinePolicyModel({ agent: "classifier" })
      .bindTools(classifierTools())
      .invoke(task({ tradeId: day().trades[1]?.tradeId }));
    // Assess
    expect(first.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        name: "get_trade",
        args: { tradeId: firstTradeId() },
        type: "tool_call",
      },
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        name: "get_confirmations",
        args: { tradeId: firstTradeId() },
        type: "tool_call",
      },
    ]);
    expect(second.tool_calls).toEqual(first.tool_calls);
    expect(new Set(first.tool_calls?.map((c) => c.id)).size).toBe(2);
    expect(other.tool_calls?.[0]?.id).not.toBe(first.tool_calls?.[0]?.id);
  });

  it("follows answers to the next tool, then closes with a JSON summary of what it saw", async () => {
    // Prepare
    const tools = classifierTools();
    const model = new OfflinePolicyModel({ agent: "classifier" }).bindTools(tools);
    const messages: BaseMessage[] = task({ tradeId: firstTradeId() });
    // Act: three turns, answering each with the real tools
    const turn1 = await model.invoke(messages);
    messages.push(turn1, ...(await answer(turn1, tools)));
    const turn2 = await model.invoke(messages);
    messages.push(turn2, ...(await answer(turn2, tools)));
    const turn3 = await model.invoke(messages);
    // Assess
    const trade = day().trades[0];
    expect(turn2.tool_calls).toMatchObject([
      { name: "get_instrument", args: { instrumentId: trade?.instrumentId } },
      { name: "get_market_price", args: { instrumentId: trade?.instrumentId } },
    ]);
    expect(turn3.tool_calls ?? []).toEqual([]);
    const summary = JSON.parse(String(turn3.content));
    expect(summary.subject).toEqual({ tradeId: trade?.tradeId });
    expect(summary.results.get_trade).toMatchObject({ tradeId: trade?.tradeId, desk: trade?.desk });
    expect(summary.results.get_market_price).toMatchObject({ instrumentId: trade?.instrumentId });
    expect(summary.notCalled).toEqual([]);
    expect(readConversation([...messages, turn3]).turns).toBe(3);
  });

  it("never calls a side-effect tool by the generic rule", async () => {
    const amend = tool(async () => "amended", {
      name: "amend_trade",
      description: "Amend a booking",
      schema: z.object({ tradeId: z.string() }),
      metadata: { sideEffect: true },
    });
    const reply = await new OfflinePolicyModel({ agent: "fixer" })
      .bindTools([amend])
      .invoke(task({ tradeId: "T1" }));
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(JSON.parse(String(reply.content)).notCalled).toEqual(["amend_trade"]);
  });

  it("reports estimated token usage (characters / 4) so metrics work offline", async () => {
    // Prepare
    const model = new OfflinePolicyModel({
      agent: "reporter",
      policy: definePolicy("fixed", () => ({ final: "x".repeat(40) })),
    });
    // Act
    const reply = await model.invoke([new HumanMessage("y".repeat(400))]);
    // Assess
    expect(reply.usage_metadata).toEqual({ input_tokens: 101, output_tokens: 10, total_tokens: 111 });
    expect(estimateTokens("y".repeat(400))).toBe(100);
  });

  it("serialises under an offline name", () => {
    const json = new OfflinePolicyModel({ agent: "risk" }).toJSON();
    expect(json.id).toEqual(["switchyard", "models", "offline", "OfflinePolicyModel"]);
  });

  it("hands the policy the conversation and the bound tools' JSON schema", async () => {
    // Prepare
    let seen: { tools: string[]; required: unknown; task: string } | undefined;
    const spy = definePolicy("spy", (messages, tools) => {
      seen = {
        tools: tools.map((t) => t.name),
        required: tools[0]?.parameters.required,
        task: readConversation(messages).task,
      };
      return { final: "ok" };
    });
    // Act
    await new OfflinePolicyModel({ agent: "classifier", policy: spy })
      .bindTools(classifierTools())
      .invoke([new HumanMessage("hello")]);
    // Assess
    expect(seen).toEqual({
      tools: ["get_trade", "get_confirmations", "get_instrument", "get_market_price"],
      required: ["tradeId"],
      task: "hello",
    });
  });

  it("answers an AIMessage the agent loop can read back", async () => {
    const reply = await new OfflinePolicyModel({ agent: "x" }).invoke([new HumanMessage("{}")]);
    expect(AIMessage.isInstance(reply)).toBe(true);
  });
});

describe("withModelRetry", () => {
  const throttle = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });

  it("retries a retryable failure with full-jitter backoff, then returns", async () => {
    // Prepare
    const waits: number[] = [];
    let calls = 0;
    // Act
    const result = await withModelRetry(
      async () => {
        calls++;
        if (calls < 3) throw throttle();
        return "ok";
      },
      { maxAttempts: 3, initialDelayMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    // Assess
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(waits).toEqual([50, 100]);
  });

  it("gives up after the bounded attempts as Models.Unavailable", async () => {
    let calls = 0;
    const failing = withModelRetry(
      async () => {
        calls++;
        throw throttle();
      },
      { maxAttempts: 4, sleep: async () => {} },
    );
    await expect(failing).rejects.toMatchObject({ code: "Models.Unavailable", attempts: 4, retryable: true });
    expect(calls).toBe(4);
  });

  it("never retries a fatal failure: Models.Rejected with the cause kept", async () => {
    let calls = 0;
    const cause = Object.assign(new Error("bad schema"), { name: "ValidationException" });
    const error = await withModelRetry(
      async () => {
        calls++;
        throw cause;
      },
      { sleep: async () => {} },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ code: "Models.Rejected", attempts: 1, cause });
    expect(calls).toBe(1);
  });

  it("waits as the one loop does with the model defaults: 500 ms doubling, capped at 10 s", async () => {
    const delays: number[] = [];
    await withModelRetry(
      async () => {
        throw Object.assign(new Error("slow down"), { name: "ThrottlingException" });
      },
      { maxAttempts: 7, random: () => 0.999, sleep: async () => {}, onRetry: (r) => delays.push(r.delayMs) },
    ).catch(() => undefined);
    expect(delays).toEqual([499, 999, 1998, 3996, 7992, 9990]);
  });
});
