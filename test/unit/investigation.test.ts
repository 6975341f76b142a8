import { readFile } from "node:fs/promises";
import {
  AIMessage,
  HumanMessage,
  mapChatMessagesToStoredMessages,
  ToolMessage,
} from "@langchain/core/messages";
import { MemorySaver, Send } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  type BreakKind,
  type DatasetSpec,
  DEFAULT_TOLERANCES,
  generateTradeDay,
  type InjectedBreak,
  loadTradeDay,
} from "#data";
import { AGENT_TOOLS } from "#tools";
import {
  type BreakRecord,
  dispatchRound,
  findingFrom,
  IncompleteInvestigationError,
  type InvestigationFinding,
  InvestigationInput,
  type InvestigationStateValue,
  investigation,
  investigationNodes,
  MAX_ATTEMPTS,
  matchPartition,
  mergeFindings,
  mergeNotebook,
  NOTEBOOK_NOTES,
  NOTEBOOK_OF,
  pricingPolicy,
  type RootCause,
  SPECIALIST_FOR_KIND,
  SPECIALIST_ROLE,
  SPECIALISTS,
  type Specialist,
  supervise,
} from "#workflows";
import { investigateExample } from "../../docs/examples/investigation.ts";

// Factories -------------------------------------------------------------------------------

type Request = {
  dataset?: Partial<DatasetSpec>;
  breaks?: BreakRecord[];
  maxRounds?: number;
  batchSize?: number;
};

let threads = 0;

/** Runs the investigation graph, compiled with a MemorySaver, on a run request (offline model). */
async function runInvestigation(request: Request = {}) {
  const app = investigation.graph.compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `investigation-${++threads}` } };
  const state = (await app.invoke(
    investigation.toState(InvestigationInput.parse(request)),
    config,
  )) as InvestigationStateValue;
  return { app, state };
}

/** The root cause each injected break should get: the TEST's reading of the generator's truth. */
function expectedRootCause(truth: InjectedBreak): RootCause {
  const side = truth.details.faultSide;
  switch (truth.kind) {
    case "price_outside_tolerance":
      return side === "internal" ? "our_price_error" : "broker_price_error";
    case "stale_price":
      return "stale_market_data";
    case "settle_date_mismatch":
      return side === "internal" ? "settlement_date_error_ours" : "settlement_date_error_broker";
    case "counterparty_ssi_mismatch":
      return "ssi_mismatch";
    case "duplicate_booking":
      return "duplicate_booking";
    case "missing_confirmation":
      return "missing_confirmation";
    case "quantity_mismatch":
      return "quantity_error";
  }
}

const idOf = (b: { kind: string; tradeIds: readonly string[] }) => `${b.kind}:${b.tradeIds.join("+")}`;

/** Share of injected breaks resolved with the right root cause (escalated ones count as misses). */
function accuracy(truth: readonly InjectedBreak[], findings: readonly InvestigationFinding[]) {
  const byId = new Map(findings.map((f) => [f.breakId, f]));
  const right = truth.filter((t) => {
    const finding = byId.get(idOf(t));
    return finding?.status === "resolved" && finding.rootCause === expectedRootCause(t);
  });
  return right.length / truth.length;
}

/** The day's open breaks, as reconciliation's matcher finds them. */
function breaksOf(spec: Partial<DatasetSpec>): BreakRecord[] {
  const day = loadTradeDay(spec);
  return matchPartition(day, day.trades, DEFAULT_TOLERANCES).breaks;
}

const aFinding = (overrides: Partial<InvestigationFinding> = {}): InvestigationFinding => ({
  breakId: "price_outside_tolerance:T1",
  kind: "price_outside_tolerance",
  tradeIds: ["T1"],
  by: "pricing",
  specialist: "pricing",
  round: 1,
  attempt: 1,
  status: "resolved",
  rootCause: "broker_price_error",
  confidence: 0.9,
  evidence: [],
  escalation: null,
  ...overrides,
});

const aBreak = (kind: BreakKind, id: string, notionalUsd = 1_000_000): BreakRecord => ({
  breakId: `${kind}:${id}`,
  kind,
  tradeIds: [id],
  desk: "Rates",
  counterparty: "CP001",
  notionalUsd,
  detail: "",
});

// Tests -----------------------------------------------------------------------------------

