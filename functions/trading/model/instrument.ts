import { z } from "zod";
import { CurrencyCode, Id, IsoDate, Text } from "./common.ts";

/** The instrument types the model knows; each has its own quote convention and tolerance. */
export const INSTRUMENT_TYPES = ["EQUITY", "GOVT_BOND", "CORP_BOND", "FX_SPOT"] as const;
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];

/** How `instrumentId` is to be read. */
export const ID_TYPES = ["ISIN", "CUSIP", "SEDOL", "TICKER", "CCY_PAIR"] as const;
export type IdType = (typeof ID_TYPES)[number];

/**
 * Quote conventions, stated once (docs/data.md repeats them):
 * - EQUITY: price per share in `currency`; quantity = shares.
 * - GOVT_BOND, CORP_BOND: clean price in percent of par; quantity = face amount in `currency`.
 * - FX_SPOT: rate = units of the quote currency per one unit of the base; quantity = base amount;
 *   the counter amount = quantity × rate, in the quote currency; `currency` is the quote currency.
 */
const Common = {
  instrumentId: Id,
  /** Optional: an ISIN is recognised by its shape, a pair by its type. */
  idType: z.enum(ID_TYPES).optional(),
  /** Other identifiers brokers may quote for it (a CUSIP beside the ISIN, a ticker). */
  altIds: z.array(Id).max(16).optional(),
  description: Text.optional(),
  currency: CurrencyCode,
};

export const EquitySchema = z.strictObject({
  ...Common,
  type: z.literal("EQUITY"),
  /**
   * ISO 10383 market identifier of the primary listing (XNYS, XLON, XETR, XTKS…): its calendar. A
   * code we do not know gets the weekends-only calendar (see `calendars/markets.ts`).
   */
  mic: Id.toUpperCase().optional(),
});

// Issuer, coupon and maturity describe the bond for people; matching needs none of them, so a
// row without them is still a bond (an instrument refused would take all its trades with it).
const BondFields = {
  ...Common,
  issuer: Text.min(1).optional(),
  /** Annual coupon in percent (4.25 = 4.25%). */
  coupon: z.number().finite().min(0).max(100).optional(),
  maturity: IsoDate.optional(),
  /** ISO 3166 country of the issuer (`US` or `USA`); a USD `GOVT_BOND` of the US is a Treasury (priced in 32nds). */
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2,3}$/, "must be an ISO 3166 country code")
    .optional(),
};
export const GovtBondSchema = z.strictObject({ ...BondFields, type: z.literal("GOVT_BOND") });
export const CorpBondSchema = z.strictObject({ ...BondFields, type: z.literal("CORP_BOND") });

export const FxSpotSchema = z.strictObject({
  ...Common,
  type: z.literal("FX_SPOT"),
  baseCurrency: CurrencyCode,
  quoteCurrency: CurrencyCode,
});

/**
 * An instrument row, read leniently where nothing is lost by it: the `type` and `idType` in any
 * case, and an FX pair's `currency` (its quote currency) filled from `quoteCurrency` when absent.
 */
export const InstrumentSchema = z.preprocess(
  normalizeInstrumentRow,
  z.discriminatedUnion("type", [EquitySchema, GovtBondSchema, CorpBondSchema, FxSpotSchema]),
);

function normalizeInstrumentRow(row: unknown): unknown {
  if (row === null || typeof row !== "object" || Array.isArray(row)) return row;
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const key of ["type", "idType"]) {
    if (typeof out[key] === "string") out[key] = (out[key] as string).trim().toUpperCase();
  }
  if (out.type === "FX_SPOT" && out.currency === undefined && typeof out.quoteCurrency === "string") {
    out.currency = out.quoteCurrency;
  }
  return out;
}
export type Instrument = z.infer<typeof InstrumentSchema>;
export type Equity = z.infer<typeof EquitySchema>;
export type Bond = z.infer<typeof GovtBondSchema> | z.infer<typeof CorpBondSchema>;
export type FxSpot = z.infer<typeof FxSpotSchema>;

/** True for a US Treasury: a USD government bond of the US (or with a US ISIN), priced in 32nds. */
export function isUsTreasury(instrument: Instrument): boolean {
  if (instrument.type !== "GOVT_BOND" || instrument.currency !== "USD") return false;
  if (instrument.country) return instrument.country === "US" || instrument.country === "USA";
  return instrument.idType === "CUSIP" || instrument.instrumentId.trim().toUpperCase().startsWith("US");
}

/**
 * The canonical id of a currency pair: six letters, base then quote (`EUR/USD`, `eur-usd` and
 * `EURUSD` all read as `EURUSD`); `undefined` when the text is not a pair.
 */
export function currencyPair(text: string): string | undefined {
  const letters = text
    .trim()
    .toUpperCase()
    .replace(/[\s/._-]/g, "");
  return /^[A-Z]{6}$/.test(letters) ? letters : undefined;
}
