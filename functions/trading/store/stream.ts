import { Readable } from "node:stream";
import { storeError } from "./classify.ts";

/**
 * The chunks of `source` as a byte stream (a Node `Readable`, so it pipes, and an
 * `AsyncIterable<Uint8Array>`) whose failures mid-read are the store's typed errors. Stopping
 * early (a `break`, a `destroy()`) closes the file or the HTTP response underneath.
 */
export function typedChunks(uri: string, source: AsyncIterable<Uint8Array>): Readable {
  return Readable.from(rethrowTyped(uri, source), { objectMode: false });
}

async function* rethrowTyped(uri: string, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (err) {
    throw storeError(uri, "read", err);
  }
}

/**
 * A stream of UTF-8 bytes as one string, decoded chunk by chunk (a character split across two
 * chunks stays whole); a leading byte-order mark is dropped.
 */
export async function collectText(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder("utf-8");
  let text = "";
  for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
