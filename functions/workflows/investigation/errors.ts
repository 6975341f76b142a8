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

/**
 * The `breaksUri` of a request names a file that is not a list of breaks: not JSON, or a break
 * that does not validate. The file is the caller's to fix, so retrying cannot help.
 */
export class BreaksFileError extends SwitchyardError {
  readonly uri: string;
  constructor(uri: string, problem: string, cause?: unknown) {
    super(
      "Investigation.BadBreaksFile",
      `${uri} is not a list of breaks: ${problem}.`,
      cause ? { cause } : {},
    );
    this.uri = uri;
  }
}
