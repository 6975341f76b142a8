import type { FaultInjectionCallbacks } from "./callbacks.ts";

/**
 * The fault callbacks for `FAULTS` in the environment, loading the drills (./callbacks.ts,
 * ./faults.ts) only when the setting names something: with `FAULTS` unset — every production
 * stage — nothing of them is imported or evaluated. The import is dynamic, so the Lambda bundle
 * puts the drills in a chunk of their own that a cold start does not read
 * (lib/bundling/options.ts, code splitting).
 *
 * @example
 * const callbacks = await faultCallbacksWhenArmed(); // [] unless FAULTS is set
 */
export async function faultCallbacksWhenArmed(
  source: Record<string, string | undefined> = process.env,
): Promise<FaultInjectionCallbacks[]> {
  if (!source.FAULTS?.trim()) return [];
  const { faultCallbacksFromEnv } = await import("./callbacks.ts");
  return faultCallbacksFromEnv(source);
}
