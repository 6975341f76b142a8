import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from "./errors.ts";
import type { InvocationContext } from "./types.ts";

/** One keyed request: the key is scoped to the caller, the operation and its target. */
export interface KeyedCall {
  readonly operation: "start" | "resume";
  /** Who asked (IAM principal ARN or Cognito subject): one caller's key never answers another's request. */
  readonly caller: string;
  /** The workflow started or the run resumed. */
  readonly target: string;
  readonly key: string;
  /** What the request asks for; a repeat with the same key and another payload is refused (422). */
  readonly payload: unknown;
  /** Not part of the key or the payload hash: context the first call's request carries. */
  readonly workflow: string;
  readonly traceparent?: string;
  /** A start's requester, as the API authenticated them (the run request's `requestedBy`). */
  readonly requestedBy?: string;
  /**
   * A resume's approver and clock, stamped on answers to four-eyes approvals inside the keyed
   * step (`stampAnswers`): a retry with the same key replays the first answer, not a new vote.
   */
  readonly approval?: {
    readonly approver: string;
    readonly now: string;
    readonly waiting: readonly { readonly id: string; readonly value: unknown }[];
  };
}

export interface Idempotent<R> {
  /** Runs `call` once per key: a repeat returns the first result without running again. */
  (call: KeyedCall): Promise<R>;
  /** Bounds the in-progress lock by the invocation's remaining time (a crash then frees the key). */
  registerContext(context: InvocationContext): void;
}

/**
 * Wraps `fn` with Powertools idempotency over `store`. The lock timeline per key:
 *
 * ```
 * request A ─ put INPROGRESS (conditional) ─ fn ─ update COMPLETED {runId} ─▶ 202 {runId}
 * request B (same key, same payload)  ─ put fails ─ read COMPLETED ─────────▶ 202 {same runId}
 * request C (same key, A still running) ─ put fails ─ read INPROGRESS ─────▶ 409, retry
 * request D (same key, other payload)   ─ put fails ─ hash differs ───────▶ 422
 * fn throws (queue down) ─ record deleted ─▶ the key is free again: nothing was started
 * ```
 *
 * @example
 * const startOnce = idempotent(enqueueStart, new DynamoDBPersistenceLayer({ tableName }), 86_400);
 * await startOnce({ operation: "start", caller, target: "triage", key, payload: input });
 */
export function idempotent<R>(
  fn: (call: KeyedCall) => Promise<R>,
  store: BasePersistenceLayer,
  ttlSeconds: number,
): Idempotent<R> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "[operation, caller, target, key]",
    payloadValidationJmesPath: "payload",
    expiresAfterSeconds: ttlSeconds,
    throwOnNoIdempotencyKey: true,
  });
  const once = makeIdempotent(fn, { persistenceStore: store, config, keyPrefix: "switchyard-api" });
  const call = (async (keyed: KeyedCall) => {
    try {
      return await once(keyed);
    } catch (err) {
      // Powertools' errors by name: class identity does not survive bundling twice.
      const name = (err as Error)?.name;
      if (name === "IdempotencyValidationError") throw new IdempotencyKeyReusedError(err);
      if (name === "IdempotencyAlreadyInProgressError") throw new IdempotencyInProgressError(err);
      throw err;
    }
  }) as Idempotent<R>;
  call.registerContext = (context) => config.registerLambdaContext(context as never);
  return call;
}
