import { SwitchyardError } from "#core";

/** The audit log could not take a record (the chain head kept moving, or the store refused). */
export class AuditWriteError extends SwitchyardError {
  constructor(runId: string, detail: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super("Audit.WriteFailed", `audit of run ${runId}: ${detail}`, options);
  }
}

/** A replay asked the model something the recorded run never asked it: the decisions diverged. */
export class ReplayDivergedError extends SwitchyardError {
  constructor(agent: string, detail: string) {
    super("Audit.ReplayDiverged", `replay of ${agent}: ${detail}`);
  }
}
