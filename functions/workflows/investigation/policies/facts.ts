import type { BaseMessage } from "@langchain/core/messages";
import { type PolicyDecision, type PolicyToolCall, readConversation, type SeenToolCall } from "#models";
import type { ConfirmationLookup, TradeView } from "#tools";
import type { RootCause } from "../types.ts";

/**
 * What the investigation policies share: reading the answers of earlier tool calls, asking for
 * the ones still missing, and wording a final answer the way the system prompt asks for it.
 */

/** A tool's answer as a policy sees it: not asked yet, failed, or the parsed result. */
export type Looked<T> =
  | { readonly state: "unasked" }
  | { readonly state: "failed"; readonly error: string }
  | { readonly state: "ok"; readonly value: T };

/**
 * The answer of the call to `tool` whose argument `key` was `value`.
 *
 * @example
 * const trade = lookedUp<TradeView>(calls, "get_trade", "tradeId", "T20261124-000001");
 * if (trade.state === "ok") trade.value.price;
 */
export function lookedUp<T>(
  calls: readonly SeenToolCall[],
  tool: string,
  key: string,
  value: unknown,
): Looked<T> {
  const call = calls.find((c) => c.name === tool && c.args[key] === value && c.answered);
  if (!call) return { state: "unasked" };
  if (call.error !== undefined) return { state: "failed", error: call.error };
  return { state: "ok", value: call.result as T };
}

/** The calls among `wanted` not asked yet, or undefined when all were: the next turn's tool calls. */
export function stillToAsk(
  calls: readonly SeenToolCall[],
  wanted: readonly PolicyToolCall[],
): PolicyDecision | undefined {
  const missing = wanted.filter((w) => !calls.some((c) => c.name === w.name && sameArgs(c.args, w.args)));
  return missing.length > 0 ? { toolCalls: missing } : undefined;
}

function sameArgs(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(b).every(([key, value]) => a[key] === value);
}

/** The final answer naming a root cause. */
export function conclude(
  rootCause: RootCause,
  confidence: number,
  evidence: readonly string[],
): PolicyDecision {
  return { final: JSON.stringify({ rootCause, confidence: round2(confidence), evidence }) };
}

/** The final answer handing the break to a person. */
export function escalate(reason: string, evidence: readonly string[] = []): PolicyDecision {
  return { final: JSON.stringify({ escalate: reason, evidence }) };
}

/** The first failed lookup among `looked`, as an escalation. */
export function failedLookup(...looked: readonly Looked<unknown>[]): PolicyDecision | undefined {
  const failed = looked.find((l) => l.state === "failed");
  return failed?.state === "failed" ? escalate(`a lookup failed: ${failed.error}`) : undefined;
}

/** The trade ids the task's break names (an array of strings, or nothing). */
export function tradeIdsOf(subject: Readonly<Record<string, unknown>>): string[] {
  const ids = subject.tradeIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

/** A number from reconciliation's one-line detail (`toleranceBps=10 ...`), if it carries it. */
export function detailNumber(subject: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const detail = typeof subject.detail === "string" ? subject.detail : "";
  const match = new RegExp(`(?:^| )${name}=(-?[\\d.]+)`).exec(detail);
  const value = match ? Number(match[1]) : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** Distance between two prices in basis points of the second. */
export function bps(value: number, reference: number): number {
  return (Math.abs(value - reference) / reference) * 10_000;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The break's first trade and its confirmation lookup, both answered — what every specialist starts from. */
export interface TradeFacts {
  readonly subject: Readonly<Record<string, unknown>>;
  readonly calls: readonly SeenToolCall[];
  readonly tradeId: string;
  readonly trade: TradeView;
  readonly lookup: ConfirmationLookup;
}

/**
 * The facts a specialist's policy opens with, or the decision to take first: ask for the trade
 * and its confirmation, or escalate when the break names no trade or a lookup failed.
 *
 * @example
 * const facts = tradeFacts(messages);
 * if ("decision" in facts) return facts.decision;
 */
export function tradeFacts(
  messages: readonly BaseMessage[],
): TradeFacts | { readonly decision: PolicyDecision } {
  const { subject, calls } = readConversation(messages as BaseMessage[]);
  const [tradeId] = tradeIdsOf(subject);
  if (!tradeId) return { decision: escalate("the break names no trade") };
  const ask = stillToAsk(calls, [
    { name: "get_trade", args: { tradeId } },
    { name: "get_confirmation", args: { tradeId } },
  ]);
  if (ask) return { decision: ask };
  const trade = lookedUp<TradeView>(calls, "get_trade", "tradeId", tradeId);
  const lookup = lookedUp<ConfirmationLookup>(calls, "get_confirmation", "tradeId", tradeId);
  const failed = failedLookup(trade, lookup);
  if (failed || trade.state !== "ok" || lookup.state !== "ok")
    return { decision: failed ?? escalate("lookups unanswered") };
  return { subject, calls, tradeId, trade: trade.value, lookup: lookup.value };
}
