import type { WorkflowDefinition } from "./define.ts";

/** LangGraph's defaults when a node has a retryPolicy (pregel/retry.ts): 3 attempts, 500 ms, ×2, 128 s cap, jitter. */
const LANGGRAPH_DEFAULTS = {
  maxAttempts: 3,
  initialIntervalMs: 500,
  backoffFactor: 2,
  maxIntervalMs: 128_000,
  jitter: true,
};

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
