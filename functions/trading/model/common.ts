import { z } from "zod";

/**
 * Field types every record of the canonical model shares. Bounds are generous but finite:
 * a row is data from outside, and nothing from outside is unbounded.
 */

/** The longest identifier or code any field accepts (ids, refs, codes, names). */
export const MAX_ID_LENGTH = 128;
/** The longest free text a field accepts (names, descriptions). */
export const MAX_TEXT_LENGTH = 512;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for `YYYY-MM-DD` strings naming a real calendar date (years 0001–9999). Arithmetic, not
 * `Date`: a day file checks millions of dates, and `Date` parsing was a third of its load time.
 */
export function isIsoDate(date: string): boolean {
  if (date.length !== 10 || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0);
}

/** An identifier: trimmed, non-empty, bounded. */
export const Id = z.string().trim().min(1).max(MAX_ID_LENGTH);
/** Free text: trimmed, bounded. */
export const Text = z.string().trim().max(MAX_TEXT_LENGTH);
/**
 * A calendar date, `YYYY-MM-DD`. A timestamp in a date field (`2026-11-24T00:00:00Z`, as some
 * exports write dates) is read as its date as written.
 */
export const IsoDate = z
  .string()
  .max(MAX_ID_LENGTH)
  .trim()
  .transform((text) => (/^\d{4}-\d{2}-\d{2}[T ]/.test(text) ? text.slice(0, 10) : text))
  .refine(isIsoDate, "must be a calendar date YYYY-MM-DD");

const WITH_OFFSET = z.iso.datetime({ offset: true, local: false });
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/**
 * An instant, ISO 8601. With its offset (`2026-11-24T21:00:00Z`, `2026-11-24T16:00:00-05:00`) it is
 * kept as written: the date as written is the local date of whoever stamped it, and a price's
 * `asOf` is dated by it. Without an offset it is read as UTC (`Z` is appended; a space for `T` is
 * accepted); a bare date is midnight UTC of that date.
 */
export const Timestamp = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (WITH_OFFSET.safeParse(text).success) return text;
    if (LOCAL_TIME.test(text) && isIsoDate(text.slice(0, 10))) return `${text.replace(" ", "T")}Z`;
    if (isIsoDate(text)) return `${text}T00:00:00Z`;
    ctx.addIssue({
      code: "custom",
      message: "must be an ISO 8601 timestamp, e.g. 2026-11-24T16:00:00-05:00",
    });
    return z.NEVER;
  });

/** An enumeration read case-insensitively (`buy`, ` Buy `), stored upper-case. */
export function upperEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toUpperCase() : value),
    z.enum(values),
  );
}
/** An ISO 4217 code, upper-cased. */
export const CurrencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, "must be a three-letter ISO 4217 currency code");
/**
 * A Legal Entity Identifier (ISO 17442: 20 characters), compared as written once upper-cased and
 * stripped of whitespace. Its check digits are not verified: a row is never thrown out of the
 * reconciliation for a malformed LEI — a different LEI on the confirmation is the break to report.
 */
export const Lei = z
  .string()
  .transform((text) => text.replace(/\s+/g, "").toUpperCase())
  .pipe(z.string().min(1).max(64));
/** Our side of the trade: `BUY` means we bought (the base currency, for FX). */
export const Side = upperEnum(["BUY", "SELL"]);
export type Side = z.infer<typeof Side>;
/** A finite positive amount (quantity, face, base amount). */
export const Amount = z.number().finite().positive();
/** A finite positive price or rate. */
export const Price = z.number().finite().positive();

/** The other side. */
export function oppositeSide(side: Side): Side {
  return side === "BUY" ? "SELL" : "BUY";
}
