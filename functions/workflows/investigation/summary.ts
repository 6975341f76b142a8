import type { RunSummary } from "#engine";
import { BREAK_CATEGORIES } from "#trading/schemas";
import { ROOT_CAUSE_NAMES } from "./root-causes.ts";
import type { InvestigationStateValue } from "./state.ts";
import { SPECIALISTS, type Specialist } from "./types.ts";

/** Next actions the summary prints (the report keeps more). */
const ACTIONS_SHOWN = 5;

const SOURCE_LINE = {
  given: "given in the request",
  uri: "read from a reconciliation run's breaks.json",
  derive: "derived by the matcher (reconcileDay)",
} as const;

/**
 * A one-screen account of an investigation run: the headline, what the supervisor and each
 * specialist did (calls and tokens), the outcomes by category and root cause, and the largest
 * breaks' next actions. Root-cause accuracy cannot be known at run time — there is no ground
 * truth in production — so it is reported as such; the tests measure it on hand-built days.
 *
 * @example
 * summarizeInvestigation(finalState).headline;
 * // "Investigation 2026-11-24: 40 breaks, 31 resolved with a root cause, 9 escalated, in 2 rounds"
 */
export function summarizeInvestigation(state: InvestigationStateValue): RunSummary {
  const report = state.conclusion;
  const resolved = report?.resolved ?? 0;
  const escalated = report?.escalated ?? 0;
  const date = report?.businessDate || state.businessDate || "(no day opened)";
  const models = [...new Set(state.effort.map((e) => e.model))];
  const figures: Record<string, number | string> = {
    date,
    data: state.data?.uri ?? "none",
    breakSource: SOURCE_LINE[state.breakSource],
    breaksFound: state.breaksFound,
    breaksInvestigated: state.breaks.length,
    resolved,
    escalated,
    rounds: state.round,
    maxRounds: state.maxRounds,
    rootCauseAccuracy: "unknown at run time (measured on hand-built days in tests)",
    model: models.join(", ") || "none",
  };
  for (const category of BREAK_CATEGORIES) {
    const outcome = report?.byCategory[category];
    if (outcome && outcome.breaks > 0) {
      figures[`category.${category}`] =
        `${outcome.breaks} (${outcome.resolved} resolved, ${outcome.escalated} escalated)`;
    }
  }
  for (const cause of ROOT_CAUSE_NAMES) figures[`rootCause.${cause}`] = report?.byRootCause[cause] ?? 0;
  for (const [code, count] of Object.entries(report?.escalations ?? {})) figures[`escalated.${code}`] = count;
  for (const [bucket, count] of Object.entries(report?.escalatedByTimeToCutoff ?? {})) {
    if (count > 0) figures[`escalatedByTimeToCutoff.${bucket}`] = count;
  }
  const batches = state.effort.length;
  const actions = (report?.nextActions ?? [])
    .slice(0, ACTIONS_SHOWN)
    .map(
      (a) =>
        `${a.breakId} (${a.status}${a.deadline ? `, cut-off ${a.deadline.local}` : ""}): ${a.nextAction}`,
    );
  return {
    headline:
      `Investigation ${date}: ${state.breaks.length} breaks, ${resolved} resolved with a root cause, ` +
      `${escalated} escalated, in ${state.round} round${state.round === 1 ? "" : "s"}`,
    steps: [
      {
        node: "supervisor",
        did: `routed ${state.breaks.length} breaks by category in ${batches} batches over ${state.round} rounds (of at most ${state.maxRounds}, ${state.batchSize} per specialist per round)`,
      },
      ...SPECIALISTS.map((specialist) => ({ node: specialist, did: specialistLine(state, specialist) })),
      {
        node: "report",
        did: report
          ? `${resolved} root causes, ${escalated} escalations (${
              Object.entries(report.escalations)
                .filter(([, n]) => n > 0)
                .map(([code, n]) => `${code} ${n}`)
                .join(", ") || "none"
            })${actions.length > 0 ? `; next actions, most urgent first: ${actions.join(" | ")}` : ""}`
          : "did not run",
      },
    ],
    figures,
  };
}

function specialistLine(state: InvestigationStateValue, specialist: Specialist): string {
  const entries = state.effort.filter((e) => e.specialist === specialist);
  if (entries.length === 0) return "had nothing to investigate";
  const calls: Record<string, number> = {};
  for (const e of entries)
    for (const [name, n] of Object.entries(e.toolCalls)) calls[name] = (calls[name] ?? 0) + n;
  const tools = Object.entries(calls)
    .map(([name, n]) => `${name} ×${n}`)
    .join(", ");
  const settled = state.conclusion?.bySpecialist[specialist] ?? 0;
  const tokens = sum(entries.map((e) => e.inputTokens + e.outputTokens));
  return (
    `investigated ${sum(entries.map((e) => e.breaks))} breaks in ${entries.length} round${entries.length === 1 ? "" : "s"}, ${settled} resolved; ` +
    `${sum(entries.map((e) => e.modelCalls))} model calls, ${tools || "no tool calls"}; ${tokens.toLocaleString("en-US")} tokens`
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
