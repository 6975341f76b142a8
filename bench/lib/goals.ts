import { verdict } from "./table.ts";

/** Why a goal could not be evaluated in this run (what it needs is absent): printed, never a failure. */
export interface NotMeasured {
  readonly notMeasured: string;
}

/** A bench's goal: its text (with the figure it was judged on) and whether it holds. */
export type Goal = readonly [goal: string, ok: boolean | NotMeasured];

export const notMeasured = (reason: string): NotMeasured => ({ notMeasured: reason });

/**
 * Prints a bench's goals, one a line, `✓`/`✗` (or `–` and "not measured (reason)"), and returns
 * whether every measured goal held — the bench sets its exit code from it, where a reader sees it.
 */
export function reportGoals(goals: readonly Goal[]): boolean {
  console.log("");
  for (const [goal, ok] of goals) {
    console.log(
      typeof ok === "boolean" ? `${verdict(ok)} ${goal}` : `– ${goal}: not measured (${ok.notMeasured})`,
    );
  }
  return goals.every(([, ok]) => ok !== false);
}
