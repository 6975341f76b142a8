import type { PolicyDecision, PolicyToolCall, SeenToolCall } from "#models";
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
