import { createHash } from "node:crypto";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
  type LangSmithParams,
} from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { genericReadPolicy } from "./fallback.ts";
import type { AgentPolicy, OfflineToolSpec, PolicyDecision } from "./policy.ts";
import { countMessageTokens, estimateTokens, messageText } from "./tokens.ts";

/** The name the offline model reports everywhere a provider would report a model id. */
export const OFFLINE_MODEL_NAME = "switchyard-offline-policy";
/** The provider name in response metadata, LangSmith params and reports. */
export const OFFLINE_PROVIDER = "offline";

export interface OfflinePolicyModelFields extends BaseChatModelParams {
  /** The agent this model decides for (shown in response metadata). */
  readonly agent: string;
  /** Its rules; the generic read-tools rule when absent. */
  readonly policy?: AgentPolicy;
}

export interface OfflinePolicyCallOptions extends BaseChatModelCallOptions {
  /** Set by {@link OfflinePolicyModel.bindTools}. */
  readonly tools?: readonly OfflineToolSpec[];
}

/**
 * A chat model with no model behind it: each turn, the agent's {@link AgentPolicy} decides
 * from the conversation and the bound tools, and the answer comes back as a real `AIMessage`
 * — `tool_calls` with ids derived from the conversation, or a final answer — so the same agent
 * loop, tools, checkpoints and metrics run with or without a provider. Deterministic: the same
 * conversation gives the same message. Token usage is an ESTIMATE (characters / 4).
 * It names itself as offline everywhere: `model_provider: "offline"`, model
 * `switchyard-offline-policy`, `_llmType() === "offline-policy"`.
 *
 * @example
 * const model = new OfflinePolicyModel({ agent: "triage.risk", policy: riskPolicy });
 * const reply = await model.bindTools([tools.get_desk_exposure]).invoke([new HumanMessage('{"desk":"Rates"}')]);
 * reply.tool_calls; // [{ name: "get_desk_exposure", args: { desk: "Rates" }, id: "call_…", type: "tool_call" }]
 */
export class OfflinePolicyModel extends BaseChatModel<OfflinePolicyCallOptions> {
  static override lc_name(): string {
    return "OfflinePolicyModel";
  }

  override lc_serializable = true;
  override lc_namespace = ["switchyard", "models", "offline"];
  readonly model = OFFLINE_MODEL_NAME;
  readonly agent: string;
  readonly policy: AgentPolicy;

  constructor(fields: OfflinePolicyModelFields) {
    super(fields);
    this.agent = fields.agent;
    this.policy = fields.policy ?? genericReadPolicy;
  }

  _llmType(): string {
    return "offline-policy";
  }

  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    return {
      ls_provider: OFFLINE_PROVIDER,
      ls_model_name: this.model,
      ls_model_type: "chat",
      ...(options.stop ? { ls_stop: options.stop } : {}),
    };
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<OfflinePolicyCallOptions>) {
    return this.withConfig({ ...kwargs, tools: [...(kwargs?.tools ?? []), ...tools.map(toSpec)] });
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    _runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    options.signal?.throwIfAborted();
    const tools = options.tools ?? [];
    const decision: PolicyDecision = this.policy.decide(messages, tools);
    const fields = {
      id: replyId(messages),
      response_metadata: {
        model_provider: OFFLINE_PROVIDER,
        model_name: this.model,
        agent: this.agent,
        policy: this.policy.name,
      },
    };
    const reply =
      "final" in decision
        ? new AIMessage({ ...fields, content: decision.final })
        : new AIMessage({
            ...fields,
            content: "",
            tool_calls: decision.toolCalls.map((call, i) => ({
              id: toolCallId(messages, i),
              name: call.name,
              args: call.args,
              type: "tool_call" as const,
            })),
          });
    const input_tokens = countMessageTokens(messages) + estimateTokens(JSON.stringify(tools));
    const output_tokens = estimateTokens(messageText(reply));
    reply.usage_metadata = { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens };
    return {
      generations: [{ text: typeof reply.content === "string" ? reply.content : "", message: reply }],
      llmOutput: { tokenUsage: { promptTokens: input_tokens, completionTokens: output_tokens } },
    };
  }
}

/** A bound tool as the policy sees it: the provider-neutral JSON Schema view plus the side-effect flag. */
function toSpec(tool: BindToolsInput): OfflineToolSpec {
  const { function: fn } = convertToOpenAITool(tool);
  const metadata = (tool as { metadata?: { sideEffect?: unknown } }).metadata;
  return {
    name: fn.name,
    description: fn.description ?? "",
    parameters: (fn.parameters ?? {}) as OfflineToolSpec["parameters"],
    sideEffect: metadata?.sideEffect === true,
  };
}

/** `call_` + a hash of the conversation and the call's position: stable across runs and replays. */
function toolCallId(messages: readonly BaseMessage[], index: number): string {
  return `call_${conversationHash(messages, String(index))}`;
}

/**
 * The reply's own id, from the conversation: without it LangChain names the message after its
 * callback run (`run-<uuid>`), so the same run with and without callbacks (telemetry, the audit)
 * would store different state.
 */
function replyId(messages: readonly BaseMessage[]): string {
  return `offline-${conversationHash(messages, "reply")}`;
}

function conversationHash(messages: readonly BaseMessage[], salt: string): string {
  const hash = createHash("sha256");
  for (const m of messages) {
    hash.update(m.getType());
    hash.update(messageText(m));
    if (ToolMessage.isInstance(m)) hash.update(m.tool_call_id);
    hash.update("\u0000");
  }
  hash.update(salt);
  return hash.digest("hex").slice(0, 24);
}
