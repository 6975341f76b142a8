import { createHash } from "node:crypto";
import { canonicalJson } from "#core";

/**
 * THE SIDE-EFFECT CONTRACT. A tool that changes anything outside the run (amends a booking,
 * sends a message) says so in its metadata — `tool(fn, { ..., metadata: { sideEffect: true } })`
 * — and the agent then runs it only when the caller passes the call's approval key in
 * `approvals`. The key is derived from the agent, the tool and the validated arguments, so an
 * approval covers exactly one action: the model cannot reuse it for other arguments.
 *
 * ```
 * run 1: model asks amend_trade{T1, price 101} → refused, key K in pendingApprovals
 *        (the workflow interrupts; a person approves K)
 * run 2: invoke(..., { approvals: [K] })       → runs once; K in executedApprovals
 *        a second identical call in the run    → refused: already executed
 * ```
 * The tool receives K as `config.configurable.idempotencyKey`, so the system it writes to can
 * drop a repeat if the node is retried after the write.
 */
export const SIDE_EFFECT_FLAG = "sideEffect";

/**
 * Whether a tool is marked as having side effects.
 *
 * @example
 * isSideEffectTool(tool(fn, { name: "amend_trade", schema, metadata: { sideEffect: true } })); // true
 */
export function isSideEffectTool(tool: object): boolean {
  const { metadata } = tool as { metadata?: Record<string, unknown> };
  return metadata?.[SIDE_EFFECT_FLAG] === true;
}

/**
 * The approval (and idempotency) key of one side-effect call: `agent:tool:hash(args)`, with
 * object keys sorted so the same arguments always give the same key.
 *
 * @example
 * approvalKey("fixer", "amend_trade", { tradeId: "T1", price: 101 }); // "fixer:amend_trade:3f9c…"
 */
export function approvalKey(agent: string, toolName: string, args: unknown): string {
  const digest = createHash("sha256").update(canonicalJson(args)).digest("hex").slice(0, 16);
  return `${agent}:${toolName}:${digest}`;
}