describe("investigation input", () => {
  it("accepts {} and fills the standard day, 6 rounds and batches of 10", () => {
    // Act
    const input = InvestigationInput.parse({});
    // Assess
    expect(input).toMatchObject({ dataset: { seed: 42, trades: 2000 }, maxRounds: 6, batchSize: 10 });
    expect(investigation.toState(input)).toMatchObject({ breakSource: "derive" });
  });

  it("rejects a break of an unknown kind and a round bound below 1", () => {
    // Act
    const result = InvestigationInput.safeParse({
      breaks: [{ ...aBreak("stale_price", "T1"), kind: "fat_finger" }],
      maxRounds: 0,
    });
    // Assess
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["breaks.0.kind", "maxRounds"]));
  });
});

describe("root cause accuracy against the generator's ground truth (offline model)", () => {
  it.each([
    { seed: 42, trades: 2000 },
    { seed: 7, trades: 2000 },
    { seed: 2027, trades: 2000 },
  ])("is at least 95% on seed $seed, $trades trades, with every break investigated", async (spec) => {
    // Prepare
    const { groundTruth } = generateTradeDay(spec);
    // Act
    const { state } = await runInvestigation({ dataset: spec });
    // Assess
    expect(state.breaks.map(idOf).sort()).toEqual(groundTruth.map(idOf).sort());
    const score = accuracy(groundTruth, state.findings);
    expect(score).toBeGreaterThanOrEqual(0.95);
    expect(state.conclusion).toMatchObject({ breaks: groundTruth.length, rounds: state.round });
    expect(state.round).toBeLessThanOrEqual(6);
    console.info(
      `investigation seed ${spec.seed}: root cause accuracy ${(score * 100).toFixed(1)}% of ${groundTruth.length}`,
    );
  });

  it("investigates exactly the breaks a reconciliation run hands over, with the same verdicts", async () => {
    // Prepare
    const breaks = breaksOf({ seed: 7 });
    const derived = await runInvestigation({ dataset: { seed: 7 } });
    // Act
    const { state } = await runInvestigation({ dataset: { seed: 7 }, breaks });
    // Assess
    expect(state.breakSource).toBe("given");
    expect(state.findings).toEqual(derived.state.findings);
  });

  it("closes at once with nothing to investigate when given no breaks", async () => {
    // Act
    const { state } = await runInvestigation({ breaks: [] });
    // Assess
    expect(state.conclusion).toMatchObject({ breaks: 0, resolved: 0, escalated: 0, rounds: 0 });
    expect(state.effort).toEqual([]);
  });
});

describe("the round bound", () => {
  it("escalates what is left after maxRounds: 1, keeping the largest breaks investigated", async () => {
    // Prepare
    const breaks = breaksOf({ seed: 42 });
    const batchSize = 4;
    // Act
    const { state } = await runInvestigation({ maxRounds: 1, batchSize });
    // Assess
    expect(state.round).toBe(1);
    const perSpecialist = SPECIALISTS.map(
      (s) => breaks.filter((b) => SPECIALIST_FOR_KIND[b.kind] === s).length,
    );
    const investigated = perSpecialist.reduce((n, count) => n + Math.min(count, batchSize), 0);
    const bound = state.findings.filter((f) => f.escalation?.code === "round_bound");
    expect(state.findings).toHaveLength(breaks.length);
    expect(bound).toHaveLength(breaks.length - investigated);
    expect(bound.every((f) => f.status === "escalated" && f.escalation?.by === "supervisor")).toBe(true);
    expect(state.conclusion?.escalations.round_bound).toBe(bound.length);
    for (const specialist of SPECIALISTS) {
      const mine = breaks.filter((b) => SPECIALIST_FOR_KIND[b.kind] === specialist);
      const smallestWorked = Math.min(
        ...mine.filter((b) => !bound.some((f) => f.breakId === b.breakId)).map((b) => b.notionalUsd),
      );
      const leftOver = mine.filter((b) => bound.some((f) => f.breakId === b.breakId));
      expect(leftOver.every((b) => b.notionalUsd <= smallestWorked)).toBe(true);
    }
  });
});

