import type { z } from "zod";
import { type Confirmation, ConfirmationSchema } from "../model/confirmation.ts";
import type { RecordKind } from "../model/day.ts";
import { type Instrument, InstrumentSchema } from "../model/instrument.ts";
import { type MarketPrice, PriceSchema } from "../model/price.ts";
import { type Trade, TradeSchema } from "../model/trade.ts";

/** The canonical record each kind of file holds. */
export interface RecordOf {
  instruments: Instrument;
  trades: Trade;
  confirmations: Confirmation;
  prices: MarketPrice;
}

/** The schema every row of a kind must pass. */
export const SCHEMA_OF: { readonly [K in RecordKind]: z.ZodType<RecordOf[K]> } = {
  instruments: InstrumentSchema,
  trades: TradeSchema,
  confirmations: ConfirmationSchema,
  prices: PriceSchema,
};

/**
 * The field that names a row: unique within its kind, and quoted as the quarantined row's
 * `recordId`. Prices have no id of their own; their instrument is what finds the row.
 */
export const ID_FIELD_OF: { readonly [K in RecordKind]: string } = {
  instruments: "instrumentId",
  trades: "tradeId",
  confirmations: "confirmationId",
  prices: "instrumentId",
};

/** Whether two rows of the kind with the same id are duplicates (prices: one per source and day). */
export const UNIQUE_ID: { readonly [K in RecordKind]: boolean } = {
  instruments: true,
  trades: true,
  confirmations: true,
  prices: false,
};
