export { notionalOf } from "./breaks-of.ts";
export { aggregate, type ConfirmedEconomics, compareTrade } from "./compare.ts";
export { InstrumentIndex, type ResolvedInstrument } from "./instruments.ts";
export { economicKey, economicKeyOf, MAX_FILLS_SEARCHED, type Paired, type Pairing, pairConfirmations } from "./pair.ts";
export { type PreparedConfirmation, prepareConfirmation } from "./prepare.ts";
export {
  activeTradesByInstrument,
  type MatchResult,
  matchTrades,
  ourIdIndex,
  type ReconcileResult,
  reconcileDay,
  splitMatchable,
} from "./reconcile.ts";
export { normalizeRef, resolveRef } from "./references.ts";
export { type ActiveTrades, latestPrices, staleBreaks } from "./stale.ts";
