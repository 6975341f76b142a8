import { readAllText, textLines } from "./bytes.ts";
import { DayFormatError } from "./errors.ts";
import { jsonSyntaxError, parseJson } from "./json-text.ts";
import { isJsonObject } from "./paths.ts";
import type { SourceRow } from "./source-row.ts";

/**
 * The rows of a JSON file: an array of rows, or an object holding one member named for the kind
 * (`{ "trades": [...] }`). The file is parsed whole; JSON Lines or CSV are the formats for big days.
 * A row's line is its 1-based position in the array.
 */
export async function* jsonArrayRows(
  bytes: AsyncIterable<Uint8Array>,
  file: string,
  kind: string,
): AsyncGenerator<SourceRow> {
  const document = await parseJson(await readAllText(bytes, file), file);
  const rows = rowsOf(document, kind);
  if (!rows) {
    throw new DayFormatError(
      { file, line: 1 },
      `expected a JSON array of ${kind}, or an object { "${kind}": [...] } and nothing else; got ${shapeOf(document)}`,
    );
  }
  for (let index = 0; index < rows.length; index++)
    yield { line: index + 1, row: rows[index], fromCsv: false };
}

function rowsOf(document: unknown, kind: string): unknown[] | undefined {
  if (Array.isArray(document)) return document;
  if (!isJsonObject(document)) return undefined;
  const keys = Object.keys(document);
  const rows = document[kind];
  return keys.length === 1 && keys[0] === kind && Array.isArray(rows) ? rows : undefined;
}

function shapeOf(document: unknown): string {
  if (isJsonObject(document)) {
    const keys = Object.keys(document)
      .slice(0, 5)
      .map((k) => JSON.stringify(k));
    return keys.length === 0 ? "an empty object" : `an object with ${keys.join(", ")}`;
  }
  return document === null ? "null" : `a ${typeof document}`;
}

/**
 * The rows of a JSON Lines file (`.jsonl`, `.ndjson`): one JSON value a line, blank lines skipped,
 * read one line at a time. A line that is not JSON refuses the file.
 */
export async function* jsonLinesRows(
  bytes: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<SourceRow> {
  for await (const { line, text } of textLines(bytes, file)) {
    if (text.trim() === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (error) {
      throw await jsonSyntaxError(text, file, line, error);
    }
    yield { line, row, fromCsv: false };
  }
}
