import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { RUN_STAMP, RunStampSaver, startedBy } from "../../functions/engine/run-stamp.ts";

/** The run stamp on an Express start's input checkpoint (functions/engine/run-stamp.ts). */
const checkpoint = (id: string) => ({
  v: 4,
  id,
  ts: new Date().toISOString(),
  channel_values: {},
  channel_versions: {},
  versions_seen: {},
});
const config = (ns = "") => ({ configurable: { thread_id: "t-1", checkpoint_ns: ns } });

describe("the run stamp", () => {
  it("marks the root input checkpoint with the run id, and nothing else", async () => {
    const inner = new MemorySaver();
    const saver = new RunStampSaver(inner, "run-1");
    await saver.put(config(), checkpoint("1"), { source: "input", step: -1, parents: {} }, {});
    await saver.put(config(), checkpoint("2"), { source: "loop", step: 0, parents: {} }, {});
    await saver.put(config("sub:1"), checkpoint("3"), { source: "input", step: -1, parents: {} }, {});
    const stamps = [];
    for await (const t of inner.list({ configurable: { thread_id: "t-1" } }))
      stamps.push([t.metadata?.source, (t.metadata as Record<string, unknown>)[RUN_STAMP]]);
    expect(stamps).toContainEqual(["input", "run-1"]);
    expect(stamps).toContainEqual(["loop", undefined]);
    expect(stamps.filter(([, s]) => s === "run-1")).toHaveLength(1);
  });

  it("says a thread was started by the run that wrote its latest input, and only that run", async () => {
    const inner = new MemorySaver();
    expect(await startedBy(inner, "t-1", "run-1")).toBe(false);
    await new RunStampSaver(inner, "run-1").put(
      config(),
      checkpoint("1"),
      { source: "input", step: -1, parents: {} },
      {},
    );
    expect(await startedBy(inner, "t-1", "run-1")).toBe(true);
    // A later run on the same thread: run-1's start is no longer the latest.
    await new RunStampSaver(inner, "run-2").put(
      config(),
      checkpoint("2"),
      { source: "input", step: 1, parents: {} },
      {},
    );
    expect(await startedBy(inner, "t-1", "run-1")).toBe(false);
    expect(await startedBy(inner, "t-1", "run-2")).toBe(true);
  });
});
