import { verdict } from "./table.ts";

/** Why a goal could not be evaluated in this run (what it needs is absent): printed, never a failure. */
export interface NotMeasured {
  readonly notMeasured: string;
}

/** A bench's goal: its text (with the figure it was judged on) and whether it holds. */
export type Goal = readonly [goal: string, ok: boolean | NotMeasured];

export const notMeasured = (reason: string): NotMeasured => ({ notMeasured: reason });

/**
 * Prints a bench's goals, one a line, `✓`/`✗` (or `–` and "not measured (reason)"), and sets
 * `process.exitCode = 1` when a measured goal fails. Returns whether every measured goal held.
 */
export function reportGoals(goals: readonly Goal[]): boolean {
  console.log("");
  for (const [goal, ok] of goals) {
    console.log(
      typeof ok === "boolean" ? `${verdict(ok)} ${goal}` : `– ${goal}: not measured (${ok.notMeasured})`,
    );
  }
  const held = goals.every(([, ok]) => ok !== false);
  if (!held) process.exitCode = 1;
  return held;
}
