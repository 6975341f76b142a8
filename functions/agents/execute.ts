import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { ToolMessage } from "@langchain/core/messages";
import type { ToolCall } from "@langchain/core/messages/tool";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { TOOL_REFUSED_EVENT } from "./events.ts";
import type { Verdict } from "./guard.ts";
import type { ToolCallRecord } from "./types.ts";

/** What answering one tool call produced: the message for the model and the record for state. */
export interface Answered {
  readonly message: ToolMessage;
  readonly record: ToolCallRecord;
  /** What the tool threw, when it failed (telemetry's `error.type`); the record keeps its message. */
  readonly thrown?: unknown;
}

/**
 * Answers a refused call without running anything. The model reads why (as JSON, like every
 * other tool answer) and can correct itself on its next turn.
 */
export function refusal(call: ToolCall, verdict: Extract<Verdict, { allowed: false }>): Answered {
  const id = call.id ?? "";
  return {
    message: new ToolMessage({
      tool_call_id: id,
      name: call.name,
      status: "error",
      content: JSON.stringify({ refused: verdict.code, error: verdict.reason }),
    }),
    record: {
      id,
      name: call.name,
      args: call.args,
      ok: false,
      error: verdict.reason,
      refused: verdict.code,
      ...(verdict.approvalKey ? { approvalKey: verdict.approvalKey } : {}),
    },
  };
}

/**
 * Tells the run's callbacks (the audit) that a call was refused: nothing ran, so no tool
 * callback fires for it. Inside a graph node only; an agent invoked on its own has no run to tell.
 */
export async function announceRefusal(agent: string, record: ToolCallRecord): Promise<void> {
  if (AsyncLocalStorageProviderSingleton.getRunnableConfig()?.callbacks === undefined) return;
  await dispatchCustomEvent(TOOL_REFUSED_EVENT, { agent, record });
}

/**
 * Runs an allowed call. A tool's failure (say, `Tools.NotFound`) goes back to the model as an
 * error answer rather than failing the node: a wrong id is something the model can fix.
 * A side-effect tool gets its approval key as `config.configurable.idempotencyKey`.
 */
export async function execute(
  call: ToolCall,
  verdict: Extract<Verdict, { allowed: true }>,
  signal?: AbortSignal,
): Promise<Answered> {
  const id = call.id ?? "";
  const base = {
    id,
    name: call.name,
    args: call.args,
    ...(verdict.approvalKey ? { approvalKey: verdict.approvalKey } : {}),
  };
  try {
    // The call itself rides along (`toolCall`), so callbacks (telemetry, the audit) see its id
    // and the tool answers with a ToolMessage for it.
    const output: unknown = await verdict.tool.invoke(call.args, {
      ...(signal ? { signal } : {}),
      ...(verdict.approvalKey ? { configurable: { idempotencyKey: verdict.approvalKey } } : {}),
      toolCall: { ...call, id, type: "tool_call" },
    });
    const raw = ToolMessage.isInstance(output) ? output.content : output;
    const content = typeof raw === "string" ? raw : JSON.stringify(raw ?? null);
    return {
      message: new ToolMessage({ tool_call_id: id, name: call.name, status: "success", content }),
      record: { ...base, ok: true },
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    return {
      message: new ToolMessage({
        tool_call_id: id,
        name: call.name,
        status: "error",
        content: JSON.stringify({ error: message, ...(typeof code === "string" ? { code } : {}) }),
      }),
      record: { ...base, ok: false, error: message },
      thrown: error,
    };
  }
}
