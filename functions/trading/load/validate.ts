import type { z } from "zod";
import type { RecordKind } from "../model/day.ts";
import { convertCells } from "./fields.ts";
import { ID_FIELD_OF, type RecordOf, SCHEMA_OF } from "./kinds.ts";
import { applyMapping, type KindMapping } from "./mapping.ts";
import { dropNulls, getPath, isJsonObject, nest } from "./paths.ts";
import type { SourceRow } from "./source-row.ts";

/** How much of a refused value a quarantine reason quotes. */
export const MAX_QUOTED_LENGTH = 80;

/**
 * A source row in canonical shape: `null` members dropped (JSON), mapped when the kind has a
 * mapping, else nested by its dotted headers (CSV); CSV text converted where the schema wants a
 * number or a boolean.
 */
export function canonicalRow(source: SourceRow, kind: RecordKind, mapping: KindMapping | undefined): unknown {
  const row = source.fromCsv ? source.row : dropNulls(source.row);
  if (!isJsonObject(row)) return row;
  const shaped = mapping ? applyMapping(row, mapping) : source.fromCsv ? nest(row) : row;
  return source.fromCsv ? convertCells(shaped, SCHEMA_OF[kind]) : shaped;
}

/** The row's id as its kind names it (`tradeId`…), when it reads as one. */
export function recordIdOf(row: unknown, kind: RecordKind): string | undefined {
  const id = getPath(row, ID_FIELD_OF[kind]);
  if (typeof id === "number") return String(id);
  return typeof id === "string" && id.trim() !== "" ? id.trim() : undefined;
}

export type Checked<K extends RecordKind> =
  | { readonly ok: true; readonly record: RecordOf[K] }
  | { readonly ok: false; readonly field: string; readonly reason: string };

/** The row validated by its kind's schema; when refused, the first issue's field and reason. */
export function checkRow<K extends RecordKind>(kind: K, row: unknown, mapped: boolean): Checked<K> {
  const result = SCHEMA_OF[kind].safeParse(row);
  if (result.success) return { ok: true, record: result.data };
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
  const segments = path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
  const message =
    issue.code === "unrecognized_keys"
      ? mapped
        ? "not a field of the canonical model"
        : "unknown field: not in the canonical model (a mapping file maps an export's own fields)"
      : issue.message;
  const value = getPath(row, segments);
  const reason = value === undefined ? message : `${message}; got ${quote(value)}`;
  return { ok: false, field: segments.join("."), reason };
}

/** A value as JSON, cut to {@link MAX_QUOTED_LENGTH} characters. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_QUOTED_LENGTH ? text : `${text.slice(0, MAX_QUOTED_LENGTH - 1)}…`;
}
