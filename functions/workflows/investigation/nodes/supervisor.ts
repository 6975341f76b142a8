import { DEFAULT_TOLERANCES, loadTradeDay } from "#data";
import { type BreakRecord, matchPartition } from "../../reconciliation/index.ts";
import type { InvestigationUpdate, SupervisorViewValue } from "../state.ts";
import { supervise } from "../supervise.ts";

/**
 * The supervisor node. On its first turn with no breaks given, it finds the day's open breaks
 * with reconciliation's matcher (the whole day as one partition), so the workflow runs alone;
 * on every turn it reviews the specialists' answers and plans the next round (`supervise`).
 * It reads the shared channels only (`SupervisorView`): the specialists' notebooks are private.
 */
export async function supervisor(state: SupervisorViewValue): Promise<InvestigationUpdate> {
  const derived = state.round === 0 && state.breakSource === "derive" ? deriveBreaks(state.dataset) : [];
  const breaks = derived.length > 0 ? derived : state.breaks;
  const decision = supervise({
    round: state.round,
    maxRounds: state.maxRounds,
    batchSize: state.batchSize,
    breaks,
    findings: state.findings,
  });
  return {
    ...(derived.length > 0 ? { breaks: derived } : {}),
    round: decision.round,
    plan: decision.plan,
    ...(decision.findings.length > 0 ? { findings: decision.findings } : {}),
  };
}

function deriveBreaks(dataset: SupervisorViewValue["dataset"]): BreakRecord[] {
  const day = loadTradeDay(dataset);
  return matchPartition(day, day.trades, DEFAULT_TOLERANCES).breaks;
}
