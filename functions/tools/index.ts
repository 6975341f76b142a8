/**
 * The agents' tools: read-only trading-day tools over a canonical `#trading` day
 * (`createTradingDayTools`: lookups, the day's breaks, positions and exposure), the amendment
 * tools and their effects ledger (exactly-once side effects), their errors, and `grantTools`, which
 * hands an agent only the tools its workflow grants it (the grants live with each workflow).
 */
export {
  type AmendmentToolName,
  type AmendmentTools,
  applyAmendmentTool,
  cancelRebookTool,
  createAmendmentTools,
  proposalIdOf,
  proposeAmendmentTool,
} from "./amendments.ts";
export { bindEffectsLedger, currentEffectsLedger } from "./current-ledger.ts";
export { type DynamoEffectsLedgerOptions, dynamoEffectsLedger } from "./dynamodb-ledger.ts";
export {
  AMENDMENT_ACTIONS,
  type AmendmentAction,
  type AmendmentProposal,
  type ApplyOutcome,
  type EffectRecord,
  type EffectsLedger,
  type EffectTool,
  type FieldChange,
  type LedgerEntry,
} from "./effect-types.ts";
export {
  IdempotencyConflictError,
  IdempotencyKeyRequiredError,
  NotFoundError,
  ProposalMismatchError,
  ToolError,
  UnknownToolError,
} from "./errors.ts";
export { grantTools } from "./grant.ts";
export { inMemoryEffectsLedger, sameEffect } from "./memory-ledger.ts";
export * from "./trading-day/index.ts";
