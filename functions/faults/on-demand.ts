import type { FaultInjectionCallbacks } from "./callbacks.ts";
import type { MiddlewareClient } from "./faults.ts";

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

/** Puts the armed AWS-call drills on a client; the identity when nothing is armed. */
export type FaultWrapper = <C extends MiddlewareClient>(client: C) => C;

/**
 * The AWS-call drills for `FAULTS`, as a wrapper every client of one Lambda shares (one budget
 * of failures across them), loading ./faults.ts only when the setting names something — the
 * queue and alert Lambdas' default path stays free of the drills, as the engine's is.
 *
 * @example
 * const drills = await faultWrapperWhenArmed();
 * const sqs = drills(new SQSClient({})); // the same client unless FAULTS arms an SQS call
 */
export async function faultWrapperWhenArmed(
  source: Record<string, string | undefined> = process.env,
): Promise<FaultWrapper> {
  if (!source.FAULTS?.trim()) return (client) => client;
  const { Faults, withFaults } = await import("./faults.ts");
  const faults = Faults.fromEnv(source);
  return (client) => withFaults(client, faults);
}
