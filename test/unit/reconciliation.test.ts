import { readFile } from "node:fs/promises";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  type DatasetSpec,
  DEFAULT_TOLERANCES,
  type DetectedBreak,
  generateTradeDay,
  type InjectedBreak,
  loadTradeDay,
  type Tolerances,
} from "#data";
import {
  type BreakRecord,
  fanOut,
  getWorkflow,
  IncompleteReconciliationError,
  MAX_PARTITIONS,
  type MatchTask,
  mergeById,
  type PartitionBy,
  PartitionMismatchError,
  planPartitions,
  ReconciliationInput,
  type ReconciliationStateValue,
  reconciliation,
  reconciliationNodes,
  summarizeReconciliation,
  tradesOf,
  WORST_BREAKS,
} from "#workflows";
import { reconcileExample } from "../../docs/examples/reconciliation.ts";

// Factories -------------------------------------------------------------------------------

type Request = {
  dataset?: Partial<DatasetSpec>;
  partitionBy?: PartitionBy;
  partitionSize?: number;
  tolerances?: Partial<Tolerances>;
};

let threads = 0;

/** Runs the reconciliation graph, compiled with a MemorySaver, on a run request. */
async function runReconciliation(request: Request = {}) {
  const app = reconciliation.graph.compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `reconciliation-${++threads}` } };
  const input = ReconciliationInput.parse(request);
  const state = (await app.invoke(reconciliation.toState(input), config)) as ReconciliationStateValue;
  return { app, config, state };
}

const keyOf = (b: InjectedBreak | DetectedBreak | BreakRecord) => `${b.kind}:${b.tradeIds.join("+")}`;

/** Recall and precision of the found breaks against the generator's ground truth (kind and trades). */
function score(truth: readonly InjectedBreak[], found: readonly BreakRecord[]) {
  const expected = new Set(truth.map(keyOf));
  const got = new Set(found.map(keyOf));
  const hits = [...got].filter((k) => expected.has(k)).length;
  return { recall: hits / expected.size, precision: hits / got.size, expected: expected.size };
}

const aBreak = (id: string, overrides: Partial<BreakRecord> = {}): BreakRecord => ({
  breakId: `missing_confirmation:${id}`,
  kind: "missing_confirmation",
  tradeIds: [id],
  desk: "Rates",
  counterparty: "CP001",
  notionalUsd: 1_000_000,
  detail: "",
  ...overrides,
});

const MODES: PartitionBy[] = ["desk", "assetClass", "counterparty"];

// Tests -----------------------------------------------------------------------------------

describe("reconciliation input", () => {
  it("accepts {} and fills the standard day, desk partitions of 200 and default tolerances", () => {
    // Act
    const input = ReconciliationInput.parse({});
    // Assess
    expect(input).toEqual({
      dataset: { seed: 42, trades: 2000, date: "2026-11-24", breakRate: 0.02 },
      partitionBy: "desk",
      partitionSize: 200,
      tolerances: DEFAULT_TOLERANCES,
    });
  });

  it.each([
    ["an unknown partition key", { partitionBy: "book" }, ["partitionBy"]],
    ["a zero partition size", { partitionSize: 0 }, ["partitionSize"]],
    ["a fractional partition size", { partitionSize: 12.5 }, ["partitionSize"]],
    [
      `more than ${MAX_PARTITIONS} workers`,
      { dataset: { trades: 50_000 }, partitionSize: 49 },
      ["partitionSize"],
    ],
    [
      "a weekend trade date and negative trades",
      { dataset: { trades: -1, date: "2026-11-28" } },
      ["dataset.trades", "dataset.date"],
    ],
    ["a negative price tolerance", { tolerances: { priceBps: -1 } }, ["tolerances.priceBps"]],
  ])("rejects %s, naming the field", (_name, request, paths) => {
    // Act
    const result = ReconciliationInput.safeParse(request);
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(paths);
  });

  it("is registered under its name, with a bigger Lambda for the nodes that regenerate the day", () => {
    // Act
    const workflow = getWorkflow("reconciliation");
    // Assess
    expect(workflow).toBe(reconciliation);
    expect(Object.keys(workflow.graph.nodes)).toEqual(["partition", "match", "summarize"]);
    expect(workflow.nodes.match?.memoryMb).toBeGreaterThan(1024);
    expect(workflow.hosting).toBe("per-node");
  });
});

