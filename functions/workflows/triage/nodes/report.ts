import { BREAK_KINDS, type BreakKind } from "#data";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { KindTally, Severity, TriageReport } from "../types.ts";

/** Tallies the run: what was found, proposed for fixing and escalated, by kind, severity and queue. */
export async function report(state: TriageStateValue): Promise<TriageUpdate> {
  const fixed = new Set(state.fixes.map((f) => f.breakId));
  const escalated = new Set(state.escalations.map((e) => e.breakId));
  const byKind = Object.fromEntries(
    BREAK_KINDS.map((kind): [BreakKind, KindTally] => {
      const ofKind = state.exceptions.filter((b) => b.kind === kind);
      return [
        kind,
        {
          found: ofKind.length,
          autoFixed: ofKind.filter((b) => fixed.has(b.breakId)).length,
          escalated: ofKind.filter((b) => escalated.has(b.breakId)).length,
        },
      ];
    }),
  ) as Record<BreakKind, KindTally>;
  const bySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  for (const c of state.classified) bySeverity[c.severity]++;
  const byQueue: Record<string, number> = {};
  for (const e of state.escalations) byQueue[e.queue] = (byQueue[e.queue] ?? 0) + 1;

  const result: TriageReport = {
    date: state.dataset.date,
    tradesScanned: state.tradesScanned,
    breaksFound: state.exceptions.length,
    autoFixed: state.fixes.length,
    escalated: state.escalations.length,
    byKind,
    bySeverity,
    byQueue,
  };
  return {
    triageReport: result,
    steps: [
      {
        node: "report",
        did: `reported ${result.breaksFound} breaks: ${result.autoFixed} fix proposals, ${result.escalated} escalations`,
        toolCalls: 0,
      },
    ],
  };
}
