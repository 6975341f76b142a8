import { findNodeAtLocation, type ParseError, parse, parseTree, printParseErrorCode } from "jsonc-parser";
import { DayFormatError } from "./errors.ts";

/**
 * JSON text parsed with the platform's `JSON.parse`; when it fails, the error is located (line and
 * column) by a second, tolerant parse, since the platform's message does not always say where.
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
export function parseJson(text: string, file: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const found = syntaxErrorIn(text);
    const at = positionOf(text, found?.offset ?? text.length);
    const reason = found
      ? `not valid JSON: ${describe(found)}`
      : `not valid JSON: ${(error as Error).message}`;
    throw new DayFormatError({ file, line: firstLine + at.line - 1, column: at.column }, reason, {
      cause: error,
    });
  }
}

/**
 * The position of the value at a path (as zod reports it) in a JSON text, or of the nearest
 * enclosing value that is there; `undefined` when the text does not parse.
 */
export function positionOfPath(text: string, path: readonly PropertyKey[]): TextPosition | undefined {
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

function syntaxErrorIn(text: string): ParseError | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0];
}

/** `CloseBraceExpected` → `close brace expected`. */
function describe(error: ParseError): string {
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
