import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMessageBody, encodeMessageBody, type RunRequest, runRequestMessage } from "#ingress";
import { anyJson, anyString } from "../fixtures/json-arbitraries.ts";

/** The characters SQS accepts in a body (its documented set), as a whole-string test. */
const SQS_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** The local emulator's test, unit by unit (no `u` flag): what refused emoji before. */
const EMULATOR_REFUSES = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/;
/** SQS's largest message (256 KiB), and the API's largest body (functions/api/handler.ts). */
const SQS_MAX_BYTES = 256 * 1024;
const API_MAX_BODY_BYTES = 64 * 1024;

describe("message bodies (functions/ingress/messages.ts)", () => {
  it("every JSON value encodes to text SQS and the emulator accept, and decodes to the identical value", () => {
    fc.assert(
      fc.property(anyJson(), (value) => {
        const body = encodeMessageBody(value);
        expect(body).toMatch(SQS_BODY);
        expect(EMULATOR_REFUSES.test(body)).toBe(false);
        // As plain JSON reads it back (JSON itself writes -0 as 0): nothing lost to the encoding.
        expect(decodeMessageBody(body)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it("keys are encoded like values: an emoji or U+FFFE key survives", () => {
    fc.assert(
      fc.property(anyString(12), anyString(12), (key, value) => {
        const body = encodeMessageBody({ [key]: value });
        expect(EMULATOR_REFUSES.test(body)).toBe(false);
        expect(decodeMessageBody(body)).toEqual({ [key]: value });
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ["an emoji", "😀", String.raw`"\ud83d\ude00"`],
    ["U+FFFE", "\ufffe", String.raw`"\ufffe"`],
    ["a lone high surrogate", "\ud800", String.raw`"\ud800"`],
    ["é", "é", String.raw`"\u00e9"`],
    ["a NUL", "\u0000", String.raw`"\u0000"`],
    ["DEL, which SQS accepts as is", "\u007f", '"\u007f"'],
  ])("writes %s as %s", (_what, value, expected) => {
    expect(encodeMessageBody(value)).toBe(expected);
  });

  it("grows a body at most 3×: the API's largest body, all two-byte characters, stays under SQS's limit", () => {
    const worst = "\u0080".repeat(API_MAX_BODY_BYTES / 2);
    const astral = "😀".repeat(API_MAX_BODY_BYTES / 4);
    for (const text of [worst, astral]) {
      const encoded = encodeMessageBody({ input: { text } });
      expect(Buffer.byteLength(encoded)).toBeLessThanOrEqual(3 * Buffer.byteLength(text) + 64);
      expect(Buffer.byteLength(encoded)).toBeLessThan(SQS_MAX_BYTES);
    }
  });

  it("refuses a value with no JSON text (undefined) instead of sending an empty body", () => {
    expect(() => encodeMessageBody(undefined)).toThrow(TypeError);
  });

  it("a run request's message body is the encoded request", () => {
    const request: RunRequest = {
      runId: "triage_enc-0001",
      workflow: "triage",
      input: { break: { detail: "😀 \ufffe \ud800" } },
      source: "api",
      requestedAt: "2026-11-24T18:00:00.000Z",
    };
    const message = runRequestMessage(request);
    expect(EMULATOR_REFUSES.test(message.MessageBody)).toBe(false);
    expect(decodeMessageBody(message.MessageBody)).toEqual(request);
  });
});
