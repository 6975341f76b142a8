import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage, StoredMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import type { ModelIdentity, RetryOptions } from "#models";

/** Why the agent refused a tool call instead of running it. */
export type RefusalCode =
  | "Agents.UnknownTool"
  | "Agents.InvalidArguments"
  | "Agents.ApprovalRequired"
  | "Agents.AlreadyExecuted";

/** One tool call the model asked for and what became of it (plain JSON, fit for graph state). */
export interface ToolCallRecord {
  readonly id: string;
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** True when the tool ran and returned. */
  readonly ok: boolean;
  readonly error?: string;
  /** Set when the agent refused the call; the tool did not run. */
  readonly refused?: RefusalCode;
  /** For side-effect tools: the key that approves (or approved) exactly this call. */
  readonly approvalKey?: string;
}

/** A side-effect call waiting for a person: show `tool` and `args`, approve by `key`. */
export interface PendingApproval {
  readonly key: string;
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** What an agent run returns: all plain JSON, so it can live in LangGraph state and checkpoints. */
export interface AgentRun {
  readonly agent: string;
  /** Which model decided — `offline: true` for the offline policy model. */
  readonly model: ModelIdentity;
  /** The conversation, trimmed to the history bound, as LangChain stored messages. */
  readonly messages: StoredMessage[];
  readonly toolCalls: ToolCallRecord[];
  /** The model's final answer; null when the iteration bound stopped the run first. */
  readonly final: string | null;
  readonly stopReason: "final" | "max_iterations";
  /** Model turns taken. */
  readonly iterations: number;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
  readonly pendingApprovals: PendingApproval[];
  readonly executedApprovals: string[];
}

/** The few log calls the agent makes; Powertools' Logger fits. */
export interface AgentLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

/** A tool the agent can run: any LangChain structured tool (`tool()` from @langchain/core). */
export type AgentTool = StructuredToolInterface;

export interface ToolAgentOptions {
  /** The agent's name: in logs, approval keys and the run record. */
  readonly name: string;
  /** The model, or the promise of one (`createChatModel` loads providers on first use). */
  readonly model: BaseChatModel | Promise<BaseChatModel>;
  /** The agent's allowlist (e.g. `Object.values(grantTools(tools, ["get_position"]))`): nothing else runs. */
  readonly tools: readonly AgentTool[];
  readonly systemPrompt?: string;
  /** Model turns at most (default 6): a confused model cannot loop forever. */
  readonly maxIterations?: number;
  /** Bound of the returned history in estimated tokens (default 8 000); older turns are trimmed. */
  readonly maxHistoryTokens?: number;
  /** Backoff for model calls (attempts, delays, injectable sleep). */
  readonly retry?: RetryOptions;
  readonly logger?: AgentLogger;
}

export interface AgentInvokeOptions {
  /** Approval keys (see `approvalKey`) of the side-effect calls a person allowed. */
  readonly approvals?: Iterable<string>;
  readonly signal?: AbortSignal;
}

export interface ToolAgent {
  readonly name: string;
  /** Runs the loop on a task (a human message) or a conversation. */
  invoke(input: string | readonly BaseMessage[], options?: AgentInvokeOptions): Promise<AgentRun>;
}
