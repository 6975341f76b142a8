import { openInvestigation } from "../opening.ts";
import type { InvestigationUpdate, SupervisorViewValue } from "../state.ts";
import { supervise } from "../supervise.ts";

/**
 * The supervisor node. Its first turn opens the day (`openInvestigation`: the data reference,
 * the business date, the US-dollar rates, each break's settlement deadline and, unless the
 * request carried them, the breaks); on
 * every turn it reviews the specialists' answers and plans the next round (`supervise`). It
 * reads the shared channels only (`SupervisorView`): the specialists' notebooks are private.
 */
export async function supervisor(state: SupervisorViewValue): Promise<InvestigationUpdate> {
  const opening =
    state.round === 0 && state.data === null
      ? await openInvestigation(state.source, state.breakSource, state.breaksUri, state.breaks)
      : undefined;
  const breaks = opening?.breaks ?? state.breaks;
  const usdRates = opening?.usdRates ?? state.usdRates;
  const deadlines = opening?.deadlines ?? state.deadlines;
  const decision = supervise({
    round: state.round,
    maxRounds: state.maxRounds,
    batchSize: state.batchSize,
    breaks,
    findings: state.findings,
    usdRates,
    deadlines,
  });
  return {
    ...(opening
      ? {
          data: opening.data,
          businessDate: opening.businessDate,
          usdRates,
          deadlines,
          ...(opening.breaks ? { breaks: opening.breaks, breaksFound: opening.breaksFound ?? 0 } : {}),
        }
      : {}),
    round: decision.round,
    plan: decision.plan,
    ...(decision.findings.length > 0 ? { findings: decision.findings } : {}),
  };
}
