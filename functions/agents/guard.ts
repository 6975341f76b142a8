import type { ToolCall } from "@langchain/core/messages/tool";
import { interopSafeParseAsync, isInteropZodSchema } from "@langchain/core/utils/types";
import { approvalKey, isSideEffectTool } from "./approvals.ts";
import type { AgentTool, RefusalCode } from "./types.ts";

/** The guard's verdict on one tool call, decided before anything runs. */
export type Verdict =
  | {
      readonly allowed: true;
      readonly tool: AgentTool;
      readonly args: Record<string, unknown>;
      readonly approvalKey?: string;
    }
  | {
      readonly allowed: false;
      readonly code: RefusalCode;
      readonly reason: string;
      readonly approvalKey?: string;
    };

export interface GuardContext {
  readonly agent: string;
  readonly tools: ReadonlyMap<string, AgentTool>;
  readonly approvals: ReadonlySet<string>;
  /** Approval keys already used in this run: an approval buys one execution. */
  readonly executed: ReadonlySet<string>;
}

/**
 * Decides whether a tool call may run: the tool must be on the agent's allowlist, its
 * arguments must pass the tool's own schema, and a side-effect tool needs its approval key,
 * unused in this run. Nothing here executes the tool.
 *
 * @example
 * const verdict = await vetToolCall(call, { agent: "risk", tools, approvals: new Set(), executed: new Set() });
 * if (!verdict.allowed) console.log(verdict.code); // "Agents.UnknownTool"
 */
export async function vetToolCall(call: ToolCall, context: GuardContext): Promise<Verdict> {
  const tool = context.tools.get(call.name);
  if (!tool) {
    const allowed = [...context.tools.keys()].join(", ") || "none";
    return refuse(
      "Agents.UnknownTool",
      `tool "${call.name}" is not available to this agent (allowed: ${allowed})`,
    );
  }
  const parsed = isInteropZodSchema(tool.schema)
    ? await interopSafeParseAsync(tool.schema, call.args)
    : { success: true as const, data: call.args };
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    return refuse(
      "Agents.InvalidArguments",
      `arguments for "${call.name}" are invalid: ${issues.join("; ")}`,
    );
  }
  const args = parsed.data as Record<string, unknown>;
  if (!isSideEffectTool(tool)) return { allowed: true, tool, args };
  const key = approvalKey(context.agent, tool.name, args);
  if (context.executed.has(key)) {
    return refuse(
      "Agents.AlreadyExecuted",
      `"${call.name}" already ran with these arguments in this run`,
      key,
    );
  }
  if (!context.approvals.has(key)) {
    return refuse("Agents.ApprovalRequired", `"${call.name}" changes data and needs approval ${key}`, key);
  }
  return { allowed: true, tool, args, approvalKey: key };
}

function refuse(code: RefusalCode, reason: string, key?: string): Verdict {
  return { allowed: false, code, reason, ...(key ? { approvalKey: key } : {}) };
}
