import type { InvestigationFinding, Notebook, WorkingNote } from "./types.ts";

/** How many working notes a notebook keeps: enough to audit a few rounds, bounded at any day size. */
export const NOTEBOOK_NOTES = 40;

/**
 * The findings channel: one finding per break, the latest version winning — a later round over
 * an earlier one, and within a round the supervisor's review over the specialist's answer.
 * Order-independent and idempotent, like `mergeById`: parallel specialists' writes (disjoint
 * breaks) give the same list in any order, and a redriven write changes nothing.
 *
 * @example
 * mergeFindings([specialistAnswer], [supervisorEscalation]); // [supervisorEscalation]
 */
export function mergeFindings(
  current: readonly InvestigationFinding[],
  update: readonly InvestigationFinding[],
): InvestigationFinding[] {
  const byId = new Map<string, InvestigationFinding>();
  for (const finding of [...current, ...update]) {
    const held = byId.get(finding.breakId);
    if (!held || isNewer(finding, held)) byId.set(finding.breakId, finding);
  }
  return [...byId.values()].sort((a, b) => compareIds(a.breakId, b.breakId));
}

function isNewer(candidate: InvestigationFinding, held: InvestigationFinding): boolean {
  if (candidate.round !== held.round) return candidate.round > held.round;
  return candidate.by === "supervisor" && held.by !== "supervisor";
}

/**
 * A specialist's notebook: notes merged by id and capped at the newest {@link NOTEBOOK_NOTES},
 * the conversation taken from the latest round. Only one task writes a given notebook per
 * round, so this only has to be idempotent, which merging by id is.
 *
 * @example
 * mergeNotebook(emptyNotebook(), { lastRound: 1, notes, history }).notes.length; // notes.length
 */
export function mergeNotebook(current: Notebook, update: Notebook): Notebook {
  const byId = new Map<string, WorkingNote>();
  for (const note of [...current.notes, ...update.notes]) if (!byId.has(note.id)) byId.set(note.id, note);
  const notes = [...byId.values()]
    .sort((a, b) => a.round - b.round || compareIds(a.breakId, b.breakId))
    .slice(-NOTEBOOK_NOTES);
  const latest = update.lastRound >= current.lastRound ? update : current;
  return { lastRound: latest.lastRound, notes, history: latest.history };
}

export function emptyNotebook(): Notebook {
  return { lastRound: 0, notes: [], history: [] };
}

/** Plain code-unit order: the same on every machine (see reconciliation's `mergeById`). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
