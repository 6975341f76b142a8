import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import type { RetryPolicy } from "@langchain/langgraph";
import { now } from "#core";
import { DEADLINE_AT_RISK, DeadlineAtRiskError, type NodeDeadline } from "./errors.ts";
import { reportToObserver } from "./observed.ts";

export interface DeadlineRetryOptions<S> {
  /** The node's name, for the error. */
  readonly node: string;
  /** What the node's work is due by, from its input state (none: retry as the policy says). */
  readonly deadlineOf: (state: S) => NodeDeadline | null | undefined;
  /** How long before the deadline the last attempt must have ended: the time people need to act. */
  readonly marginMs: number;
}

/**
 * A node whose retry policy knows a deadline. When an attempt fails with an error the policy
 * would retry, the next attempt's end is estimated — the longest wait the policy can put before
 * it (LangGraph's interval plus its jitter, or Step Functions' whole-second interval, whichever
 * is longer) plus as long as this attempt took — and if that is later than the deadline less
 * `marginMs` (and the deadline had not passed when the attempt began), the node throws
 * {@link DeadlineAtRiskError} instead: not retried (in-process by
 * the returned `retryPolicy`, on Step Functions by `NON_RETRYABLE_CODES`), so the node's error
 * handler can route the work to a hold-and-escalate path in time.
 *
 * @example
 * const risk = deadlineRetry(riskCheck, { maxAttempts: 3, initialInterval: 1000 }, {
 *   node: "risk_check", marginMs: 30 * 60_000, deadlineOf: (s) => s.deadline && { at: s.deadline.at, label: s.deadline.local },
 * });
 * graph.addNode("risk_check", risk.node, { retryPolicy: risk.retryPolicy, errorHandler, ends: ["escalate"] });
 */
export function deadlineRetry<S, C, U>(
  node: (state: S, config: C) => Promise<U>,
  policy: RetryPolicy,
  options: DeadlineRetryOptions<S>,
): { node: (state: S, config: C) => Promise<U>; retryPolicy: RetryPolicy } {
  const retryOn = policy.retryOn;
  const retryPolicy: RetryPolicy = {
    ...policy,
    ...(retryOn ? { retryOn: (error: unknown) => !isDeadlineAtRisk(error) && retryOn(error) } : {}),
  };
  const wait = longestWaitMs(policy);
  const wrapped = async (state: S, config: C): Promise<U> => {
    const started = now().getTime();
    try {
      return await node(state, config);
    } catch (error) {
      if (retryOn && !retryOn(error)) throw error;
      const deadline = options.deadlineOf(state);
      // Without a deadline, or once it has passed (the work is late whatever happens now), the
      // policy retries as it would anyway.
      if (!deadline || Date.parse(deadline.at) <= started) throw error;
      const at = now().getTime();
      const nextEnds = at + wait + (at - started);
      if (nextEnds > Date.parse(deadline.at) - options.marginMs) {
        throw new DeadlineAtRiskError(options.node, deadline, new Date(nextEnds).toISOString(), error);
      }
      throw error;
    }
  };
  return { node: wrapped, retryPolicy };
}

/** Whether an error is a {@link DeadlineAtRiskError}, by its code (classes do not survive bundling). */
export function isDeadlineAtRisk(error: unknown): boolean {
  return (
    (error as { code?: unknown; name?: unknown })?.code === DEADLINE_AT_RISK ||
    (error as { name?: unknown })?.name === DEADLINE_AT_RISK
  );
}

/** The longest wait the policy can put before a retry, in-process (LangGraph) or on Step Functions. */
function longestWaitMs(policy: RetryPolicy): number {
  const attempts = policy.maxAttempts ?? 3;
  const initial = policy.initialInterval ?? 500;
  const factor = policy.backoffFactor ?? 2;
  const cap = policy.maxInterval ?? 128_000;
  const steps = Math.max(0, attempts - 2);
  // LangGraph: min(cap, initial × factor^n) plus up to 1 s of jitter.
  const langgraph = Math.min(cap, initial * factor ** steps) + ((policy.jitter ?? true) ? 1000 : 0);
  // Step Functions: whole seconds, at least one (functions/engine/retry.ts).
  const seconds = Math.min(
    Math.max(1, Math.ceil(cap / 1000)),
    Math.max(1, Math.ceil(initial / 1000)) * factor ** steps,
  );
  return Math.max(langgraph, seconds * 1000);
}

/** The LangChain custom event a workflow raises when it holds work before a deadline: telemetry alerts on it. */
export const DEADLINE_HOLD_EVENT = "switchyard.deadline_hold";

/** What a hold names, for the people alerted: the work, what it is due by, and why it was held. */
export interface DeadlineHold {
  readonly node: string;
  /** The trade (or other subject) held. */
  readonly subject: string | null;
  readonly deadline: NodeDeadline;
  readonly reason: string;
}

/**
 * Announces a hold from inside a node: telemetry (the run's observer, and the callback handler
 * when spans are on) logs it as an alert naming the subject and the deadline, and counts it.
 * Outside a run (a plain call in a test) it is a no-op.
 *
 * @example
 * await announceDeadlineHold({ node: "escalate", subject: "T000123", deadline, reason });
 */
export async function announceDeadlineHold(hold: DeadlineHold): Promise<void> {
  reportToObserver((observer, run) =>
    observer.onWorkflowEvent?.({ ...run, name: DEADLINE_HOLD_EVENT, data: hold }),
  );
  if (AsyncLocalStorageProviderSingleton.getRunnableConfig()?.callbacks === undefined) return;
  await dispatchCustomEvent(DEADLINE_HOLD_EVENT, hold);
}

/** The LangChain custom event a workflow raises with the exceptions it hands to people, by time left to their deadline. */
export const TIME_TO_DEADLINE_EVENT = "switchyard.time_to_deadline";

/**
 * Counts the exceptions a run hands to people by how long is left before their deadline
 * (bucket → count, zero counts left out): telemetry turns them into the dashboards' figure.
 *
 * @example
 * await announceTimeToDeadline({ under_1h: 2, past: 1 });
 */
export async function announceTimeToDeadline(byBucket: Readonly<Record<string, number>>): Promise<void> {
  const counts = Object.fromEntries(Object.entries(byBucket).filter(([, n]) => n > 0));
  if (Object.keys(counts).length === 0) return;
  reportToObserver((observer, run) =>
    observer.onWorkflowEvent?.({ ...run, name: TIME_TO_DEADLINE_EVENT, data: counts }),
  );
  if (AsyncLocalStorageProviderSingleton.getRunnableConfig()?.callbacks === undefined) return;
  await dispatchCustomEvent(TIME_TO_DEADLINE_EVENT, counts);
}