describe.each(MODES)("reconciliation by %s", (partitionBy) => {
  it("finds every injected break and nothing else on 2,000 trades, with 8–20 workers", async () => {
    // Prepare
    const { groundTruth } = generateTradeDay({ trades: 2000 });
    // Act
    const { state } = await runReconciliation({ partitionBy });
    // Assess
    expect(score(groundTruth, state.breaks)).toEqual({ recall: 1, precision: 1, expected: 40 });
    expect(state.matched.length).toBeGreaterThanOrEqual(8);
    expect(state.matched.length).toBeLessThanOrEqual(20);
    expect(state.report?.tradesMatched).toBe(2000);
  });

  it.each([50, 200, 1000])("keeps both bookings of every duplicate in one partition (size %i)", (size) => {
    // Prepare
    const { day, groundTruth } = generateTradeDay({ trades: 5000 });
    const partitionOf = new Map<string, string>();
    for (const ref of planPartitions(day, partitionBy, size)) {
      for (const trade of tradesOf(day, partitionBy, ref)) partitionOf.set(trade.tradeId, ref.id);
    }
    const duplicates = groundTruth.filter((b) => b.kind === "duplicate_booking");
    // Assess
    expect(partitionOf.size).toBe(5000);
    expect(duplicates.length).toBeGreaterThan(10);
    for (const { tradeIds } of duplicates) {
      expect(new Set(tradeIds.map((id) => partitionOf.get(id))).size).toBe(1);
    }
  });
});

describe("reconciliation at 50,000 trades", () => {
  const { groundTruth } = generateTradeDay({ trades: 50_000 });

  it.each(MODES)("finds every injected break and nothing else, partitioned by %s", async (partitionBy) => {
    // Act
    const { state } = await runReconciliation({ dataset: { trades: 50_000 }, partitionBy });
    // Assess
    expect(score(groundTruth, state.breaks)).toEqual({ recall: 1, precision: 1, expected: 1000 });
    expect(state.report?.tradesMatched).toBe(50_000);
    expect(state.matched.length).toBe(state.plan?.partitions.length);
    // Hash shards stay near the target size: none empty, none more than twice it.
    for (const outcome of state.matched) expect(outcome.trades).toBeLessThanOrEqual(400);
  });

  it("keeps the checkpoint and every Send argument small: references and compact breaks only", async () => {
    // Act
    const { state } = await runReconciliation({ dataset: { trades: 50_000 } });
    const sends = fanOut({ ...state });
    // Assess
    expect(Array.isArray(sends) && sends.length).toBe(state.plan?.partitions.length);
    for (const send of sends as { args: MatchTask }[])
      expect(JSON.stringify(send.args).length).toBeLessThan(600);
    const bytes = JSON.stringify(state).length;
    expect(bytes).toBeLessThan(350 * (state.breaks.length + 2 * state.matched.length));
    expect(JSON.stringify(state)).not.toContain('"bookedAt"');
  });
});

