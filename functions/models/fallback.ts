import { readConversation, type SeenToolCall } from "./conversation.ts";
import { type AgentPolicy, definePolicy, type OfflineToolSpec } from "./policy.ts";

/**
 * The rules an agent follows offline when its workflow registered none: call each bound
 * READ tool once — when the subject and earlier answers supply its required arguments —
 * then answer with a JSON summary of what the tools said. Side-effect tools are never called:
 * deciding to act is exactly what a generic rule must not do.
 *
 * Arguments come from the task's JSON subject first, then from scalar fields of earlier tool
 * answers, so `{ "tradeId": "T1" }` leads to `get_trade`, whose `instrumentId` then feeds
 * `get_market_price` on the next turn.
 */
export const genericReadPolicy: AgentPolicy = definePolicy("generic-read-tools", (messages, tools) => {
  const { subject, calls } = readConversation(messages);
  const called = new Set(calls.map((c) => c.name));
  const facts = factsFrom(subject, calls);
  const next = tools
    .filter((t) => !t.sideEffect && !called.has(t.name))
    .flatMap((t) => {
      const args = argsFor(t, facts);
      return args ? [{ name: t.name, args }] : [];
    });
  if (next.length > 0) return { toolCalls: next };
  const results = Object.fromEntries(
    calls.map((c) => [c.name, c.error === undefined ? c.result : { error: c.error }]),
  );
  const notCalled = tools.filter((t) => !called.has(t.name)).map((t) => t.name);
  return { final: JSON.stringify({ subject, results, notCalled }) };
});

/** The subject's fields, then scalar fields of successful answers; the first source of a name wins. */
function factsFrom(subject: Readonly<Record<string, unknown>>, calls: readonly SeenToolCall[]) {
  const facts = new Map<string, unknown>(Object.entries(subject));
  for (const call of calls) {
    if (call.error !== undefined || typeof call.result !== "object" || call.result === null) continue;
    for (const [key, value] of Object.entries(call.result)) {
      const scalar = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
      if (scalar && !facts.has(key)) facts.set(key, value);
    }
  }
  return facts;
}

/** Every schema property the facts know; undefined when a required one is unknown. */
function argsFor(tool: OfflineToolSpec, facts: ReadonlyMap<string, unknown>) {
  if ((tool.parameters.required ?? []).some((name) => !facts.has(name))) return undefined;
  const known = Object.keys(tool.parameters.properties ?? {}).filter((name) => facts.has(name));
  return Object.fromEntries(known.map((name) => [name, facts.get(name)]));
}
