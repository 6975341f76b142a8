import { Logger } from "@aws-lambda-powertools/logger";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { type AIMessageChunk, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { ToolCall } from "@langchain/core/messages/tool";
import { isObserved, reportToObserver } from "#engine";
import { type ModelIdentity, modelIdentity, withModelRetry } from "#models";
import { AgentConfigurationError } from "./errors.ts";
import { type Answered, announceRefusal, execute, refusal } from "./execute.ts";
import { vetToolCall } from "./guard.ts";
import { storedHistory } from "./history.ts";
import type {
  AgentLogger,
  AgentRun,
  PendingApproval,
  ToolAgent,
  ToolAgentOptions,
  ToolCallRecord,
} from "./types.ts";

const powertools = new Logger({ serviceName: "switchyard" });
const defaultLogger: AgentLogger = { warn: (message, attributes) => powertools.warn(message, attributes) };

/**
 * A tool-calling agent: model → tool calls → tool answers → model, until the model answers
 * without calling a tool or `maxIterations` turns have passed. An explicit loop rather than
 * LangGraph's `ToolNode`, because every call passes the guard first: only allowlisted tools,
 * only arguments their schema accepts, side-effect tools only with an approval (see
 * `approvalKey`). Refusals go back to the model as error answers and are logged; nothing
 * refused runs. Model calls retry through `withModelRetry` (retryable errors only).
 *
 * @example
 * const agent = createToolAgent({
 *   name: "triage.risk",
 *   model: createChatModel(readEnv(), { agent: "triage.risk" }), // a model, or the promise of one
 *   tools: Object.values(grantTools(createTradingDayTools(tradingDayStore(day)), ["get_position", "get_desk_exposure"])),
 *   systemPrompt: "Check the desk's position and limits for the break you are given.",
 * });
 * const run = await agent.invoke(JSON.stringify({ desk: "EQUITIES", instrumentId: "US0378331005" }));
 * run.final; run.toolCalls; run.usage;
 */
export function createToolAgent(options: ToolAgentOptions): ToolAgent {
  const { name, model, systemPrompt } = options;
  const maxIterations = options.maxIterations ?? 6;
  const maxHistoryTokens = options.maxHistoryTokens ?? 8_000;
  const logger = options.logger ?? defaultLogger;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new AgentConfigurationError(name, `maxIterations must be a positive integer, got ${maxIterations}`);
  }
  const tools = new Map(options.tools.map((t) => [t.name, t]));
  if (tools.size !== options.tools.length) throw new AgentConfigurationError(name, "two tools share a name");
  // The model may still be loading (providers load on first use): bind it once, when it is there.
  let prepared: Promise<{ bound: Pick<BaseChatModel, "invoke">; identity: ModelIdentity }> | undefined;
  const prepare = () =>
    (prepared ??= Promise.resolve(model).then((m) => {
      if (tools.size > 0 && !m.bindTools) {
        throw new AgentConfigurationError(name, `model ${m._llmType()} cannot bind tools`);
      }
      return {
        bound: tools.size > 0 && m.bindTools ? m.bindTools([...tools.values()]) : m,
        identity: modelIdentity(m),
      };
    }));

  return {
    name,
    async invoke(input, invokeOptions = {}): Promise<AgentRun> {
      const { bound, identity } = await prepare();
      const { signal } = invokeOptions;
      const approvals = new Set(invokeOptions.approvals ?? []);
      const executed = new Set<string>();
      const messages: BaseMessage[] = [
        ...(systemPrompt ? [new SystemMessage(systemPrompt)] : []),
        ...(typeof input === "string" ? [new HumanMessage(input)] : input),
      ];
      const toolCalls: ToolCallRecord[] = [];
      const pending = new Map<string, PendingApproval>();
      const usage = { inputTokens: 0, outputTokens: 0 };
      let final: string | null = null;
      let iterations = 0;

      while (final === null && iterations < maxIterations) {
        iterations++;
        const call = () => bound.invoke(messages, signal ? { signal } : {});
        const reply = await withModelRetry(isObserved() ? () => observedCall(identity, call) : call, {
          ...options.retry,
          onRetry: (info) => {
            logger.warn("model call failed; retrying", { agent: name, ...identity, ...info });
            options.retry?.onRetry?.(info);
          },
        });
        usage.inputTokens += reply.usage_metadata?.input_tokens ?? 0;
        usage.outputTokens += reply.usage_metadata?.output_tokens ?? 0;
        messages.push(reply);
        const calls = reply.tool_calls ?? [];
        if (calls.length === 0) {
          final = reply.text;
          break;
        }
        for (const call of calls) {
          const verdict = await vetToolCall(call, { agent: name, tools, approvals, executed });
          let answered: Answered;
          if (verdict.allowed) {
            if (verdict.approvalKey) executed.add(verdict.approvalKey);
            answered = isObserved()
              ? await observedTool(call, () => execute(call, verdict, signal))
              : await execute(call, verdict, signal);
          } else {
            logger.warn("tool call refused", {
              agent: name,
              tool: call.name,
              code: verdict.code,
              reason: verdict.reason,
            });
            if (verdict.code === "Agents.ApprovalRequired" && verdict.approvalKey) {
              pending.set(verdict.approvalKey, {
                key: verdict.approvalKey,
                tool: call.name,
                args: call.args,
              });
            }
            answered = refusal(call, verdict);
            await announceRefusal(name, answered.record);
          }
          messages.push(answered.message);
          toolCalls.push(answered.record);
        }
      }

      if (final === null) logger.warn("agent stopped at its iteration bound", { agent: name, maxIterations });
      return {
        agent: name,
        model: identity,
        messages: await storedHistory(messages, maxHistoryTokens),
        toolCalls,
        final,
        stopReason: final === null ? "max_iterations" : "final",
        iterations,
        usage,
        pendingApprovals: [...pending.values()],
        executedApprovals: [...executed],
      };
    },
  };
}

