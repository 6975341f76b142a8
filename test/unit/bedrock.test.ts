import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  type Message,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createToolAgent } from "#agents";
import { readEnv } from "#config";
import { classifyError } from "#core";
import { createChatModel } from "#models";
import { tradingDayStore } from "#tools";
import { generateDay } from "#trading/generate";
import { triageTools } from "#workflows";

// ChatBedrockConverse takes a ready client (`client` option); the mock replaces its `send`,
// so no request leaves the process and no credentials are needed.
const client = new BedrockRuntimeClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const bedrock = mockClient(client);
afterEach(() => bedrock.reset());

const MODEL_ID = "anthropic.claude-test-v1:0";
const DAY = generateDay({ seed: 3, trades: 200 }).day;
const day = () => DAY;
const desk = () => day().trades[0]?.desk ?? "";

const reply = (message: Message): ConverseCommandOutput => ({
  output: { message },
  stopReason: message.content?.some((c) => "toolUse" in c) ? "tool_use" : "end_turn",
  usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 },
  metrics: { latencyMs: 10 },
  $metadata: { requestId: "req-1" },
});
const toolUse = (args: { desk: string }) =>
  reply({
    role: "assistant",
    content: [{ toolUse: { toolUseId: "tooluse-1", name: "get_desk_exposure", input: args } }],
  });
const text = (answer: string) => reply({ role: "assistant", content: [{ text: answer }] });

function riskAgent(sleeps: number[] = []) {
  const model = createChatModel(
    readEnv({ MODEL_PROVIDER: "bedrock", BEDROCK_MODEL_ID: MODEL_ID, AWS_REGION: "eu-west-1" }),
    { agent: "risk", bedrockClient: client },
  );
  return createToolAgent({
    name: "risk",
    model,
    tools: Object.values(triageTools("risk", tradingDayStore(day()))),
    retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    logger: { warn: () => {} },
  });
}

describe("ChatBedrockConverse through the agent loop (mocked Converse)", () => {
  it("runs the toolUse the model asks for, sends the toolResult back, and returns the final text", async () => {
    // Prepare
    bedrock
      .on(ConverseCommand)
      .resolvesOnce(toolUse({ desk: desk() }))
      .resolvesOnce(text("within limits"));
    // Act
    const run = await riskAgent().invoke(`Check the ${desk()} desk`);
    // Assess
    expect(run.final).toBe("within limits");
    expect(run.toolCalls).toEqual([
      expect.objectContaining({ id: "tooluse-1", name: "get_desk_exposure", ok: true }),
    ]);
    expect(run.usage).toEqual({ inputTokens: 240, outputTokens: 60 });
    expect(run.model).toEqual({ provider: "amazon_bedrock", model: MODEL_ID, offline: false });
    const calls = bedrock.commandCalls(ConverseCommand);
    expect(calls).toHaveLength(2);
    const first = calls[0]?.args[0].input;
    expect(first?.modelId).toBe(MODEL_ID);
    expect(first?.toolConfig?.tools?.map((t) => t.toolSpec?.name)).toEqual([
      "get_position",
      "get_desk_exposure",
    ]);
    const sent = calls[1]?.args[0].input.messages ?? [];
    const result = sent.at(-1)?.content?.find((c) => "toolResult" in c)?.toolResult;
    expect(result?.toolUseId).toBe("tooluse-1");
    expect(JSON.stringify(result?.content)).toContain(`\\"desk\\":\\"${desk()}\\"`);
  });

  it("classifies a ThrottlingException as retryable, and the agent retries it", async () => {
    // Prepare
    const throttled = new ThrottlingException({
      message: "Rate exceeded",
      $metadata: { httpStatusCode: 429 },
    });
    bedrock.on(ConverseCommand).rejectsOnce(throttled).resolvesOnce(text("done"));
    const sleeps: number[] = [];
    // Act
    const run = await riskAgent(sleeps).invoke("anything?");
    // Assess
    expect(classifyError(throttled)).toBe("retryable");
    expect(run.final).toBe("done");
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("classifies a ValidationException as fatal, and the agent does not retry it", async () => {
    // Prepare
    const invalid = new ValidationException({
      message: "malformed toolConfig",
      $metadata: { httpStatusCode: 400 },
    });
    bedrock.on(ConverseCommand).rejects(invalid);
    // Act
    const failure = await riskAgent()
      .invoke("anything?")
      .catch((e: unknown) => e);
    // Assess
    expect(classifyError(invalid)).toBe("fatal");
    expect(failure).toMatchObject({ code: "Models.Rejected", attempts: 1, cause: invalid });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
  });
});
