import { z } from "zod";
import type { WorkflowResult } from "#engine";
import { BREAK_CATEGORIES } from "#trading/schemas";
import { Decision } from "./decision.ts";
import type { TriageStateValue } from "./state.ts";

const Change = z.object({
  field: z.string(),
  from: z.union([z.string(), z.number()]),
  to: z.union([z.string(), z.number()]),
});

/**
 * A triage's result: the break, the route and why, the person's decision when one was asked,
 * the amendment proposed and the effects applied, or where it was escalated.
 */
export const TriageResultSchema = z.object({
  businessDate: z.string().nullable(),
  breakId: z.string().nullable(),
  category: z.enum(BREAK_CATEGORIES).nullable(),
  exceptionClass: z.string().nullable(),
  severity: z.enum(["low", "medium", "high"]).nullable(),
  impactUsd: z.number().nullable(),
  /** `no_break`, `amended`, `escalated`; `pending` while a person has not answered. */
  outcome: z.enum(["no_break", "amended", "escalated", "pending"]),
  decision: z
    .object({ route: z.enum(["auto_fix", "human_approval", "escalate"]), reason: z.string() })
    .nullable(),
  compliance: z.object({ status: z.string(), reasons: z.array(z.string()) }).nullable(),
  /** The settlement cut-off of the break, and whether it was held back for people before it. */
  deadline: z.object({ cutoff: z.string(), at: z.string(), local: z.string(), held: z.boolean() }).nullable(),
  approval: z
    .object({
      decision: z.enum(["approve", "reject"]),
      by: z.string(),
      /** Every approver, when the action needed more than one (four eyes). */
      approvers: z.array(z.string()).optional(),
      comment: z.string().optional(),
    })
    .nullable(),
  amendment: z
    .object({
      proposalId: z.string(),
      tradeId: z.string(),
      action: z.string(),
      changes: z.array(Change),
      rationale: z.string(),
    })
    .nullable(),
  effects: z.array(
    z.object({ effectId: z.string(), tool: z.string(), tradeId: z.string(), changes: z.array(Change) }),
  ),
  escalation: z.object({ queue: z.string(), reason: z.string(), nextAction: z.string() }).nullable(),
});
export type TriageResult = z.infer<typeof TriageResultSchema>;

/**
 * @example
 * triageResult.of(finalState).approval; // { decision: "approve", by: "ops.jane" }
 */
export const triageResult: WorkflowResult<TriageStateValue> = {
  schema: TriageResultSchema,
  answers: { human_approval: Decision },
  of(state): TriageResult {
    const c = state.classification ?? null;
    const p = state.proposal ?? null;
    const a = state.approval ?? null;
    const e = state.escalation ?? null;
    return {
      businessDate: state.businessDate ?? null,
      breakId: state.exception?.breakId ?? null,
      category: state.exception?.category ?? null,
      exceptionClass: c?.exceptionClass ?? null,
      severity: c?.severity ?? null,
      impactUsd: c?.impactUsd ?? null,
      outcome: state.triageReport?.outcome ?? "pending",
      decision: state.decision ? { route: state.decision.route, reason: state.decision.reason } : null,
      compliance: state.compliance
        ? { status: state.compliance.status, reasons: [...state.compliance.reasons] }
        : null,
      deadline: state.deadline
        ? {
            cutoff: state.deadline.cutoff,
            at: state.deadline.at,
            local: state.deadline.local,
            held: state.decision?.hold !== undefined,
          }
        : null,
      approval: a
        ? {
            decision: a.decision,
            by: a.by,
            ...(a.approvers ? { approvers: [...a.approvers] } : {}),
            ...(a.comment !== undefined ? { comment: a.comment } : {}),
          }
        : null,
      amendment: p
        ? {
            proposalId: p.proposalId,
            tradeId: p.tradeId,
            action: p.action,
            changes: p.changes.map((ch) => ({ ...ch })),
            rationale: p.rationale,
          }
        : null,
      effects: state.effects.map((ef) => ({
        effectId: ef.effectId,
        tool: ef.tool,
        tradeId: ef.tradeId,
        changes: ef.changes.map((ch) => ({ ...ch })),
      })),
      escalation: e ? { queue: e.queue, reason: e.reason, nextAction: e.nextAction } : null,
    };
  },
};
