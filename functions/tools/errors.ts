import { SwitchyardError } from "#core";

/**
 * Errors the trading tools throw. Each carries a stable `code`
 * (docs/architecture.md, "House style" §3): class names do not survive minification, and Step
 * Functions matches `ErrorEquals` on the code.
 */
export class ToolError extends SwitchyardError {}

/** The thing a tool was asked about does not exist in the data (never retryable). */
export class NotFoundError extends ToolError {
  readonly entity: string;
  readonly key: string;
  constructor(entity: string, key: string) {
    super("Tools.NotFound", `No ${entity} "${key}" in the trade data.`);
    this.entity = entity;
    this.key = key;
  }
}

/** A grant names a tool its tool set does not have: a wiring mistake, caught when the agent is built. */
export class UnknownToolError extends ToolError {
  constructor(tool: string, known: readonly string[]) {
    super("Tools.UnknownTool", `No tool "${tool}" to grant; the set has: ${known.join(", ")}.`);
  }
}

/** A side-effect tool was called without `config.configurable.idempotencyKey`: it never applies unkeyed. */
export class IdempotencyKeyRequiredError extends ToolError {
  constructor(toolName: string) {
    super(
      "Tools.IdempotencyKeyRequired",
      `${toolName} changes the books and needs config.configurable.idempotencyKey (its approval key).`,
    );
  }
}

/** An apply named a proposal the ledger never recorded, or one for another trade or action. */
export class ProposalMismatchError extends ToolError {
  constructor(proposalId: string, problem: string) {
    super("Tools.ProposalMismatch", `Proposal ${proposalId}: ${problem}.`);
  }
}

/** The ledger holds a different effect under the same idempotency key: never overwritten. */
export class IdempotencyConflictError extends ToolError {
  constructor(key: string) {
    super("Tools.IdempotencyConflict", `Idempotency key ${key} already applied a different effect.`);
  }
}
