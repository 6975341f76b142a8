import { z } from "zod";
import { Amount, CurrencyCode, Id, IsoDate, Lei, Price, Side, Text, Timestamp, upperEnum } from "./common.ts";

/** A trade's lifecycle status. A cancelled trade stays in the file; its confirmations are breaks. */
export const TRADE_STATUSES = ["NEW", "AMENDED", "CANCELLED"] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

/** Who we traded with: the name is for people, the LEI is what matches. */
export const CounterpartySchema = z.strictObject({ name: Text.min(1), lei: Lei });
export type Counterparty = z.infer<typeof CounterpartySchema>;

/** The fields a broker confirms: what an amendment changes and what matching compares. */
export const EconomicsSchema = z.strictObject({
  side: Side,
  quantity: Amount,
  price: Price,
  currency: CurrencyCode,
  tradeDate: IsoDate,
  settleDate: IsoDate,
  /** FX only: quote-currency amount (quantity × rate). Derived when absent. */
  counterAmount: Amount.optional(),
});
export type Economics = z.infer<typeof EconomicsSchema>;

/**
 * An earlier version of a trade: the economics it had and when it was valid. Only the fields
 * that differ from the current version need be given; the rest are taken as unchanged.
 */
export const TradeVersionSchema = z.strictObject({
  version: z.number().int().min(1).max(10_000),
  /** When the version was valid (recommended; matching does not need it). */
  validFrom: Timestamp.optional(),
  validTo: Timestamp.optional(),
  ...EconomicsSchema.partial().shape,
});
export type TradeVersion = z.infer<typeof TradeVersionSchema>;

/** A trade as our books hold it now, with the versions it had before. */
export const TradeSchema = z
  .strictObject({
    tradeId: Id,
    version: z.number().int().min(1).max(10_000).default(1),
    status: upperEnum(TRADE_STATUSES).default("NEW"),
    desk: Id,
    book: Id,
    account: Id,
    /** The executing broker's code, as it appears on its confirmations. */
    broker: Id,
    counterparty: CounterpartySchema,
    /** Our standing settlement instruction for this counterparty, by id. */
    ssiId: Id,
    instrumentId: Id,
    ...EconomicsSchema.shape,
    /** When the trade was first booked. */
    bookedAt: Timestamp,
    /** When the current version was written (the last amendment or the cancellation). */
    updatedAt: Timestamp.optional(),
    /** Earlier versions, oldest first (empty for a trade never amended). */
    versions: z.array(TradeVersionSchema).max(100).default([]),
  })
  // A history that also lists the current version is accepted (matching compares against the
  // current fields); one numbered above the current version is not a history.
  .refine((t) => t.versions.every((v) => v.version <= t.version), {
    path: ["versions"],
    message: "no version may be numbered above the current version",
  });
export type Trade = z.infer<typeof TradeSchema>;
/** A trade as a row may hold it, before defaults are filled. */
export type TradeInput = z.input<typeof TradeSchema>;
