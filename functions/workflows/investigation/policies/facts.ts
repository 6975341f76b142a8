import type { PolicyDecision, PolicyToolCall, SeenToolCall } from "#models";
import type { RootCause } from "../root-causes.ts";

/**
 * What the investigation policies share: asking for the lookups a decision needs, reading their
 * answers, and wording a final answer the way the system prompt asks for it.
 */

/** A lookup a policy wants, typed by what the tool answers. */
export interface Wanted<T> extends PolicyToolCall {
  /** Phantom: the answer's type. */
  readonly answer?: T;
}

/** A tool call to ask for, typed by its answer. */
export function ask<T>(name: string, args: Record<string, unknown>): Wanted<T> {
  return { name, args };
}

type Answers<W extends Record<string, Wanted<unknown>>> = {
  [K in keyof W]: W[K] extends Wanted<infer T> ? T : never;
};

/**
 * The answers of the lookups `wanted`, or the decision to take first: ask for those not asked
 * yet (all in one turn), or escalate when one failed (an unknown id, a price that does not exist).
 *
 * @example
 * const got = gather(calls, { trade: ask<TradeRecord>("get_trade", { tradeId }) });
 * if ("decision" in got) return got.decision;
 * got.facts.trade.price;
 */
export function gather<W extends Record<string, Wanted<unknown>>>(
  calls: readonly SeenToolCall[],
  wanted: W,
): { readonly facts: Answers<W> } | { readonly decision: PolicyDecision } {
  const entries = Object.entries(wanted);
  const missing = entries.filter(
    ([, w]) => !calls.some((c) => c.name === w.name && sameArgs(c.args, w.args)),
  );
  if (missing.length > 0)
    return { decision: { toolCalls: missing.map(([, w]) => ({ name: w.name, args: w.args })) } };
  const facts: Record<string, unknown> = {};
  for (const [key, w] of entries) {
    const call = calls.find((c) => c.name === w.name && sameArgs(c.args, w.args) && c.answered);
    if (!call) return { decision: escalate(`${w.name} was not answered`) };
    if (call.error !== undefined) return { decision: escalate(`a lookup failed: ${call.error}`) };
    facts[key] = call.result;
  }
  return { facts: facts as Answers<W> };
}

function sameArgs(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(b).every(([key, value]) => a[key] === value);
}

/** The final answer naming a root cause, with the next action in one imperative line. */
export function conclude(
  rootCause: RootCause,
  confidence: number,
  evidence: readonly string[],
  nextAction: string,
): PolicyDecision {
  return { final: JSON.stringify({ rootCause, confidence: round2(confidence), evidence, nextAction }) };
}

/** The final answer handing the break to a person, with what that person should do and the cause suspected. */
export function escalate(
  reason: string,
  evidence: readonly string[] = [],
  options: { readonly nextAction?: string; readonly rootCause?: RootCause } = {},
): PolicyDecision {
  return { final: JSON.stringify({ escalate: reason, evidence, ...options }) };
}

/** A string field of the break the task carries, if it has one. */
export function text(subject: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = subject[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A list of ids the break carries (`tradeIds`, `confirmationIds`). */
export function ids(subject: Readonly<Record<string, unknown>>, key: string): string[] {
  const value = subject[key];
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
}

/** A number as a person reads it: grouped, up to 8 decimals, no float noise. */
export function show(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 8 });
}

/** A share as a percentage with two decimals: `0.0153` → `"1.53%"`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `a, b and c`. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
