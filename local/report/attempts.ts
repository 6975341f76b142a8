import { awsCost, SUPERSTEP_AWS_USAGE, SWITCHYARD } from "#telemetry";
import type { StoredSpan } from "./spans.ts";

/** One execution of one node task, read from its `invoke_agent` span and the spans under it. */
export interface Attempt {
  readonly spanId: string;
  readonly node: string;
  /** LangGraph's task id: a second attempt of the same task is a retry; another task of the same node is not. */
  readonly taskId: string;
  readonly step: number;
  readonly start: number;
  readonly end: number;
  readonly error?: string;
  /** A later attempt of the same task in the same superstep. */
  readonly retry: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Its model calls' token cost plus, on Step Functions, its task's share of the AWS requests. */
  readonly costUsd: number;
  readonly modelCalls: number;
  /** The `execute_tool` spans under it, in start order. */
  readonly tools: readonly StoredSpan[];
}

/** Where the run's spans say the node tasks ran: Step Functions (AWS requests priced) or in-process. */
export type Engine = "step-functions" | "in-process";

/**
 * The node attempts of a run, in start order. Their cost is what the run's total is made of:
 * the chat spans' token cost, and on Step Functions each task's Lambda request and state
 * transitions (the per-task part of `SUPERSTEP_AWS_USAGE`, which the telemetry observer adds
 * to the run's total per superstep). With the offline model, tokens are free, so without the
 * AWS share every node read $0 while the run's total did not.
 */
export function attemptsOf(spans: readonly StoredSpan[], engine: Engine): Attempt[] {
  const byParent = new Map<string, StoredSpan[]>();
  for (const s of spans)
    if (s.parentSpanId) byParent.set(s.parentSpanId, [...(byParent.get(s.parentSpanId) ?? []), s]);
  const descendants = (id: string): StoredSpan[] =>
    (byParent.get(id) ?? []).flatMap((c) => [c, ...descendants(c.spanId)]);
  const taskAws = engine === "step-functions" ? awsCost(SUPERSTEP_AWS_USAGE.perTask) : 0;
  const seen = new Set<string>();
  return spans
    .filter((s) => s.attributes["gen_ai.operation.name"] === "invoke_agent")
    .map((s) => {
      const under = descendants(s.spanId);
      const chats = under.filter((c) => c.attributes["gen_ai.operation.name"] === "chat");
      const num = (c: StoredSpan, k: string) => Number(c.attributes[k] ?? 0);
      const taskId = String(s.attributes[SWITCHYARD.taskId] ?? s.spanId);
      const step = Number(s.attributes["switchyard.step"] ?? 0);
      const key = `${step}:${taskId}`;
      const retry = seen.has(key);
      seen.add(key);
      return {
        spanId: s.spanId,
        node: String(s.attributes["switchyard.node"] ?? s.name.replace("invoke_agent ", "")),
        taskId,
        step,
        start: s.start,
        end: s.end,
        ...(s.error ? { error: s.error } : {}),
        retry,
        inputTokens: chats.reduce((t, c) => t + num(c, "gen_ai.usage.input_tokens"), 0),
        outputTokens: chats.reduce((t, c) => t + num(c, "gen_ai.usage.output_tokens"), 0),
        costUsd: chats.reduce((t, c) => t + num(c, "switchyard.cost.usd"), taskAws),
        modelCalls: chats.length,
        tools: under
          .filter((c) => c.attributes["gen_ai.operation.name"] === "execute_tool")
          .sort((a, b) => a.start - b.start),
      };
    });
}

/** One row of the per-node table: a node's attempts added up. */
export interface NodeCost {
  readonly node: string;
  readonly attempts: number;
  readonly failed: number;
  readonly ms: number;
  readonly modelCalls: number;
  readonly toolCalls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** The name of the row that holds what no node task spent: planning Lambdas and their transitions. */
export const ORCHESTRATION = "(orchestration)";

/**
 * The per-node rows, in first-run order, and — when the run's total (the `invoke_workflow`
 * span's `switchyard.cost.usd`) exceeds what the nodes spent — an {@link ORCHESTRATION} row
 * with the difference, so the column always adds up to the run's total.
 */
export function nodeCosts(attempts: readonly Attempt[], runCostUsd: number | undefined): NodeCost[] {
  const byNode = new Map<string, Attempt[]>();
  for (const a of attempts) byNode.set(a.node, [...(byNode.get(a.node) ?? []), a]);
  const rows = [...byNode].map(([node, list]): NodeCost => {
    const sum = (f: (a: Attempt) => number) => list.reduce((t, a) => t + f(a), 0);
    return {
      node,
      attempts: list.length,
      failed: list.filter((a) => a.error).length,
      ms: sum((a) => a.end - a.start),
      modelCalls: sum((a) => a.modelCalls),
      toolCalls: sum((a) => a.tools.length),
      inputTokens: sum((a) => a.inputTokens),
      outputTokens: sum((a) => a.outputTokens),
      costUsd: sum((a) => a.costUsd),
    };
  });
  const spent = rows.reduce((t, r) => t + r.costUsd, 0);
  // Below a billionth of a dollar the difference is floating-point noise, not a cost.
  const rest = runCostUsd === undefined ? 0 : runCostUsd - spent;
  if (rest > 1e-9) {
    rows.push({
      node: ORCHESTRATION,
      attempts: 0,
      failed: 0,
      ms: 0,
      modelCalls: 0,
      toolCalls: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: rest,
    });
  }
  return rows;
}
