import type { Economics, Trade } from "../model/index.ts";

/** The economic fields, in the order breaks and amendments report them. */
export const ECONOMIC_FIELDS = ["side", "quantity", "price", "currency", "settleDate"] as const;

/** A version of a trade with all its economics: the current one, or an earlier one filled in. */
export interface VersionEconomics extends Economics {
  readonly version: number;
  readonly current: boolean;
}

/** The current version's economics. */
export function currentEconomics(trade: Trade): VersionEconomics {
  return {
    version: trade.version,
    current: true,
    side: trade.side,
    quantity: trade.quantity,
    price: trade.price,
    currency: trade.currency,
    tradeDate: trade.tradeDate,
    settleDate: trade.settleDate,
    ...(trade.counterAmount ? { counterAmount: trade.counterAmount } : {}),
  };
}

/**
 * The earlier versions, newest first, each complete: a field an earlier version does not state
 * is the same as in the current version (the canonical model lets a version give only what changed).
 */
export function earlierVersions(trade: Trade): VersionEconomics[] {
  const current = currentEconomics(trade);
  return trade.versions
    .filter((v) => v.version < trade.version)
    .sort((a, b) => b.version - a.version)
    .map((v) => ({
      version: v.version,
      current: false,
      side: v.side ?? current.side,
      quantity: v.quantity ?? current.quantity,
      price: v.price ?? current.price,
      currency: v.currency ?? current.currency,
      tradeDate: v.tradeDate ?? current.tradeDate,
      settleDate: v.settleDate ?? current.settleDate,
      ...(v.counterAmount ? { counterAmount: v.counterAmount } : {}),
    }));
}

/** Whether the trade is live: a cancelled trade should have no confirmation. */
export function isActive(trade: Trade): boolean {
  return trade.status !== "CANCELLED";
}
