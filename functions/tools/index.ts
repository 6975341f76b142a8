/**
 * Trading tools over a trade day (read-only), the amendment tools and their effects ledger
 * (exactly-once side effects), their errors and the per-agent allowlists.
 */
export { AGENT_TOOLS, type AgentName, EFFECT_TOOLS, effectToolsFor, toolsFor } from "./allowlist.ts";
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
export type {
  AmendmentAction,
  AmendmentProposal,
  ApplyOutcome,
  EffectRecord,
  EffectsLedger,
  EffectTool,
  FieldChange,
  LedgerEntry,
} from "./effect-types.ts";
export {
  IdempotencyConflictError,
  IdempotencyKeyRequiredError,
  NotFoundError,
  ProposalMismatchError,
  ToolError,
  UnknownAgentError,
} from "./errors.ts";
export { inMemoryEffectsLedger, sameEffect } from "./memory-ledger.ts";
export { type TradeDataStore, tradeDayStore } from "./store.ts";
export { createTradingTools, type ToolName, type TradingTools } from "./trading-tools.ts";
export type {
  BreakSearchResult,
  ConfirmationLookup,
  LimitCheck,
  PositionView,
  PriceView,
  TradeView,
} from "./types.ts";