describe("the specialists", () => {
  it("call only their allowlisted tools, never refused", async () => {
    // Act
    const { state } = await runInvestigation({ dataset: { seed: 7 } });
    // Assess
    for (const specialist of SPECIALISTS) {
      const allowed: readonly string[] = AGENT_TOOLS[SPECIALIST_ROLE[specialist]];
      const notebook = state[NOTEBOOK_OF[specialist]];
      const calls = notebook.notes.flatMap((n) => n.toolCalls);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((c) => allowed.includes(c.name) && c.ok && !c.refused)).toBe(true);
      const counted = state.effort
        .filter((e) => e.specialist === specialist)
        .flatMap((e) => Object.keys(e.toolCalls));
      expect(counted.every((name) => allowed.includes(name))).toBe(true);
    }
    expect(AGENT_TOOLS[SPECIALIST_ROLE.settlement]).not.toContain("get_market_price");
  });

  it("write their own notebook and no other agent's", async () => {
    // Prepare
    const breaks = breaksOf({ seed: 42 });
    const dataset = InvestigationInput.parse({}).dataset;
    for (const specialist of SPECIALISTS) {
      const batch = breaks.filter((b) => SPECIALIST_FOR_KIND[b.kind] === specialist).slice(0, 2);
      // Act
      const update = await investigationNodes[specialist]({
        dataset,
        round: 1,
        breaks: batch.map((b) => ({ ...b, attempt: 1 })),
      });
      // Assess
      expect(Object.keys(update).sort()).toEqual(["effort", "findings", NOTEBOOK_OF[specialist]].sort());
      expect(update[NOTEBOOK_OF[specialist]]?.notes.map((n) => n.breakId)).toEqual(
        batch.map((b) => b.breakId),
      );
    }
  });

  it("answer inconclusively with prose or a root cause outside their remit", () => {
    // Prepare
    const assigned = { ...aBreak("price_outside_tolerance", "T1"), attempt: 1 };
    // Act
    const prose = findingFrom("pricing", assigned, 1, {
      final: "Looks like the broker.",
      stopReason: "final",
    });
    const offRemit = findingFrom("pricing", assigned, 1, {
      final: '{"rootCause":"duplicate_booking","confidence":0.9,"evidence":[]}',
      stopReason: "final",
    });
    const fenced = findingFrom("pricing", assigned, 1, {
      final: 'Answer:\n```json\n{"rootCause":"broker_price_error","confidence":0.8,"evidence":["x"]}\n```',
      stopReason: "final",
    });
    // Assess
    expect(prose.status).toBe("inconclusive");
    expect(offRemit).toMatchObject({ status: "inconclusive", rootCause: null });
    expect(fenced).toMatchObject({ status: "resolved", rootCause: "broker_price_error", confidence: 0.8 });
  });

  it("pricing escalates a price break when the market price is stale: no reference to judge by", () => {
    // Prepare: one turn that asked all three lookups, answered with a stale market price.
    const call = (name: string, args: Record<string, unknown>, id: string) => ({
      name,
      args,
      id,
      type: "tool_call" as const,
    });
    const answers = {
      a: { tradeId: "T1", instrumentId: "US0378331005", price: 100 },
      b: { tradeId: "T1", confirmation: { price: 102, confirmationId: "CP001-C1" } },
      c: { price: 101, source: "VENDOR-EOD", asOf: "2026-11-20T10:00:00.000Z", ageHours: 108 },
    };
    const messages = [
      new HumanMessage(JSON.stringify(aBreak("price_outside_tolerance", "T1"))),
      new AIMessage({
        content: "",
        tool_calls: [
          call("get_trade", { tradeId: "T1" }, "a"),
          call("get_confirmation", { tradeId: "T1" }, "b"),
          call("get_market_price", { instrumentId: "US0378331005" }, "c"),
        ],
      }),
      ...Object.entries(answers).map(
        ([id, result]) => new ToolMessage({ tool_call_id: id, content: JSON.stringify(result) }),
      ),
    ];
    // Act
    const decision = pricingPolicy.decide(messages, []);
    // Assess
    expect("final" in decision && JSON.parse(decision.final)).toMatchObject({
      escalate: expect.stringContaining("stale"),
    });
  });
});

