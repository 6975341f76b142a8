import type { Random } from "./random.ts";

/**
 * Real-format security and entity identifiers with valid check digits: ISIN (ISO 6166), CUSIP,
 * SEDOL and LEI (ISO 17442, ISO 7064 mod 97-10). The bodies are random; only the format is real.
 */

const DIGITS = "0123456789";
const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** SEDOLs use digits and consonants only. */
const SEDOL_CHARACTERS = "0123456789BCDFGHJKLMNPQRSTVWXYZ";

/** A character's value in ISIN, CUSIP, SEDOL and LEI arithmetic: 0–9, then A = 10 … Z = 35. */
function charValue(char: string): number {
  const value = Number.parseInt(char, 36);
  if (Number.isNaN(value)) throw new RangeError(`not an identifier character: ${char}`);
  return value;
}

/**
 * ISO 6166 check digit: letters become two digits (A = 10), then Luhn from the right.
 *
 * @example
 * isinCheckDigit("US037833100"); // "5" (US0378331005)
 */
export function isinCheckDigit(body: string): string {
  const digits = [...body].map((c) => charValue(c).toString()).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True for a 12-character ISIN whose check digit is right. */
export function isValidIsin(isin: string): boolean {
  return /^[A-Z]{2}[0-9A-Z]{9}[0-9]$/.test(isin) && isinCheckDigit(isin.slice(0, 11)) === isin.slice(11);
}

/**
 * CUSIP check digit (modulus 10, double-add-double) of the first eight characters.
 *
 * @example
 * cusipCheckDigit("03783310"); // "0" (037833100)
 */
export function cusipCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    let v = charValue(body.charAt(i));
    if (i % 2 === 1) v *= 2;
    sum += Math.floor(v / 10) + (v % 10);
  }
  return String((10 - (sum % 10)) % 10);
}

/** True for a 9-character CUSIP whose check digit is right. */
export function isValidCusip(cusip: string): boolean {
  return /^[0-9A-Z]{8}[0-9]$/.test(cusip) && cusipCheckDigit(cusip) === cusip.charAt(8);
}

const SEDOL_WEIGHTS = [1, 3, 1, 7, 3, 9];

/**
 * SEDOL check digit of the first six characters.
 *
 * @example
 * sedolCheckDigit("026349"); // "4" (0263494)
 */
export function sedolCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += charValue(body.charAt(i)) * (SEDOL_WEIGHTS[i] as number);
  return String((10 - (sum % 10)) % 10);
}

/** The remainder mod 97 of an alphanumeric string read as digits (A = 10): ISO 7064 mod 97-10. */
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const value = charValue(char);
    remainder = value < 10 ? (remainder * 10 + value) % 97 : (remainder * 100 + value) % 97;
  }
  return remainder;
}

/**
 * The two LEI check digits of an 18-character body (ISO 17442: ISO 7064 mod 97-10).
 *
 * @example
 * leiCheckDigits("5493001KJTIIGC8Y1R"); // "12" (5493001KJTIIGC8Y1R12)
 */
export function leiCheckDigits(body: string): string {
  return String(98 - mod97(`${body}00`)).padStart(2, "0");
}

/** True for a 20-character LEI whose check digits are right. */
export function isValidLei(lei: string): boolean {
  return /^[0-9A-Z]{18}[0-9]{2}$/.test(lei) && mod97(lei) === 1;
}

function draw(rng: Random, alphabet: string, length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += alphabet.charAt(rng.int(0, alphabet.length - 1));
  return text;
}

/** Random digits. */
export function digits(rng: Random, length: number): string {
  return draw(rng, DIGITS, length);
}

/** Random digits and upper-case letters. */
export function alphanumeric(rng: Random, length: number): string {
  return draw(rng, ALPHANUMERIC, length);
}

/** An ISIN from its country code and 9-character national number, check digit added. */
export function isinOf(country: string, nsin: string): string {
  const body = `${country}${nsin}`;
  if (body.length !== 11) throw new RangeError(`an ISIN body is 11 characters: ${body}`);
  return body + isinCheckDigit(body);
}

/** A CUSIP from its 6-character issuer and 2-character issue, check digit added. */
export function cusipOf(issuer: string, issue: string): string {
  const body = `${issuer}${issue}`;
  if (body.length !== 8) throw new RangeError(`a CUSIP body is 8 characters: ${body}`);
  return body + cusipCheckDigit(body);
}

/** A random SEDOL (new-style, starting with a letter as issued since 2004), check digit added. */
export function randomSedol(rng: Random): string {
  const body = `B${draw(rng, SEDOL_CHARACTERS, 5)}`;
  return body + sedolCheckDigit(body);
}

/**
 * A random LEI: the issuing LOU's 4-character prefix, the reserved `00`, a 12-character entity
 * part, and the check digits.
 */
export function randomLei(rng: Random, louPrefix: string): string {
  const body = `${louPrefix}00${alphanumeric(rng, 12)}`;
  return body + leiCheckDigits(body);
}
