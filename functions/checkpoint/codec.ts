/**
 * Bytes to stored parts and back: brotli when it pays, then chunks that each fit one item.
 * DynamoDB bills writes per started KB, so compressing anything over ~1 KB saves money, and
 * dynalite (like DynamoDB) rejects items over 400 KB, so big values must span several items.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { CheckpointCorruptError } from "./errors.ts";

export type Encoding = "br" | "raw";

export interface EncodedBytes {
  readonly encoding: Encoding;
  /** Stored chunks, each at most `chunkBytes`; one for all but very large values. */
  readonly parts: readonly Uint8Array[];
  readonly storedBytes: number;
}

export interface CodecOptions {
  readonly compressAboveBytes: number;
  readonly chunkBytes: number;
}

/**
 * Compresses `raw` when it is big enough and brotli saves at least 10 %, then chunks it.
 *
 * @example
 * const { parts } = encodeBytes(bytes, { compressAboveBytes: 1024, chunkBytes: 350_000 });
 * decodeBytes("br", parts); // === bytes
 */
export function encodeBytes(raw: Uint8Array, options: CodecOptions): EncodedBytes {
  let encoding: Encoding = "raw";
  let stored = raw;
  if (raw.length >= options.compressAboveBytes) {
    // Quality 5: most of brotli's gain on JSON at a fraction of the default quality-11 cost.
    const compressed = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    if (compressed.length < raw.length * 0.9) {
      encoding = "br";
      stored = compressed;
    }
  }
  const parts: Uint8Array[] = [];
  for (let at = 0; at < stored.length; at += options.chunkBytes) {
    parts.push(stored.subarray(at, at + options.chunkBytes));
  }
  if (parts.length === 0) parts.push(new Uint8Array(0));
  return { encoding, parts, storedBytes: stored.length };
}

/** Joins the chunks and undoes the compression of {@link encodeBytes}. */
export function decodeBytes(encoding: string, parts: readonly Uint8Array[]): Uint8Array {
  const stored = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
  if (encoding === "raw") return stored;
  if (encoding === "br") return brotliDecompressSync(stored);
  throw new CheckpointCorruptError(`Unknown value encoding "${encoding}".`);
}