describe("the supervisor", () => {
  it("routes every kind to the right specialist, and the run follows the table", async () => {
    // Prepare
    const expected: Record<BreakKind, Specialist> = {
      price_outside_tolerance: "pricing",
      stale_price: "pricing",
      settle_date_mismatch: "settlement",
      counterparty_ssi_mismatch: "settlement",
      missing_confirmation: "settlement",
      duplicate_booking: "booking",
      quantity_mismatch: "booking",
    };
    // Act
    const { state } = await runInvestigation({ dataset: { seed: 2027 } });
    // Assess
    expect(SPECIALIST_FOR_KIND).toEqual(expected);
    expect(new Set(state.findings.map((f) => f.kind)).size).toBe(7);
    for (const finding of state.findings) expect(finding.specialist).toBe(expected[finding.kind]);
  });

  it("plans at most batchSize per specialist, largest notional first", () => {
    // Prepare
    const breaks = [
      aBreak("stale_price", "T1", 10),
      aBreak("price_outside_tolerance", "T2", 30),
      aBreak("stale_price", "T3", 20),
      aBreak("quantity_mismatch", "T4"),
    ];
    // Act
    const { round, plan } = supervise({ round: 0, maxRounds: 6, batchSize: 2, breaks, findings: [] });
    // Assess
    expect(round).toBe(1);
    expect(plan?.assignments).toEqual([
      {
        specialist: "pricing",
        items: [
          { breakId: "price_outside_tolerance:T2", attempt: 1 },
          { breakId: "stale_price:T3", attempt: 1 },
        ],
      },
      { specialist: "booking", items: [{ breakId: "quantity_mismatch:T4", attempt: 1 }] },
    ]);
  });

  it("escalates a root cause below the confidence bar, and retries an inconclusive answer once", () => {
    // Prepare
    const breaks = [aBreak("price_outside_tolerance", "T1"), aBreak("price_outside_tolerance", "T2")];
    const findings = [
      aFinding({ confidence: 0.55 }),
      aFinding({
        breakId: "price_outside_tolerance:T2",
        tradeIds: ["T2"],
        status: "inconclusive",
        rootCause: null,
      }),
    ];
    // Act
    const first = supervise({ round: 1, maxRounds: 6, batchSize: 10, breaks, findings });
    const retried = aFinding({
      breakId: "price_outside_tolerance:T2",
      round: 2,
      attempt: MAX_ATTEMPTS,
      status: "inconclusive",
      rootCause: null,
    });
    const second = supervise({
      round: 2,
      maxRounds: 6,
      batchSize: 10,
      breaks,
      findings: [...first.findings, retried],
    });
    // Assess
    expect(first.findings).toEqual([
      expect.objectContaining({
        breakId: "price_outside_tolerance:T1",
        status: "escalated",
        rootCause: "broker_price_error",
        escalation: expect.objectContaining({ code: "low_confidence" }),
      }),
    ]);
    expect(first.plan?.assignments).toEqual([
      { specialist: "pricing", items: [{ breakId: "price_outside_tolerance:T2", attempt: 2 }] },
    ]);
    expect(second.plan).toBeNull();
    expect(second.findings).toEqual([
      expect.objectContaining({
        breakId: "price_outside_tolerance:T2",
        escalation: expect.objectContaining({ code: "inconclusive" }),
      }),
    ]);
  });

  it("sends each specialist its batch only, and reports when nothing is planned", () => {
    // Prepare
    const dataset = InvestigationInput.parse({}).dataset;
    const breaks = [aBreak("stale_price", "T1"), aBreak("missing_confirmation", "T2")];
    const { plan, round } = supervise({ round: 0, maxRounds: 6, batchSize: 10, breaks, findings: [] });
    // Act
    const sends = dispatchRound({ dataset, round, plan, breaks });
    // Assess
    expect(sends).toEqual([
      new Send("pricing", { dataset, round: 1, breaks: [{ ...breaks[0], attempt: 1 }] }),
      new Send("settlement", { dataset, round: 1, breaks: [{ ...breaks[1], attempt: 1 }] }),
    ]);
    expect(dispatchRound({ dataset, round, plan: null, breaks })).toBe("report");
  });
});

