import type { SeenToolCall } from "#models";

/** The answer of the first successful call to `name`, if any. */
export function resultOf<T>(calls: readonly SeenToolCall[], name: string): T | undefined {
  return calls.find((c) => c.name === name && c.answered && c.error === undefined)?.result as T | undefined;
}

/** Whether `name` was called at all (answered or refused). */
export function called(calls: readonly SeenToolCall[], name: string): boolean {
  return calls.some((c) => c.name === name);
}

/** The error answers so far, for an honest final answer when a lookup failed. */
export function errorsOf(calls: readonly SeenToolCall[]): string[] {
  return calls.filter((c) => c.error !== undefined).map((c) => `${c.name}: ${c.error}`);
}

/** A final answer carrying JSON, as every triage agent answers. */
export function answer(value: unknown) {
  return { final: JSON.stringify(value) };
}
