import { z } from "zod";
import type { WorkflowResult } from "#engine";
import type { Deadline } from "#trading";
import { BREAK_CATEGORIES } from "#trading/schemas";
import { ROOT_CAUSE_NAMES } from "./root-causes.ts";
import type { InvestigationStateValue } from "./state.ts";

/**
 * Findings listed in the result; a run may hold up to 5,000 breaks, and a result must stay well
 * under a Lambda response (6 MB). The counts always cover every break.
 */
export const FINDINGS_LISTED = 1000;

const Finding = z.object({
  breakId: z.string(),
  category: z.enum(BREAK_CATEGORIES),
  tradeIds: z.array(z.string()),
  status: z.enum(["resolved", "escalated", "inconclusive"]),
  rootCause: z.string().nullable(),
  confidence: z.number(),
  evidence: z.array(z.string()),
  nextAction: z.string(),
  escalation: z.object({ code: z.string(), reason: z.string() }).nullable(),
  /** The settlement cut-off the break must be fixed by (null: the day names none of its trades). */
  deadline: z.object({ cutoff: z.string(), at: z.string(), local: z.string() }).nullable(),
});

/**
 * An investigation's result: each break's root cause (or why it went to a person), its
 * evidence and next action; counts by root cause and escalation.
 */
export const InvestigationResultSchema = z.object({
  businessDate: z.string().nullable(),
  breaks: z.number().int(),
  resolved: z.number().int(),
  escalated: z.number().int(),
  rounds: z.number().int(),
  /** Root causes found, most frequent first (none with zero breaks). */
  rootCauses: z.array(z.object({ rootCause: z.string(), breaks: z.number().int() })),
  escalations: z.record(z.string(), z.number().int()),
  findings: z.array(Finding),
  /** Findings beyond {@link FINDINGS_LISTED}, counted but not listed. */
  findingsOmitted: z.number().int(),
  /** Escalated breaks by time left to their settlement cut-off when the report was written. */
  escalatedByTimeToCutoff: z.record(z.string(), z.number().int()),
});
export type InvestigationResult = z.infer<typeof InvestigationResultSchema>;

/**
 * @example
 * investigationResult.of(finalState).rootCauses[0]; // { rootCause: "stale_price_source", breaks: 7 }
 */
export const investigationResult: WorkflowResult<InvestigationStateValue> = {
  schema: InvestigationResultSchema,
  of(state): InvestigationResult {
    const report = state.conclusion ?? null;
    const findings = state.findings ?? [];
    return {
      businessDate: report?.businessDate || state.businessDate || null,
      breaks: state.breaks.length,
      resolved: report?.resolved ?? 0,
      escalated: report?.escalated ?? 0,
      rounds: state.round,
      rootCauses: ROOT_CAUSE_NAMES.map((rootCause) => ({
        rootCause,
        breaks: report?.byRootCause[rootCause] ?? 0,
      }))
        .filter((c) => c.breaks > 0)
        .sort((a, b) => b.breaks - a.breaks),
      escalations: Object.fromEntries(Object.entries(report?.escalations ?? {}).filter(([, n]) => n > 0)),
      findings: findings.slice(0, FINDINGS_LISTED).map((f) => ({
        breakId: f.breakId,
        category: f.category,
        tradeIds: [...f.tradeIds],
        status: f.status,
        rootCause: f.rootCause,
        confidence: f.confidence,
        evidence: [...f.evidence],
        nextAction: f.nextAction,
        escalation: f.escalation ? { code: f.escalation.code, reason: f.escalation.reason } : null,
        deadline: deadlineOf(state.deadlines?.[f.breakId]),
      })),
      findingsOmitted: Math.max(0, findings.length - FINDINGS_LISTED),
      escalatedByTimeToCutoff: Object.fromEntries(
        Object.entries(report?.escalatedByTimeToCutoff ?? {}).filter(([, n]) => n > 0),
      ),
    };
  },
};

const deadlineOf = (d: Deadline | undefined) => (d ? { cutoff: d.cutoff, at: d.at, local: d.local } : null);