describe("reconciliation options", () => {
  it("changes the worker count with the partition size", async () => {
    // Act
    const small = await runReconciliation({ partitionSize: 100 });
    const standard = await runReconciliation({});
    const whole = await runReconciliation({ partitionSize: 2000 });
    // Assess: one worker per desk when a partition may hold a whole desk.
    expect(standard.state.matched.length).toBe(12);
    expect(small.state.matched.length).toBeGreaterThan(standard.state.matched.length);
    expect(whole.state.matched.length).toBe(6);
    for (const run of [small, whole]) expect(run.state.breaks).toEqual(standard.state.breaks);
  });

  it("changes what is a break with the tolerances", async () => {
    // Act
    const standard = await runReconciliation({});
    const loose = await runReconciliation({ tolerances: { priceBps: 500, staleAfterHours: 24 * 30 } });
    const exact = await runReconciliation({ tolerances: { priceBps: 0 } });
    // Assess: loose tolerances hide the injected price and stale-price breaks, and only those;
    // zero tolerance flags the clean trades' execution noise as well.
    const hidden = new Set(["price_outside_tolerance", "stale_price"]);
    expect(loose.state.breaks).toEqual(standard.state.breaks.filter((b) => !hidden.has(b.kind)));
    expect(loose.state.report?.byKind.price_outside_tolerance).toBe(0);
    expect(exact.state.report?.byKind.price_outside_tolerance).toBeGreaterThan(
      (standard.state.report?.byKind.price_outside_tolerance ?? 0) * 10,
    );
  });
});

describe("the breaks reducer", () => {
  const merge = mergeById((b: BreakRecord) => b.breakId);

  it("does not double-count a worker output applied twice", () => {
    // Prepare
    const output = [aBreak("T1"), aBreak("T2")];
    // Act
    const once = merge([], output);
    const twice = merge(once, output);
    // Assess
    expect(twice).toEqual(once);
    expect(twice).toHaveLength(2);
  });

  it("gives the same list whatever order the workers' writes arrive in", () => {
    // Prepare
    const a = [aBreak("T3"), aBreak("T1")];
    const b = [aBreak("T2")];
    const c = [aBreak("T5"), aBreak("T4")];
    // Act
    const forward = merge(merge(merge([], a), b), c);
    const backward = merge(merge(merge([], c), b), a);
    // Assess
    expect(backward).toEqual(forward);
    expect(forward.map((x) => x.tradeIds[0])).toEqual(["T1", "T2", "T3", "T4", "T5"]);
  });

  it("leaves a finished run unchanged when a redriven worker writes its output again", async () => {
    // Prepare
    const { app, config, state } = await runReconciliation({});
    const partition = state.plan?.partitions[3];
    if (!partition) throw new Error("the standard day has more than three partitions");
    const task: MatchTask = {
      dataset: state.dataset,
      tolerances: state.tolerances,
      partitionBy: state.partitionBy,
      partition,
    };
    const output = await reconciliationNodes.match(task);
    // Act
    await app.updateState(config, output, "match");
    await app.updateState(config, output, "match");
    const after = (await app.getState(config)).values as ReconciliationStateValue;
    // Assess
    expect(output.breaks.length).toBeGreaterThan(0);
    expect(after.breaks).toEqual(state.breaks);
    expect(after.matched).toEqual(state.matched);
  });
});

describe("reconciliation nodes", () => {
  it("lets a worker run alone from a JSON copy of its Send argument, as in its own Lambda", async () => {
    // Prepare
    const { state } = await runReconciliation({ partitionBy: "counterparty" });
    const [first] = fanOut(state) as { args: MatchTask }[];
    if (!first) throw new Error("no Send");
    // Act
    const output = await reconciliationNodes.match(JSON.parse(JSON.stringify(first.args)) as MatchTask);
    // Assess
    const mine = new Set(output.breaks.map((b) => b.breakId));
    expect(output.breaks.length).toBeGreaterThan(0);
    expect(state.breaks.filter((b) => mine.has(b.breakId))).toEqual(
      mergeById((b: BreakRecord) => b.breakId)([], output.breaks),
    );
    expect(output.matched).toEqual(state.matched.filter((o) => o.partitionId === first.args.partition.id));
  });

  it("fails a worker whose partition does not hold the trades the orchestrator counted", async () => {
    // Prepare
    const day = loadTradeDay({});
    const [ref] = planPartitions(day, "desk", 200);
    if (!ref) throw new Error("no partition");
    const task: MatchTask = {
      dataset: day.spec,
      tolerances: DEFAULT_TOLERANCES,
      partitionBy: "desk",
      partition: { ...ref, trades: ref.trades + 1 },
    };
    // Act
    const failure = reconciliationNodes.match(task);
    // Assess
    await expect(failure).rejects.toBeInstanceOf(PartitionMismatchError);
    await expect(failure).rejects.toMatchObject({ code: "Reconciliation.PartitionMismatch" });
  });

  it("refuses to summarise when a partition's outcome is missing", async () => {
    // Prepare
    const { state } = await runReconciliation({});
    const lost = { ...state, matched: state.matched.slice(1), report: null };
    // Act
    const failure = reconciliationNodes.summarize(lost);
    // Assess
    await expect(failure).rejects.toBeInstanceOf(IncompleteReconciliationError);
    await expect(failure).rejects.toMatchObject({ code: "Reconciliation.Incomplete" });
  });

  it("goes straight to summarize when the plan has no partitions", () => {
    // Prepare
    const state = { plan: { partitions: [] } } as unknown as ReconciliationStateValue;
    // Act
    const next = fanOut(state);
    // Assess
    expect(next).toBe("summarize");
  });
});

