import {
  type AmendmentToolName,
  createAmendmentTools,
  createTradingDayTools,
  type EffectsLedger,
  grantTools,
  type TradingDayStore,
  type TradingDayToolName,
} from "#tools";

/**
 * The trading-day tools each triage role may call (the agents' and the two tool-using nodes'):
 * the classifier reads every fact a category turns on (the trade, its confirmations, the close,
 * the convention, the trades like one) and the dollar rate of the break's currency; risk reads
 * positions and exposure only; compliance the trade and its confirmations; the fixer what a fix
 * is proven by; the escalator what a person needs to pick the break up; only the detector scans
 * the day's breaks.
 */
export const TRIAGE_TOOLS = {
  classifier: [
    "get_trade",
    "get_confirmations",
    "get_confirmation",
    "get_instrument",
    "get_market_price",
    "get_settlement_convention",
    "find_similar_trades",
    "get_usd_rate",
  ],
  risk: ["get_position", "get_desk_exposure"],
  compliance: ["get_trade", "get_confirmations", "get_confirmation"],
  fixer: [
    "get_trade",
    "get_confirmations",
    "get_instrument",
    "get_market_price",
    "get_settlement_convention",
    "find_similar_trades",
  ],
  escalator: ["get_trade", "get_confirmation"],
  detector: ["search_breaks"],
} as const satisfies Record<string, readonly TradingDayToolName[]>;

export type TriageToolRole = keyof typeof TRIAGE_TOOLS;

/**
 * The amendment tools of the one role that changes the books. Only the fixer proposes and
 * applies; its effect tools still run only with an approval (the agents' side-effect contract).
 */
export const FIXER_EFFECT_TOOLS = [
  "propose_amendment",
  "apply_amendment",
  "cancel_rebook",
] as const satisfies readonly AmendmentToolName[];

/**
 * One role's trading-day tools over the run's day, and only those.
 *
 * @example
 * const { get_position } = triageTools("risk", store);
 */
export function triageTools<R extends TriageToolRole>(role: R, store: TradingDayStore) {
  return grantTools(createTradingDayTools(store), TRIAGE_TOOLS[role]);
}

/**
 * The fixer's amendment tools over `ledger`.
 *
 * @example
 * const { apply_amendment } = fixerEffectTools(inMemoryEffectsLedger());
 */
export function fixerEffectTools(ledger: EffectsLedger) {
  return grantTools(createAmendmentTools(ledger), FIXER_EFFECT_TOOLS);
}
