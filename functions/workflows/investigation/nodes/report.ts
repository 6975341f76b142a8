import { now } from "#core";
import { announceTimeToDeadline } from "#engine";
import { BREAK_CATEGORIES, type BreakCategory, byDeadline, CUTOFF_BUCKETS, timeToCutoff } from "#trading";
import { IncompleteInvestigationError } from "../errors.ts";
import { ROOT_CAUSE_NAMES, type RootCause } from "../root-causes.ts";
import type { InvestigationUpdate, ReportViewValue } from "../state.ts";
import { usdNotional } from "../supervise.ts";
import {
  type CategoryOutcome,
  type EscalationCode,
  type InvestigationAction,
  type InvestigationReport,
  SPECIALISTS,
  type Specialist,
} from "../types.ts";

const ESCALATION_CODES: readonly EscalationCode[] = [
  "specialist",
  "low_confidence",
  "inconclusive",
  "round_bound",
];

/** Breaks the report lists with their next action: the most urgent, then the largest. */
export const NEXT_ACTIONS_LISTED = 25;

/**
 * Closes the run: checks every break ended resolved or escalated, then counts the outcomes by
 * category, root cause, specialist and escalation code, counts the escalated breaks by time left
 * to their settlement cut-off, and lists the most urgent breaks (earliest deadline, then largest)
 * with their next action. Reads the shared channels and the effort account only (`ReportView`), never a
 * notebook.
 */
export async function report(state: ReportViewValue): Promise<InvestigationUpdate> {
  const findingOf = new Map(state.findings.map((f) => [f.breakId, f]));
  const unsettled = state.breaks
    .filter((b) => {
      const status = findingOf.get(b.breakId)?.status;
      return status !== "resolved" && status !== "escalated";
    })
    .map((b) => b.breakId);
  if (unsettled.length > 0) throw new IncompleteInvestigationError(unsettled);

  const byCategory = Object.fromEntries(
    BREAK_CATEGORIES.map((c) => [c, { breaks: 0, resolved: 0, escalated: 0 }]),
  ) as Record<BreakCategory, { breaks: number; resolved: number; escalated: number }>;
  const byRootCause = zeros<RootCause>(ROOT_CAUSE_NAMES);
  const bySpecialist = zeros<Specialist>(SPECIALISTS);
  const escalations = zeros<EscalationCode>(ESCALATION_CODES);
  const byTimeToCutoff = zeros(CUTOFF_BUCKETS);
  const at = now();
  const actions: (InvestigationAction & { usd: number })[] = [];
  for (const b of state.breaks) {
    const finding = findingOf.get(b.breakId);
    if (!finding || finding.status === "inconclusive") continue;
    const outcome = byCategory[b.category];
    outcome.breaks++;
    if (finding.status === "resolved" && finding.rootCause && finding.specialist) {
      outcome.resolved++;
      byRootCause[finding.rootCause]++;
      bySpecialist[finding.specialist]++;
    } else if (finding.escalation) {
      outcome.escalated++;
      escalations[finding.escalation.code]++;
      byTimeToCutoff[timeToCutoff(state.deadlines[b.breakId], at).bucket]++;
    }
    const deadline = state.deadlines[b.breakId];
    actions.push({
      breakId: b.breakId,
      category: b.category,
      status: finding.status,
      rootCause: finding.rootCause,
      nextAction: finding.nextAction,
      notional: b.notional,
      currency: b.currency,
      usd: usdNotional(b, state.usdRates),
      ...(deadline
        ? {
            deadline: {
              at: deadline.at,
              local: deadline.local,
              cutoff: deadline.cutoff,
              cutoffId: deadline.cutoffId,
            },
          }
        : {}),
    });
  }
  const conclusion: InvestigationReport = {
    businessDate: state.businessDate ?? "",
    breaks: state.breaks.length,
    resolved: sum(Object.values(byRootCause)),
    escalated: sum(Object.values(escalations)),
    rounds: state.round,
    byCategory: byCategory satisfies Record<BreakCategory, CategoryOutcome>,
    byRootCause,
    bySpecialist,
    escalations,
    escalatedByTimeToCutoff: byTimeToCutoff,
    nextActions: actions
      .sort(
        byDeadline(
          (a) => a.deadline,
          (a, b) => b.usd - a.usd || (a.breakId < b.breakId ? -1 : 1),
        ),
      )
      .slice(0, NEXT_ACTIONS_LISTED)
      .map(({ usd: _, ...action }) => action),
  };
  // What people now hold, by time left to the cut-off: the dashboards' "exceptions by time to cut-off".
  await announceTimeToDeadline(byTimeToCutoff);
  return { conclusion };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