describe("reconciliation report and summary", async () => {
  const { state } = await runReconciliation({});
  const report = state.report;

  it("tallies the breaks by kind, desk and counterparty", () => {
    // Assess
    const total = state.breaks.length;
    for (const counts of [report?.byKind, report?.byDesk, report?.byCounterparty]) {
      expect(Object.values(counts ?? {}).reduce((a, b) => a + b, 0)).toBe(total);
    }
    expect(report?.byDesk.Rates).toBe(state.breaks.filter((b) => b.desk === "Rates").length);
    expect(report?.notionalAtRiskUsd).toBe(state.breaks.reduce((a, b) => a + b.notionalUsd, 0));
  });

  it("ranks the worst breaks by notional", () => {
    // Prepare
    const largest = Math.max(...state.breaks.map((b) => b.notionalUsd));
    // Assess
    expect(report?.worst).toHaveLength(WORST_BREAKS);
    expect(report?.worst[0]?.notionalUsd).toBe(largest);
    const notionals = report?.worst.map((b) => b.notionalUsd) ?? [];
    expect(notionals).toEqual([...notionals].sort((a, b) => b - a));
  });

  it("summarises what each node did, with the figures", () => {
    // Act
    const summary = summarizeReconciliation(state);
    // Assess
    expect(summary.headline).toMatch(
      /^Reconciliation 2026-11-24: 2,000 trades matched by 12 workers \(by desk\), 40 breaks, \$[\d,]+ at risk$/,
    );
    expect(summary.steps.map((s) => s.node)).toEqual(["partition", "match", "summarize"]);
    expect(summary.steps[0]?.did).toBe("split 2,000 trades by desk (6 keys) into 12 partitions of ~200");
    expect(summary.figures).toMatchObject({ trades: 2000, workers: 12, breaksFound: 40 });
    expect(summary.figures["found.duplicate_booking"]).toBe(report?.byKind.duplicate_booking);
  });
});

describe("docs/patterns.md", async () => {
  const doc = await readFile(new URL("../../docs/patterns.md", import.meta.url), "utf8");

  it("shows the graph exactly as LangGraph draws it", async () => {
    // Act
    const drawn = await reconciliation.graph.compile().getGraph().drawMermaid();
    // Assess
    expect(doc).toContain(`\`\`\`mermaid\n${drawn.trim()}\n\`\`\``);
  });

  it("has a runnable example that reconciles a day", async () => {
    // Act
    const { state, summary } = await reconcileExample({
      dataset: { trades: 5000 },
      partitionBy: "counterparty",
    });
    // Assess
    expect(doc).toContain("docs/examples/reconciliation.ts");
    expect(summary.figures).toMatchObject({ trades: 5000, breaksFound: 100 });
    expect(score(generateTradeDay({ trades: 5000 }).groundTruth, state.breaks)).toMatchObject({
      recall: 1,
      precision: 1,
    });
  });
});
