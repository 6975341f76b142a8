import { randomBytes } from "node:crypto";
import { CheckpointCorruptError, decodeBytes, encodeBytes } from "switchyard/checkpoint";
import { describe, expect, it } from "vitest";

const options = { compressAboveBytes: 1024, chunkBytes: 64 * 1024 };
const jsonOf = (n: number) =>
  new TextEncoder().encode(
    JSON.stringify(Array.from({ length: n }, (_, i) => ({ i, text: "hello trader" }))),
  );

describe("encodeBytes / decodeBytes", () => {
  it("stores small values raw, in one part", () => {
    const raw = new TextEncoder().encode('{"a":1}');

    const encoded = encodeBytes(raw, options);

    expect(encoded.encoding).toBe("raw");
    expect(encoded.parts).toHaveLength(1);
    expect(decodeBytes(encoded.encoding, encoded.parts)).toEqual(raw);
  });

  it("compresses values over the threshold with brotli when that pays", () => {
    const raw = jsonOf(2_000);

    const encoded = encodeBytes(raw, options);

    expect(encoded.encoding).toBe("br");
    expect(encoded.storedBytes).toBeLessThan(raw.length / 5);
    expect(Buffer.from(decodeBytes(encoded.encoding, encoded.parts)).equals(raw)).toBe(true);
  });

  it("keeps incompressible values raw and chunks them at chunkBytes", () => {
    const raw = randomBytes(300 * 1024);

    const encoded = encodeBytes(raw, options);

    expect(encoded.encoding).toBe("raw");
    expect(encoded.parts).toHaveLength(5);
    expect(encoded.parts.every((p) => p.length <= options.chunkBytes)).toBe(true);
    expect(Buffer.from(decodeBytes(encoded.encoding, encoded.parts)).equals(raw)).toBe(true);
  });

  it("stores an empty value as one empty part", () => {
    const encoded = encodeBytes(new Uint8Array(0), options);

    expect(encoded.parts).toHaveLength(1);
    expect(decodeBytes(encoded.encoding, encoded.parts)).toHaveLength(0);
  });

  it("rejects an unknown encoding as corrupt data", () => {
    expect(() => decodeBytes("zstd", [new Uint8Array(1)])).toThrow(CheckpointCorruptError);
  });
});
