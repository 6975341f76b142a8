import { z } from "zod";
import { Id, Lei, Text, Timestamp } from "./common.ts";
import { EconomicsSchema } from "./trade.ts";

/**
 * A broker's confirmation of (part of) a trade. Sides are stated from OUR point of view, like
 * the trade's: a confirmation of our purchase says `BUY`. Several confirmations may fill one
 * trade (partial fills); each has its own `confirmationId` and usually its own `brokerRef`.
 */
export const ConfirmationSchema = z.strictObject({
  confirmationId: Id,
  /** The broker's code, as on our trades. */
  broker: Id,
  /** The broker's own reference for the execution (empty when the broker gave none). */
  brokerRef: z.string().trim().max(128).default(""),
  /**
   * Our trade id as the broker quotes it. May be missing, someone else's, or differ from ours in
   * case or whitespace: matching normalises it and ignores any value that is not one of our ids.
   */
  tradeRef: Text.optional(),
  /** How it reached us (SWIFT MT515/MT518/MT300, CTM, FIX, email, portal…); `unknown` when not given. */
  channel: Text.min(1).default("unknown"),
  receivedAt: Timestamp,
  account: Id,
  /** The instrument as the broker quotes it: any of its ids; an FX pair possibly inverted. */
  instrumentId: Id,
  /** The economics confirmed, in the same fields and conventions as a trade's (side from our point of view). */
  ...EconomicsSchema.shape,
  /** The counterparty as the broker states it; the LEI is compared, the name never. */
  counterparty: z.strictObject({ name: Text.optional(), lei: Lei.optional() }).optional(),
  /** The settlement instruction the broker will use. */
  ssiId: Id.optional(),
});
export type Confirmation = z.infer<typeof ConfirmationSchema>;