describe("state design", () => {
  it("merges findings in any order and idempotently: the latest round, then the supervisor, wins", () => {
    // Prepare
    const answer = aFinding({ confidence: 0.5 });
    const review = aFinding({ by: "supervisor", status: "escalated" });
    const other = aFinding({ breakId: "stale_price:T2", kind: "stale_price", tradeIds: ["T2"] });
    const retried = aFinding({ round: 2, attempt: 2 });
    // Act
    const forward = mergeFindings(mergeFindings([answer, other], [review]), [retried]);
    const backward = mergeFindings(mergeFindings([retried], [review, other]), [answer]);
    const again = mergeFindings(forward, [answer, review, other, retried]);
    // Assess
    expect(forward).toEqual([retried, other]);
    expect(backward).toEqual(forward);
    expect(again).toEqual(forward);
    expect(mergeFindings([answer], [review])).toEqual([review]);
  });

  it("caps a notebook at its newest notes and keeps the latest conversation", () => {
    // Prepare
    const note = (round: number, i: number) => ({
      id: `${round}:b${String(i).padStart(3, "0")}`,
      round,
      breakId: `b${String(i).padStart(3, "0")}`,
      conclusion: "",
      toolCalls: [],
    });
    const first = { lastRound: 1, notes: Array.from({ length: 30 }, (_, i) => note(1, i)), history: [] };
    const second = {
      lastRound: 2,
      notes: Array.from({ length: 30 }, (_, i) => note(2, i)),
      history: mapChatMessagesToStoredMessages([new HumanMessage("{}")]),
    };
    // Act
    const merged = mergeNotebook(mergeNotebook({ lastRound: 0, notes: [], history: [] }, first), second);
    // Assess
    expect(merged.notes).toHaveLength(NOTEBOOK_NOTES);
    expect(merged.notes.at(-1)?.id).toBe("2:b029");
    expect(merged.notes.filter((n) => n.round === 2)).toHaveLength(30);
    expect(merged.history).toEqual(second.history);
    expect(mergeNotebook(merged, second)).toEqual(merged);
  });

  it("keeps each round's Send small: a batch of compact records, a few KB", () => {
    // Prepare
    const breaks = breaksOf({ seed: 42 });
    const dataset = InvestigationInput.parse({}).dataset;
    const { plan, round } = supervise({ round: 0, maxRounds: 6, batchSize: 10, breaks, findings: [] });
    // Act
    const sends = dispatchRound({ dataset, round, plan, breaks });
    // Assess
    expect(Array.isArray(sends) && sends.length).toBe(3);
    for (const send of sends as Send[]) expect(JSON.stringify(send.args).length).toBeLessThan(8_000);
  });

  it("keeps each notebook private: neither the supervisor nor the report reads one", () => {
    // Act
    const app = investigation.graph.compile();
    const readBy = (node: string) => Object.keys(app.nodes[node]?.channels ?? {});
    // Assess
    const notebooks: string[] = Object.values(NOTEBOOK_OF);
    expect(readBy("supervisor")).toEqual(expect.arrayContaining(["breaks", "findings", "round", "plan"]));
    expect(readBy("report")).toContain("effort");
    for (const node of ["supervisor", "report"]) {
      expect(readBy(node).filter((channel) => notebooks.includes(channel))).toEqual([]);
    }
    expect(Object.keys(app.channels)).toEqual(expect.arrayContaining(notebooks));
  });

  it("fails the report with a stable code when a break has no outcome", async () => {
    // Prepare
    const { state } = await runInvestigation({ breaks: [] });
    // Act
    const closing = investigationNodes.report({ ...state, breaks: [aBreak("stale_price", "T1")] });
    // Assess
    await expect(closing).rejects.toBeInstanceOf(IncompleteInvestigationError);
    await expect(closing).rejects.toMatchObject({ code: "Investigation.Incomplete" });
  });
});

describe("summary", () => {
  it("says what each agent did, with calls and tokens, and leaves accuracy to the tests", async () => {
    // Act
    const { state } = await runInvestigation();
    const summary = investigation.summarize?.(state);
    // Assess
    expect(summary?.headline).toBe(
      `Investigation 2026-11-24: 40 breaks, ${state.conclusion?.resolved} resolved with a root cause, ${state.conclusion?.escalated} escalated, in ${state.round} rounds`,
    );
    expect(summary?.steps.map((s) => s.node)).toEqual([
      "supervisor",
      "pricing",
      "settlement",
      "booking",
      "report",
    ]);
    expect(summary?.steps[1]?.did).toMatch(/model calls, get_trade ×\d+.*tokens/);
    expect(summary?.figures).toMatchObject({
      breaksInvestigated: 40,
      rounds: state.round,
      model: "offline/switchyard-offline-policy",
      rootCauseAccuracy: expect.stringContaining("unknown"),
    });
  });
});

describe("docs/patterns.md", async () => {
  const doc = await readFile(new URL("../../docs/patterns.md", import.meta.url), "utf8");

  it("shows the graph exactly as LangGraph draws it", async () => {
    // Act
    const drawn = await investigation.graph.compile().getGraph().drawMermaid();
    // Assess
    expect(doc).toContain("## Supervisor: investigation");
    expect(doc).toContain(`\`\`\`mermaid\n${drawn.trim()}\n\`\`\``);
  });

  it("has a runnable example that investigates a day", async () => {
    // Act
    const { state, summary } = await investigateExample({ dataset: { seed: 7 }, batchSize: 5 });
    // Assess
    expect(doc).toContain("docs/examples/investigation.ts");
    expect(accuracy(generateTradeDay({ seed: 7 }).groundTruth, state.findings)).toBeGreaterThanOrEqual(0.95);
    expect(summary.figures).toMatchObject({ breaksInvestigated: 40 });
  });
});
