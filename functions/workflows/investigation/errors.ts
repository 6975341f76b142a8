import { SwitchyardError } from "#engine";

/**
 * The report found a break with neither a root cause nor an escalation: a lost specialist write
 * would silently drop a break from the report, so the run fails instead. Retrying the report
 * over the same state cannot help.
 */
export class IncompleteInvestigationError extends SwitchyardError {
  readonly breakIds: readonly string[];
  constructor(breakIds: readonly string[]) {
    const shown = breakIds.slice(0, 5).join(", ") + (breakIds.length > 5 ? ", …" : "");
    super("Investigation.Incomplete", `${breakIds.length} breaks have no outcome: ${shown}.`);
    this.breakIds = breakIds;
  }
}
