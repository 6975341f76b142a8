import type { ParseError } from "jsonc-parser";
import { DayFormatError } from "./errors.ts";

/**
 * JSON text parsed with the platform's `JSON.parse`; when it fails, the error is located (line and
 * column) by a second, tolerant parse, since the platform's message does not always say where.
 * That parser (jsonc-parser) is imported on those error paths only: a Lambda bundle keeps it in a
 * chunk of its own that a well-formed day never loads (lib/bundling).
 */

/** A 1-based line and column in a text. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Parses JSON text or throws a {@link DayFormatError} naming the file, line and column.
 * `firstLine` is the line of the file the text starts on (a JSON Lines row).
 */
export async function parseJson(text: string, file: string, firstLine = 1): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw await jsonSyntaxError(text, file, firstLine, error);
  }
}

/**
 * The {@link DayFormatError} for JSON text that `JSON.parse` refused (`cause`), located by the
 * tolerant parse. For a caller that parses on a hot path itself (a JSON Lines row).
 */
export async function jsonSyntaxError(
  text: string,
  file: string,
  firstLine: number,
  cause: unknown,
): Promise<DayFormatError> {
  const found = await syntaxErrorIn(text);
  const at = positionOf(text, found?.offset ?? text.length);
  const reason = found
    ? `not valid JSON: ${await describe(found)}`
    : `not valid JSON: ${(cause as Error).message}`;
  return new DayFormatError({ file, line: firstLine + at.line - 1, column: at.column }, reason, { cause });
}

/**
 * The position of the value at a path (as zod reports it) in a JSON text, or of the nearest
 * enclosing value that is there; `undefined` when the text does not parse.
 */
export async function positionOfPath(
  text: string,
  path: readonly PropertyKey[],
): Promise<TextPosition | undefined> {
  const { findNodeAtLocation, parseTree } = await import("jsonc-parser");
  const root = parseTree(text);
  if (!root) return undefined;
  const segments = path.map((s) => (typeof s === "number" ? s : String(s)));
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(root, segments.slice(0, length));
    if (node) {
      const onKey = node.parent?.type === "property" ? node.parent : node;
      return positionOf(text, onKey.offset);
    }
  }
  return undefined;
}

async function syntaxErrorIn(text: string): Promise<ParseError | undefined> {
  const { parse } = await import("jsonc-parser");
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0];
}

/** `CloseBraceExpected` → `close brace expected`. */
async function describe(error: ParseError): Promise<string> {
  const { printParseErrorCode } = await import("jsonc-parser");
  return printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/** The 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf("\n");
  let line = 1;
  for (let at = before.indexOf("\n"); at !== -1; at = before.indexOf("\n", at + 1)) line++;
  return { line, column: offset - lastBreak };
}
