import { z } from "zod";
import { CurrencyCode, Id, Price, Text, Timestamp } from "./common.ts";

/**
 * A closing price from a market-data source, in the instrument's quote convention. It is dated
 * by its `asOf` as written (the source's local date); staleness counts business days on the
 * instrument's own calendar from that date to the business date.
 */
export const PriceSchema = z.strictObject({
  instrumentId: Id,
  price: Price,
  currency: CurrencyCode,
  asOf: Timestamp,
  /** The vendor or feed (`unknown` when not given). */
  source: Text.min(1).default("unknown"),
});
export type MarketPrice = z.infer<typeof PriceSchema>;
