import {
  type ChainedBytes,
  commonPrefixLength,
  planSegments,
  replaySegments,
  type Segment,
  segmentHash,
} from "switchyard/checkpoint";
import { describe, expect, it } from "vitest";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const messages = (n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, content: `message ${i} `.repeat(8) })));

/** Applies plans the way the saver stores them: a chain of segments with their bytes. */
function store(
  previous: (ChainedBytes & { pieces: Uint8Array[] }) | undefined,
  full: Uint8Array,
  maxSegments = 8,
) {
  const plan = planSegments(previous, "json", full, { maxSegments });
  if (!plan) return { state: previous, written: 0 };
  const segment: Segment = {
    version: 0,
    hash: segmentHash("json", plan.keep, plan.bytes),
    parts: 1,
    keep: plan.keep,
    size: plan.bytes.length,
  };
  const pieces = [...(previous?.pieces.slice(0, plan.kept.length) ?? []), plan.bytes];
  const state = { type: "json", segments: [...plan.kept, segment], bytes: full, pieces };
  return { state, written: plan.bytes.length };
}

const replay = (s: { segments: readonly Segment[]; pieces: Uint8Array[] }) =>
  replaySegments(s.segments.map((seg, i) => ({ keep: seg.keep, bytes: s.pieces[i] as Uint8Array })));

describe("planSegments", () => {
  it("snapshots when there is no previous version", () => {
    const plan = planSegments(undefined, "json", enc("[1,2]"), { maxSegments: 8 });

    expect(plan).toMatchObject({ kept: [], keep: 0 });
    expect(dec(plan?.bytes ?? new Uint8Array())).toBe("[1,2]");
  });

  it("stores only the appended suffix of a JSON array", () => {
    const first = store(undefined, enc(messages(100))).state;

    const plan = planSegments(first, "json", enc(messages(101)), { maxSegments: 8 });

    expect(plan?.kept).toHaveLength(1);
    expect(plan?.keep).toBe(enc(messages(100)).length - 1);
    expect(dec(plan?.bytes ?? new Uint8Array())).toMatch(/^,\{"id":100,.*\]$/);
  });

  it("writes nothing when the value did not change", () => {
    const first = store(undefined, enc("[1]")).state;

    expect(planSegments(first, "json", enc("[1]"), { maxSegments: 8 })).toBeUndefined();
  });

  it("snapshots when the serde type changes", () => {
    const first = store(undefined, enc("[1]")).state;

    expect(planSegments(first, "bytes", enc("[1,2]"), { maxSegments: 8 })?.keep).toBe(0);
  });

  it("snapshots when the value is rewritten from the start", () => {
    let state = store(undefined, enc(messages(50))).state;
    state = store(state, enc(messages(51))).state;

    const plan = planSegments(state, "json", enc(`{"other":${messages(51)}}`), { maxSegments: 8 });

    expect(plan).toMatchObject({ kept: [], keep: 0 });
  });

  it("replays byte-exactly after every step of a long append-only run, within maxSegments", () => {
    let state: ReturnType<typeof store>["state"];
    for (let n = 1; n <= 300; n++) {
      const full = enc(messages(n));
      state = store(state, full, 6).state;

      expect(state?.segments.length).toBeLessThanOrEqual(6);
      expect(Buffer.from(replay(state as NonNullable<typeof state>)).equals(full)).toBe(true);
    }
  });

  it("writes what each step added times a log factor, not the history", () => {
    let state: ReturnType<typeof store>["state"];
    let written = 0;
    let fullEveryStep = 0;
    for (let n = 1; n <= 400; n++) {
      const full = enc(messages(n));
      const out = store(state, full);
      state = out.state;
      written += out.written;
      fullEveryStep += full.length;
    }
    const finalSize = enc(messages(400)).length;

    // Storing the whole list every step writes ~n²/2 messages; deltas write O(n log n).
    expect(written).toBeLessThan(12 * finalSize);
    expect(written).toBeLessThan(fullEveryStep / 15);
  });

  it("handles shrinking values (kept prefix, empty suffix)", () => {
    let state = store(undefined, enc("[1,2,3]")).state;
    state = store(state, enc("[1,2,3,4]")).state;

    state = store(state, enc("[1,2,3")).state;

    expect(dec(replay(state as NonNullable<typeof state>))).toBe("[1,2,3");
  });
});

describe("commonPrefixLength", () => {
  it.each([
    ["", "", 0],
    ["[1]", "[1,2]", 2],
    ["abc", "abc", 3],
    ["abc", "abd", 2],
    ["xbc", "abc", 0],
    ["ab", "abc", 2],
  ])("of %j and %j is %i", (a, b, n) => {
    expect(commonPrefixLength(enc(a), enc(b))).toBe(n);
  });
});

describe("segmentHash", () => {
  it("depends on the bytes, the type and the kept prefix", () => {
    const h = segmentHash("json", 3, enc(",4]"));

    expect(segmentHash("json", 3, enc(",4]"))).toBe(h);
    expect(segmentHash("json", 4, enc(",4]"))).not.toBe(h);
    expect(segmentHash("bytes", 3, enc(",4]"))).not.toBe(h);
    expect(segmentHash("json", 3, enc(",5]"))).not.toBe(h);
  });
});
