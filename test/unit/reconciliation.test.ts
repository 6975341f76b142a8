import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BREAK_CATEGORIES,
  type Break,
  DEFAULT_TOLERANCES,
  defaultOutUri,
  type Match,
  openDay,
  type QuarantinedRow,
  reconcileDay,
} from "#trading";
import {
  fanOut,
  getWorkflow,
  IncompleteReconciliationError,
  MAX_PARTITIONS,
  PartitionMismatchError,
  ReconciliationInput,
  type ReconciliationStateValue,
  reconciliation,
  reconciliationNodes,
} from "#workflows";
import { reconcileExample } from "../../docs/examples/reconciliation.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "reconciliation-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let runs = 0;
/** Runs the graph in-process on a request, writing outputs under the test's temp dir. */
async function reconcile(request: Record<string, unknown>) {
  const out = join(dir, `run-${++runs}`, "/");
  const { state, summary } = await reconcileExample({ ...request, out }, `reconciliation-${runs}`);
  const read = async <T>(name: string) => JSON.parse(await readFile(join(out, name), "utf8")) as T;
  return {
    state,
    summary,
    out,
    breaks: await read<Break[]>("breaks.json"),
    matches: await read<Match[]>("matches.json"),
    quarantine: await read<QuarantinedRow[]>("quarantine.json"),
    csv: await readFile(join(out, "breaks.csv"), "utf8"),
  };
}

const EXAMPLE = { data: { uri: "docs/examples/data" } };

describe("reconciliation input", () => {
  it("accepts {} — a generated day, partitions of about 200, default tolerances", () => {
    const input = ReconciliationInput.parse({});
    expect(input).toEqual({ partitionSize: 200, tolerances: DEFAULT_TOLERANCES });
    expect(reconciliation.toState(input)).toMatchObject({
      source: { dataset: { seed: 42, trades: 2000, businessDate: "2026-11-24" } },
    });
  });

  it.each([
    ["an unknown field", { tradeDate: "2026-11-24" }, [""]],
    ["an unknown field inside data", { data: { uri: "x", format: "csv" } }, ["data"]],
    ["data and dataset at once", { data: { uri: "x" }, dataset: {} }, ["dataset"]],
    ["an empty data uri", { data: { uri: "" } }, ["data.uri"]],
    ["a zero partition size", { partitionSize: 0 }, ["partitionSize"]],
    ["a negative tolerance", { tolerances: { equityPriceBps: -1 } }, ["tolerances.equityPriceBps"]],
    ["an unknown tolerance", { tolerances: { priceBps: 10 } }, ["tolerances"]],
    ["a bad business date", { data: { uri: "x", businessDate: "2026-02-30" } }, ["data.businessDate"]],
  ])("refuses %s, naming the field", (_name, request, paths) => {
    const result = ReconciliationInput.safeParse(request);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(paths);
  });

  it("writes beside a day in S3 by default (runs/<run id>/ in its bucket), else under the data root", () => {
    expect(defaultOutUri("s3://desk-data/incoming/2026-11-24/", "r-1")).toBe("s3://desk-data/runs/r-1/");
    expect(defaultOutUri("docs/examples/data", "r/1", ".switchyard/data")).toBe(".switchyard/data/runs/r_1/");
  });

  it("is registered under its name: orchestrator, workers, summariser", () => {
    const workflow = getWorkflow("reconciliation");
    expect(workflow).toBe(reconciliation);
    expect(Object.keys(workflow.graph.nodes)).toEqual(["partition", "match", "summarize"]);
    expect(workflow.hosting).toBe("per-node");
  });
});

describe("reconciliation of the example day, partitioned", () => {
  it.each([1, 4, 1000])(
    "gives exactly the whole-day pass's breaks and matches with partitions of %i",
    async (partitionSize) => {
      // Prepare
      const { day } = await openDay(EXAMPLE.data);
      const reference = reconcileDay(day, DEFAULT_TOLERANCES);
      // Act
      const run = await reconcile({ ...EXAMPLE, partitionSize });
      // Assess
      expect(run.breaks).toEqual(reference.breaks);
      expect(run.matches).toEqual(reference.matches);
      expect(run.state.plan?.partitions.length).toBe(
        Math.min(MAX_PARTITIONS, Math.ceil(30 / partitionSize)) - emptyPartitions(run.state),
      );
      expect(run.state.report?.byCategory).toEqual(
        Object.fromEntries(BREAK_CATEGORIES.map((c) => [c, expect.any(Number)])),
      );
      expect(Object.values(run.state.report?.byCategory ?? {}).every((n) => n > 0)).toBe(true);
    },
  );

  it("writes the quarantine, the CSV and points the summary at every output", async () => {
    const run = await reconcile({ ...EXAMPLE, partitionSize: 8 });
    expect(run.quarantine).toEqual([
      expect.objectContaining({
        file: "docs/examples/data/trades.csv",
        line: 32,
        field: "tradeDate",
        recordId: "T-1031",
      }),
    ]);
    expect(run.csv.split("\n")[0]).toBe(
      "breakId,category,tradeIds,confirmationIds,instrumentId,field,ours,theirs,notional,currency,desk,broker,counterparty,detail",
    );
    expect(run.csv.trim().split("\n")).toHaveLength(run.breaks.length + 1);
    expect(run.summary.figures).toMatchObject({
      businessDate: "2026-12-28",
      trades: 30,
      quarantined: 1,
      breaksFound: 16,
      "output.breaks": join(run.out, "breaks.json"),
      "output.quarantine": join(run.out, "quarantine.json"),
    });
    expect(run.summary.headline).toBe(
      "Reconciliation 2026-12-28: 30 trades, 27 paired, 16 breaks, 1 row quarantined (4 workers)",
    );
  });
});

describe("reconciliation nodes", () => {
  it("fans out one Send per partition, by reference only, and skips to summarize when there is none", () => {
    const state = {
      tolerances: DEFAULT_TOLERANCES,
      plan: { partitions: [{ id: "p1-of-2", uri: "a.json", trades: 3, confirmations: 2 }] },
    } as unknown as ReconciliationStateValue;
    const sends = fanOut(state);
    expect(Array.isArray(sends) && sends.map((s) => s.args)).toEqual([
      {
        partition: { id: "p1-of-2", uri: "a.json", trades: 3, confirmations: 2 },
        tolerances: DEFAULT_TOLERANCES,
      },
    ]);
    expect(fanOut({ ...state, plan: null } as ReconciliationStateValue)).toBe("summarize");
  });

  it("a worker that reads a different partition than was planned fails instead of guessing", async () => {
    const run = await reconcile({ ...EXAMPLE, partitionSize: 1000 });
    const partition = run.state.plan?.partitions[0];
    if (!partition) throw new Error("no partition");
    await expect(
      reconciliationNodes.match({
        partition: { ...partition, trades: partition.trades + 1 },
        tolerances: DEFAULT_TOLERANCES,
      }),
    ).rejects.toBeInstanceOf(PartitionMismatchError);
  });

  it("summarize refuses to close a run with a partition unreported", async () => {
    const run = await reconcile({ ...EXAMPLE, partitionSize: 8 });
    const state = { ...run.state, matched: run.state.matched.slice(1) };
    await expect(reconciliationNodes.summarize(state)).rejects.toBeInstanceOf(IncompleteReconciliationError);
  });
});

/** Partitions the hash left empty are not written; the plan lists the others. */
function emptyPartitions(state: ReconciliationStateValue): number {
  const planned = state.plan?.partitions[0]?.id.split("-of-")[1];
  return Number(planned ?? 0) - (state.plan?.partitions.length ?? 0);
}
