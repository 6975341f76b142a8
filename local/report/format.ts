/** Text for HTML: the five characters that could start markup or end an attribute, escaped. */
export function esc(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** US dollars to six decimals: AWS request prices are millionths of a dollar. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(6)}`;
}

/** An amount with thousands separators and at most two decimals, then its currency. */
export function formatAmount(amount: number, currency: string): string {
  return `${amount.toLocaleString("en-US", { maximumFractionDigits: 2 })} ${currency}`;
}
