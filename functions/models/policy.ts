import type { BaseMessage } from "@langchain/core/messages";
import { PolicyConflictError } from "./errors.ts";

/** A tool as the offline model sees it once bound: what a provider would see, plus the side-effect flag. */
export interface OfflineToolSpec {
  readonly name: string;
  readonly description: string;
  /** The tool's input as JSON Schema (`properties`, `required`, ...). */
  readonly parameters: {
    readonly properties?: Readonly<Record<string, unknown>>;
    readonly required?: readonly string[];
  };
  /** True for tools marked `metadata.sideEffect` (see `#agents`): generic rules never call them. */
  readonly sideEffect: boolean;
}

/** One tool call a policy asks for; the model turns it into a real `tool_calls` entry. */
export interface PolicyToolCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** A policy's decision for one model turn: call tools, or answer. */
export type PolicyDecision = { readonly toolCalls: readonly PolicyToolCall[] } | { readonly final: string };

/**
 * An agent's offline rules: from the conversation so far and the bound tools, the next turn.
 * It must decide only from what it is shown — the task and the tool results — exactly as a
 * real model would, never from generated data's ground truth, and it must be deterministic.
 */
export interface AgentPolicy {
  /** Shown in the model's response metadata, so logs and reports say which rules decided. */
  readonly name: string;
  decide(messages: readonly BaseMessage[], tools: readonly OfflineToolSpec[]): PolicyDecision;
}

/**
 * Which offline policy each agent follows. A workflow registers its agents' policies when its
 * module loads; {@link createChatModel} looks the agent up when no real provider is configured.
 */
export class PolicyRegistry {
  readonly #policies = new Map<string, AgentPolicy>();

  /**
   * Registers `policy` for `agent`. Registering the same policy again is a no-op (modules can
   * load twice in tests); a different one throws {@link PolicyConflictError}.
   *
   * @example
   * offlinePolicies.register("triage.classifier", classifierPolicy);
   */
  register(agent: string, policy: AgentPolicy): this {
    const existing = this.#policies.get(agent);
    if (existing && existing !== policy) throw new PolicyConflictError(agent);
    this.#policies.set(agent, policy);
    return this;
  }

  get(agent: string): AgentPolicy | undefined {
    return this.#policies.get(agent);
  }

  agents(): string[] {
    return [...this.#policies.keys()].sort();
  }
}

/** The process-wide registry the workflows register into. */
export const offlinePolicies = new PolicyRegistry();

/**
 * Types a policy in place, so a workflow file reads as its rules.
 *
 * @example
 * export const reporterPolicy = definePolicy("triage.reporter", (messages) => ({ final: "{}" }));
 */
export function definePolicy(name: string, decide: AgentPolicy["decide"]): AgentPolicy {
  return { name, decide };
}