/**
 * One model call (one attempt), told to the run's observer with its latency and token usage:
 * the facts the agent's loop has in hand, so telemetry needs no callback handler for them.
 */
async function observedCall(
  identity: ModelIdentity,
  call: () => Promise<AIMessageChunk>,
): Promise<AIMessageChunk> {
  const started = performance.now();
  const facts = { provider: identity.provider, model: identity.model };
  try {
    const reply = await call();
    const usage = reply.usage_metadata;
    const ms = performance.now() - started;
    const answeredBy = reply.response_metadata?.model_name;
    reportToObserver((observer, run) =>
      observer.onModelCall?.({
        ...run,
        ...facts,
        ...(typeof answeredBy === "string" ? { responseModel: answeredBy } : {}),
        ms,
        inputTokens: usage?.input_tokens ?? 0,
        outputTokens: usage?.output_tokens ?? 0,
      }),
    );
    return reply;
  } catch (error) {
    const ms = performance.now() - started;
    reportToObserver((observer, run) =>
      observer.onModelCall?.({ ...run, ...facts, ms, inputTokens: 0, outputTokens: 0, error }),
    );
    throw error;
  }
}

/**
 * One tool call the guard allowed, told to the run's observer as it ends: ok or not, how long it
 * ran, the model's id for the call, and what the tool threw (telemetry's `execute_tool` span).
 */
async function observedTool(call: ToolCall, run: () => Promise<Answered>): Promise<Answered> {
  const started = performance.now();
  const answered = await run();
  const ms = performance.now() - started;
  const { ok } = answered.record;
  reportToObserver((observer, at) =>
    observer.onToolCall?.({
      ...at,
      tool: call.name,
      ok,
      ms,
      ...(call.id ? { callId: call.id } : {}),
      ...(answered.thrown === undefined ? {} : { error: answered.thrown }),
    }),
  );
  return answered;
}
