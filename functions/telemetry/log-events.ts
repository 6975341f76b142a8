import type { TelemetryLogger } from "./logger.ts";

/** A log line's level, as the logger's methods name them. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** One event the code logs: its level, the fields it carries beside the correlation ids, its meaning. */
export interface LogEventDefinition {
  readonly level: LogLevel;
  readonly fields: readonly string[];
  readonly description: string;
}

/**
 * Every log event Switchyard writes, by its message (the `message` field of the JSON line):
 * the code logs through these names ({@link logEvent}, and `TelemetryLogger`'s methods take
 * only them), and the saved Logs Insights queries are generated from them
 * ({@link LOG_QUERIES}), so a query cannot match a message nobody writes. The metric catalog
 * (`catalog.ts`) is the same rule for metrics.
 */
export const LOG_EVENTS = {
  "run started": {
    level: "info",
    fields: ["workflow", "threadId", "runId", "kind"],
    description: "A run began: a start, resume or recovery, or an in-process run.",
  },
  "run ended": {
    level: "info",
    fields: [
      "workflow",
      "threadId",
      "status",
      "durationMs",
      "inputTokens",
      "outputTokens",
      "costUsd",
      "error",
    ],
    description: "A run ended: succeeded, failed or waiting, with its totals when this process saw it begin.",
  },
  "superstep planned": {
    level: "info",
    fields: ["workflow", "threadId", "step", "status", "from", "tasks"],
    description: "The engine planned a superstep: its tasks' nodes, or the run's end.",
  },
  "task ended": {
    level: "info",
    fields: ["workflow", "threadId", "node", "taskId", "ms", "outcome"],
    description: "A node task of the engine's handlers ended (run or skipped), with its duration.",
  },
  "task failed": {
    level: "warn",
    fields: ["workflow", "threadId", "node", "taskId", "ms", "error"],
    description: "A node task of the engine's handlers threw; `error.type` is its code.",
  },
  "node attempt failed": {
    level: "warn",
    fields: ["workflow", "node", "threadId", "taskId", "error"],
    description: "An attempt of a node failed (it may be retried); `error.type` is the node's own code.",
  },
  "model call failed": {
    level: "warn",
    fields: ["model", "provider", "error"],
    description: "A model call failed (one attempt), as the agent's loop reported it.",
  },
  "model call failed; retrying": {
    level: "warn",
    fields: ["agent", "provider", "model", "offline", "attempt", "delayMs", "error"],
    description: "A model call failed with a retryable error and the agent retries it after a delay.",
  },
  "tool call refused": {
    level: "warn",
    fields: ["agent", "tool", "code", "reason"],
    description: "The guard refused a tool call the model asked for; nothing ran.",
  },
  "agent stopped at its iteration bound": {
    level: "warn",
    fields: ["agent", "maxIterations"],
    description: "An agent reached `maxIterations` turns without a final answer.",
  },
  "work held before its deadline": {
    level: "error",
    fields: ["alert", "node", "subject", "deadline", "deadlineAt", "reason"],
    description: "A workflow held work close to a settlement deadline for a person (DeadlineHolds).",
  },
  "arrival starts no run": {
    level: "info",
    fields: ["outcome", "reason", "key"],
    description: "A data arrival (an S3 manifest) was skipped: it starts no run.",
  },
  "trade event not sent": {
    level: "warn",
    fields: ["outcome", "reason", "key"],
    description: "A trade event could not be turned into a run request; it goes to the consumer's DLQ.",
  },
  "event refused": {
    level: "error",
    fields: ["code", "detail"],
    description:
      "A Lambda refused an event that is not the shape its source delivers (`Switchyard.InvalidEvent`), naming the field.",
  },
  "api: unhandled error": {
    level: "error",
    fields: ["error"],
    description: "The REST API answered 500; the cause is here, never in the response.",
  },
} as const satisfies Record<string, LogEventDefinition>;

/** The name (message) of a catalogued log event: a line with any other message does not compile. */
export type LogEventName = keyof typeof LOG_EVENTS;

/**
 * Logs a catalogued event at its catalogued level.
 *
 * @example
 * logEvent(core.logger, "task failed", { ms: 12, error: { type: "Tools.NotFound", message } });
 */
export function logEvent(
  logger: Pick<TelemetryLogger, LogLevel>,
  name: LogEventName,
  attributes?: Record<string, unknown>,
): void {
  logger[LOG_EVENTS[name].level](name, attributes);
}

/** A saved Logs Insights query over catalogued events (`lib/constructs/observability.ts` saves each). */
export interface LogQuery {
  readonly name: string;
  /** The events it reads; none: every line (then `filter` narrows). */
  readonly events: readonly LogEventName[];
  readonly fields?: readonly string[];
  /** Further filters beside the events'. */
  readonly filter?: string;
  readonly stats?: string;
  readonly sort: string;
  readonly limit?: number;
}

/** The saved queries, over the events above. */
export const LOG_QUERIES: readonly LogQuery[] = [
  {
    name: "run-timeline",
    events: [],
    fields: ["@timestamp", "workflow", "node", "taskId", "message", "status", "step", "ms"],
    filter: 'threadId = "REPLACE_WITH_THREAD_ID"',
    sort: "@timestamp asc",
    limit: 1000,
  },
  {
    name: "failures-by-node",
    events: ["node attempt failed", "task failed"],
    stats: "count(*) as failures by workflow, node, error.type",
    sort: "failures desc",
  },
  {
    name: "slowest-nodes",
    events: ["task ended"],
    stats: "pct(ms, 95) as p95_ms, max(ms) as max_ms, count(*) as tasks by workflow, node",
    sort: "p95_ms desc",
    limit: 20,
  },
  {
    name: "model-errors",
    events: ["model call failed", "model call failed; retrying"],
    stats: "count(*) as errors by model, provider, error.type, bin(5m)",
    sort: "errors desc",
  },
];

/** A query's filter on its events' messages (`message = "…"` or `message in [...]`), if any. */
export function eventFilter(query: LogQuery): string | undefined {
  const [only, ...more] = query.events;
  if (only === undefined) return undefined;
  if (more.length === 0) return `message = ${JSON.stringify(only)}`;
  return `message in [${query.events.map((e) => JSON.stringify(e)).join(", ")}]`;
}
