/**
 * The agents' tools: read-only trading-day tools over a canonical `#trading` day
 * (`createTradingDayTools`, the investigation's), the older read-only tools over a generated
 * `#data` day (`createTradingTools`, triage's), the amendment tools and their effects ledger
 * (exactly-once side effects), their errors and the per-agent allowlists of each.
 */
export {
  AGENT_TOOLS,
  type AgentName,
  EFFECT_TOOLS,
  effectToolsFor,
  TRADING_DAY_AGENT_TOOLS,
  type TradingDayAgentName,
  toolsFor,
  tradingDayToolsFor,
} from "./allowlist.ts";
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
export * from "./trading-day/index.ts";
export { createTradingTools, type ToolName, type TradingTools } from "./trading-tools.ts";
export type {
  BreakSearchResult,
  ConfirmationLookup,
  LimitCheck,
  PositionView,
  PriceView,
  TradeView,
} from "./types.ts";
