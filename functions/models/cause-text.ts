/**
 * An error's message with those of its causes (`fetch failed: connect ECONNREFUSED
 * 127.0.0.1:11434`), each once: the wrapper alone rarely says what happened.
 *
 * @example
 * causeText(new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:11434") }));
 */
export function causeText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(": ");
}
