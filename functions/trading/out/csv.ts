import type { Break } from "../breaks.ts";

/** The columns of `breaks.csv`, in order: what a person filters and sorts by first. */
export const BREAK_CSV_COLUMNS = [
  "breakId",
  "category",
  "tradeIds",
  "confirmationIds",
  "instrumentId",
  "field",
  "ours",
  "theirs",
  "notional",
  "currency",
  "desk",
  "broker",
  "counterparty",
  "detail",
] as const;

/**
 * Breaks as CSV (RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled);
 * several ids in one cell are joined with `+`. A cell that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@` first) is prefixed with `'` — broker text lands in `detail`.
 *
 * @example
 * breaksCsv(breaks).split("\n")[0]; // "breakId,category,tradeIds,..."
 */
export function breaksCsv(breaks: readonly Break[]): string {
  const lines = [BREAK_CSV_COLUMNS.join(",")];
  for (const b of breaks) {
    lines.push(
      BREAK_CSV_COLUMNS.map((column) => {
        const value = b[column];
        if (value === undefined) return "";
        if (Array.isArray(value)) return csvCell(value.join("+"), false);
        return csvCell(String(value), typeof value === "number");
      }).join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

function csvCell(text: string, numeric: boolean): string {
  const safe = !numeric && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
