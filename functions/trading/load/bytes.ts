import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { DayFormatError } from "./errors.ts";
import type { DayStore } from "./store.ts";

/** The longest row (a JSON Lines line, a CSV record) read, in characters: a guard, not a format rule. */
export const MAX_ROW_LENGTH = 4 * 1024 * 1024;

/** A file's bytes, gunzipped on the way through `node:zlib` when `gzip` is set. */
export async function openBytes(
  store: DayStore,
  uri: string,
  gzip: boolean,
): Promise<AsyncIterable<Uint8Array>> {
  const stored = await store.open(uri);
  return gzip ? gunzip(stored, uri) : stored;
}

async function* gunzip(stored: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  const inflate = createGunzip();
  // Errors reach the loop below: pipeline destroys `inflate` with them.
  pipeline(Readable.from(stored, { objectMode: false }), inflate, () => {});
  try {
    for await (const chunk of inflate) yield chunk as Uint8Array;
  } catch (error) {
    if (isZlibError(error)) {
      throw new DayFormatError({ file }, `not a valid gzip file: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function isZlibError(error: unknown): error is Error {
  const code: unknown = error instanceof Error ? Reflect.get(error, "code") : undefined;
  return typeof code === "string" && code.startsWith("Z_");
}

/** The whole text of a file (a JSON array file: the one format read whole). */
export async function readAllText(bytes: AsyncIterable<Uint8Array>, file: string): Promise<string> {
  const decode = decoderFor(file);
  const parts: string[] = [];
  for await (const chunk of bytes) parts.push(decode(chunk, undefined));
  parts.push(decode(undefined, undefined));
  return parts.join("");
}

/**
 * A streaming UTF-8 decoder that refuses bytes that are not UTF-8 with a {@link DayFormatError}
 * (a leading BOM is dropped). Called without a chunk, it flushes.
 */
function decoderFor(file: string): (chunk: Uint8Array | undefined, line: number | undefined) => string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return (chunk, line) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch (error) {
      throw new DayFormatError({ file, line }, "not UTF-8 text", { cause: error });
    }
  };
}

/**
 * The lines of a file, one at a time (1-based numbers; `\n` or `\r\n` ends a line), never holding
 * more than one line and one chunk.
 */
export async function* textLines(
  bytes: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<{ line: number; text: string }> {
  const decode = decoderFor(file);
  let pending = "";
  let line = 0;
  for await (const chunk of bytes) {
    pending += decode(chunk, line + 1);
    let start = 0;
    for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n", start)) {
      line++;
      yield { line, text: withoutCr(pending.slice(start, end)) };
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_ROW_LENGTH) {
      throw new DayFormatError({ file, line: line + 1 }, `line longer than ${MAX_ROW_LENGTH} characters`);
    }
  }
  pending += decode(undefined, line + 1);
  if (pending.length > 0) yield { line: line + 1, text: withoutCr(pending) };
}

function withoutCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
