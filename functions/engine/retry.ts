import type { WorkflowDefinition } from "./define.ts";
import { NON_RETRYABLE_CODES, NonRetryableError } from "./errors.ts";
import { isRecursionError, RECURSION_LIMIT_CODE } from "./recursion.ts";

/** LangGraph's defaults when a node has a retryPolicy (pregel/retry.ts): 3 attempts, 500 ms, ×2, 128 s cap, jitter. */
const LANGGRAPH_DEFAULTS = {
  maxAttempts: 3,
  initialIntervalMs: 500,
  backoffFactor: 2,
  maxIntervalMs: 128_000,
  jitter: true,
};

/** HTTP statuses LangGraph's default `retryOn` never retries (its own list). */
const LANGGRAPH_NO_RETRY_STATUS = new Set([400, 401, 402, 403, 404, 405, 406, 407, 409]);

/**
 * LangGraph's default `retryOn`, for a node whose `retryPolicy` names none: everything is retried
 * except cancellations, `GraphValueError`, aborted connections, the 4xx statuses above and an
 * exhausted quota. The node Lambda asks it (see {@link nodeFailure}) so the state machine retries
 * exactly what `invoke` would.
 */
export function langGraphRetryOn(error: unknown): boolean {
  const e = (error ?? {}) as {
    message?: unknown;
    name?: unknown;
    code?: unknown;
    status?: unknown;
    response?: { status?: unknown };
    error?: { code?: unknown };
  };
  const message = typeof e.message === "string" ? e.message : "";
  if (message.startsWith("Cancel") || message.startsWith("AbortError") || e.name === "AbortError")
    return false;
  if (e.name === "GraphValueError" || e.code === "ECONNABORTED") return false;
  const status = e.response?.status ?? e.status;
  if (status !== undefined && LANGGRAPH_NO_RETRY_STATUS.has(Number(status))) return false;
  return e.error?.code !== "insufficient_quota";
}

/**
 * What a node Lambda throws for its task's failure, so Step Functions matches it by code:
 * LangGraph's recursion error under LangGraph's code; an error carrying a stable dotted `code`
 * under that code (class names do not survive minification); and, when the node has a retry but
 * its `retryOn` (LangGraph's default without one) refuses this error, a {@link NonRetryableError}
 * the node's ASL `Retry` never retries — so `retryOn` is the one rule, in-process and on AWS.
 */
export function nodeFailure(workflow: WorkflowDefinition, node: string, error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (isRecursionError(error)) error.name = RECURSION_LIMIT_CODE;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^[A-Za-z]\w*\.[\w.]+$/.test(code)) error.name = code;
  if (!nodeRetry(workflow, node) || (NON_RETRYABLE_CODES as readonly string[]).includes(error.name))
    return error;
  const policy = (
    workflow.graph.nodes as Record<string, { retryPolicy?: { retryOn?: (e: unknown) => boolean } }>
  )[node]?.retryPolicy;
  return (policy?.retryOn ?? langGraphRetryOn)(error) ? error : new NonRetryableError(error.name, error);
}

/** Lambda service errors, retried as the AWS docs recommend for Lambda integrations. */
export const LAMBDA_SERVICE_RETRY = {
  ErrorEquals: [
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  JitterStrategy: "FULL",
};

export interface NodeRetry {
  readonly maxAttempts: number;
  readonly initialIntervalMs: number;
  readonly backoffFactor: number;
  readonly maxIntervalMs: number;
  readonly jitter: boolean;
}

/**
 * The node's effective retry: the workflow's per-node override, else the graph's LangGraph
 * `retryPolicy`, else none (LangGraph runs a node without a policy once).
 */
export function nodeRetry(workflow: WorkflowDefinition, node: string): NodeRetry | undefined {
  const override = workflow.nodes[node]?.retry;
  const policy = (workflow.graph.nodes as Record<string, { retryPolicy?: Record<string, unknown> }>)[node]
    ?.retryPolicy;
  if (!override && !policy) return undefined;
  const p = (policy ?? {}) as {
    maxAttempts?: number;
    initialInterval?: number;
    backoffFactor?: number;
    maxInterval?: number;
    jitter?: boolean;
  };
  return {
    maxAttempts: override?.maxAttempts ?? p.maxAttempts ?? LANGGRAPH_DEFAULTS.maxAttempts,
    initialIntervalMs:
      override?.initialIntervalMs ?? p.initialInterval ?? LANGGRAPH_DEFAULTS.initialIntervalMs,
    backoffFactor: override?.backoffFactor ?? p.backoffFactor ?? LANGGRAPH_DEFAULTS.backoffFactor,
    maxIntervalMs: override?.maxIntervalMs ?? p.maxInterval ?? LANGGRAPH_DEFAULTS.maxIntervalMs,
    jitter: override?.jitter ?? p.jitter ?? LANGGRAPH_DEFAULTS.jitter,
  };
}

/**
 * The node's retry as ASL `Retry` entries. LangGraph's `maxAttempts` counts every attempt, ASL's
 * counts retries, hence `- 1`. ASL intervals are whole seconds (≥ 1).
 *
 * @example
 * // retryPolicy { maxAttempts: 3, initialInterval: 500 } →
 * // [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, MaxDelaySeconds: 128, JitterStrategy: "FULL" }]
 */
export function aslRetryFor(workflow: WorkflowDefinition, node: string): Record<string, unknown>[] {
  const r = nodeRetry(workflow, node);
  if (!r || r.maxAttempts <= 1) return [];
  const fatal = workflow.nodes[node]?.retry?.nonRetryable ?? [];
  return [
    ...(fatal.length > 0 ? [{ ErrorEquals: [...fatal], MaxAttempts: 0 }] : []),
    {
      ErrorEquals: ["States.ALL"],
      IntervalSeconds: Math.max(1, Math.ceil(r.initialIntervalMs / 1000)),
      MaxAttempts: r.maxAttempts - 1,
      BackoffRate: r.backoffFactor,
      MaxDelaySeconds: Math.max(1, Math.ceil(r.maxIntervalMs / 1000)),
      JitterStrategy: r.jitter ? "FULL" : "NONE",
    },
  ];
}
