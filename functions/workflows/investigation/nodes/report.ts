import { IncompleteInvestigationError } from "../errors.ts";
import type { InvestigationUpdate, ReportViewValue } from "../state.ts";
import {
  type EscalationCode,
  type InvestigationReport,
  ROOT_CAUSES,
  type RootCause,
  SPECIALISTS,
  type Specialist,
} from "../types.ts";

const ESCALATION_CODES: readonly EscalationCode[] = [
  "specialist",
  "low_confidence",
  "inconclusive",
  "round_bound",
];

/**
 * Closes the run: checks every break ended resolved or escalated, then counts root causes,
 * escalations by code and the breaks each specialist settled. Reads the shared channels and the
 * effort account only (`ReportView`), never a notebook.
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

  const byRootCause = zeros<RootCause>(ROOT_CAUSES);
  const bySpecialist = zeros<Specialist>(SPECIALISTS);
  const escalations = zeros<EscalationCode>(ESCALATION_CODES);
  for (const b of state.breaks) {
    const finding = findingOf.get(b.breakId);
    if (finding?.status === "resolved" && finding.rootCause && finding.specialist) {
      byRootCause[finding.rootCause]++;
      bySpecialist[finding.specialist]++;
    } else if (finding?.escalation) {
      escalations[finding.escalation.code]++;
    }
  }
  const conclusion: InvestigationReport = {
    date: state.dataset.date,
    breaks: state.breaks.length,
    resolved: sum(Object.values(byRootCause)),
    escalated: sum(Object.values(escalations)),
    rounds: state.round,
    byRootCause,
    bySpecialist,
    escalations,
  };
  return { conclusion };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
