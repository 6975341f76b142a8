import { z } from "zod";
import { BREAK_CATEGORIES, MAX_ID_LENGTH } from "#trading";

/** The trading-day tools' argument schemas: every tool words the same mistake the same way. */

const id = (name: string, example: string) =>
  z
    .string()
    .trim()
    .min(1, `${name} must not be empty`)
    .max(MAX_ID_LENGTH, `${name} must be at most ${MAX_ID_LENGTH} characters`)
    .describe(`${name}, e.g. ${example}`);

export const TradeIdArg = id("tradeId", "T000123");
export const ConfirmationIdArg = id("confirmationId", "C000456");
/** Any id of an instrument: ISIN, CUSIP, SEDOL, ticker or currency pair (either way round). */
export const InstrumentIdArg = id("instrumentId", "US0378331005, AAPL or EURUSD");
export const CategoryArg = z.enum(BREAK_CATEGORIES);
/** A desk's name as our trades carry it. */
export const DeskArg = id("desk", "EQUITIES");
/** An ISO 4217 currency code. */
export const CurrencyArg = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, "currency must be a three-letter ISO 4217 code")
  .describe("currency, e.g. EUR");
