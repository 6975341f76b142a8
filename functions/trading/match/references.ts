/**
 * Our trade id as a broker quotes it back, normalised: whitespace removed (also inside, as a
 * re-keyed `T 000123`), upper-cased. Applied to our ids too, so the comparison is symmetric.
 *
 * @example
 * normalizeRef("  t-000123 "); // "T-000123"
 */
export function normalizeRef(text: string | undefined): string {
  return (text ?? "").replace(/\s+/g, "").toUpperCase();
}

/**
 * Resolves a quoted reference against our trade ids: the id it names, or `undefined` when it
 * is empty or not one of ours (a broker's own ref in our field, another firm's id).
 */
export function resolveRef(
  quoted: string | undefined,
  ourIdByNormalized: ReadonlyMap<string, string>,
): string | undefined {
  const normalized = normalizeRef(quoted);
  return normalized === "" ? undefined : ourIdByNormalized.get(normalized);
}
