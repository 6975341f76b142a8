import type { QuarantinedRow } from "../breaks.ts";
import type { RecordKind } from "../model/day.ts";
import { openBytes } from "./bytes.ts";
import { csvRows } from "./csv.ts";
import { DayFormatError } from "./errors.ts";
import { encodingOf } from "./files.ts";
import { jsonArrayRows, jsonLinesRows } from "./json.ts";
import { ID_FIELD_OF, type RecordOf, UNIQUE_ID } from "./kinds.ts";
import type { Mapping } from "./mapping.ts";
import type { SourceRow } from "./source-row.ts";
import type { DayStore } from "./store.ts";
import { canonicalRow, checkRow, recordIdOf } from "./validate.ts";

/** One row of a file: a valid canonical record, or the row quarantined with where and why. */
export type RecordRead<K extends RecordKind> =
  | { readonly line: number; readonly record: RecordOf[K] }
  | { readonly line: number; readonly quarantined: QuarantinedRow };

/**
 * The rows of one file of a kind, parsed and validated one at a time, in file order. The format
 * comes from the name (`.json`, `.jsonl`, `.ndjson`, `.csv`, each optionally `.gz`); the kind's
 * entry of `mapping`, if any, shapes each row first. JSON Lines and CSV are streamed (only the ids
 * seen are kept, to find duplicates); a JSON array file is parsed whole.
 *
 * Every row comes out: as a record, or quarantined — never dropped. A later row repeating an
 * accepted row's id (prices excepted) is quarantined as a duplicate. A file that cannot be read
 * at all throws {@link DayFormatError} from the iteration.
 */
export async function* readRecords<K extends RecordKind>(
  store: DayStore,
  uri: string,
  kind: K,
  mapping?: Mapping,
): AsyncGenerator<RecordRead<K>> {
  const encoding = encodingOf(uri);
  if (!encoding) {
    throw new DayFormatError(
      { file: uri },
      "unknown format: expected .json, .jsonl, .ndjson or .csv (optionally .gz)",
    );
  }
  const kindMapping = mapping?.[kind];
  const bytes = await openBytes(store, uri, encoding.gzip);
  const rows: AsyncIterable<SourceRow> =
    encoding.format === "csv"
      ? csvRows(bytes, uri, kind, kindMapping)
      : encoding.format === "jsonl"
        ? jsonLinesRows(bytes, uri)
        : jsonArrayRows(bytes, uri, kind);
  const firstLineOf = new Map<string, number>();
  for await (const source of rows) {
    const row = canonicalRow(source, kind, kindMapping);
    const recordId = recordIdOf(row, kind);
    const quarantined = (field: string, reason: string): RecordRead<K> => ({
      line: source.line,
      quarantined: {
        file: uri,
        line: source.line,
        field,
        reason,
        ...(recordId === undefined ? {} : { recordId }),
      },
    });
    if (source.problem !== undefined) {
      yield quarantined("", source.problem);
      continue;
    }
    const checked = checkRow(kind, row, kindMapping !== undefined);
    if (!checked.ok) {
      yield quarantined(checked.field, checked.reason);
      continue;
    }
    if (UNIQUE_ID[kind]) {
      const id = recordIdOf(checked.record, kind) ?? "";
      const first = firstLineOf.get(id);
      if (first !== undefined) {
        yield quarantined(ID_FIELD_OF[kind], `duplicate id, first on line ${first}`);
        continue;
      }
      firstLineOf.set(id, source.line);
    }
    yield { line: source.line, record: checked.record };
  }
}
