export { notionalOf } from "./breaks-of.ts";
export { aggregate, type ConfirmedEconomics, compareTrade } from "./compare.ts";
export { InstrumentIndex, type ResolvedInstrument } from "./instruments.ts";
export {
  economicKey,
  economicKeyOf,
  MAX_FILLS_SEARCHED,
  type Paired,
  type Pairing,
  pairConfirmations,
} from "./pair.ts";
export { type PreparedConfirmation, prepareConfirmation } from "./prepare.ts";
export {
  type MatchResult,
  matchTrades,
  ourIdIndex,
  type ReconcileResult,
  reconcileDay,
  splitMatchable,
} from "./reconcile.ts";
export { normalizeRef, resolveRef } from "./references.ts";
export {
  keepLatest,
  latestPrices,
  mergeStaleBreaks,
  type StaleInstrument,
  staleBreaks,
  staleInstruments,
} from "./stale.ts";
export {
  currentEconomics,
  ECONOMIC_FIELDS,
  earlierVersions,
  isActive,
  type VersionEconomics,
} from "./versions.ts";
