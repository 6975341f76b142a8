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
  BREAK_CATEGORIES,
  type Break,
  type BreakCategory,
  byDeadline,
  type DataRef,
  type DaySpec,
  DaySpecSchema,
  DEFAULT_TOLERANCES,
  generatedDayRef,
  openDay,
  reconcileDay,
} from "#trading";
import {
  dispatchRound,
  findingFrom,
  IncompleteInvestigationError,
  type InvestigationFinding,
  InvestigationInput,
  type InvestigationStateValue,
  investigation,
  investigationNodes,
  MAX_ATTEMPTS,
  mergeFindings,
  mergeNotebook,
  NOTEBOOK_NOTES,
  NOTEBOOK_OF,
  pricingPolicy,
  SPECIALIST_FOR_CATEGORY,
  SPECIALIST_TOOLS,
  SPECIALISTS,
  type Specialist,
  supervise,
} from "#workflows";
import { investigateExample } from "../../docs/examples/investigation.ts";

// Factories -------------------------------------------------------------------------------

let threads = 0;

/** Runs the investigation graph, compiled with a MemorySaver, on a run request (offline model). */
async function runInvestigation(request: Record<string, unknown> = {}) {
  const app = investigation.graph.compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `investigation-${++threads}` } };
  const state = (await app.invoke(
    investigation.toState(InvestigationInput.parse(request)),
    config,
  )) as InvestigationStateValue;
  return { app, state };
}

/** A generated day's reference, written in the canonical format on first use. */
function refOf(spec: Partial<DaySpec> = {}): Promise<DataRef> {
  return generatedDayRef(DaySpecSchema.parse(spec));
}

/** The generated day's breaks, as the matcher finds them on the day read back from disk. */
async function breaksOf(spec: Partial<DaySpec> = {}): Promise<Break[]> {
  const { day } = await openDay(await refOf(spec));
  return reconcileDay(day, DEFAULT_TOLERANCES).breaks;
}

const aFinding = (overrides: Partial<InvestigationFinding> = {}): InvestigationFinding => ({
  breakId: "PRICE_MISMATCH:T1:price",
  category: "PRICE_MISMATCH",
  tradeIds: ["T1"],
  by: "pricing",
  specialist: "pricing",
  round: 1,
  attempt: 1,
  status: "resolved",
  rootCause: "broker_price_error",
  confidence: 0.9,
  evidence: [],
  nextAction: "Ask GSCO to correct C1 from 97 to our 100 (close 100)",
  escalation: null,
  ...overrides,
});

const aBreak = (category: BreakCategory, id: string, notional = 1_000_000, currency = "USD"): Break => ({
  breakId: `${category}:${id}`,
  category,
  tradeIds: category === "UNKNOWN_CONFIRMATION" ? [] : [id],
  confirmationIds: [],
  instrumentId: "US0378331005",
  notional,
  currency,
  desk: "Rates",
  broker: "GSCO",
  counterparty: "Acme Securities LLC",
  detail: "",
});

// Tests -----------------------------------------------------------------------------------

describe("investigation input", () => {
  it("accepts {} and fills the standard generated day, 6 rounds and batches of 10", () => {
    // Act
    const input = InvestigationInput.parse({});
    // Assess
    expect(input).toMatchObject({ maxRounds: 6, batchSize: 10 });
    expect(investigation.toState(input)).toMatchObject({
      source: { dataset: { seed: 42, trades: 2000, businessDate: "2026-11-24" } },
      breakSource: "derive",
      breaksUri: null,
    });
  });

  it("takes a desk's day by reference, with breaks or a reconciliation run's breaks.json", () => {
    // Act
    const withUri = InvestigationInput.parse({
      data: { uri: "s3://data/incoming/2026-11-24/" },
      breaksUri: "s3://data/runs/r-1/breaks.json",
    });
    const withBreaks = InvestigationInput.parse({
      data: { uri: "day/" },
      breaks: [aBreak("STALE_PRICE", "T1")],
    });
    // Assess
    expect(investigation.toState(withUri)).toMatchObject({
      source: { data: { uri: "s3://data/incoming/2026-11-24/" } },
      breakSource: "uri",
      breaksUri: "s3://data/runs/r-1/breaks.json",
    });
    expect(investigation.toState(withBreaks)).toMatchObject({ breakSource: "given", breaksFound: 1 });
  });

  it.each([
    [
      "a break of an unknown category",
      { breaks: [{ ...aBreak("STALE_PRICE", "T1"), category: "FAT_FINGER" }] },
      "breaks.0.category",
    ],
    [
      "a break with a field the model does not know",
      { breaks: [{ ...aBreak("STALE_PRICE", "T1"), kind: "stale" }] },
      "breaks.0",
    ],
    ["a round bound below 1", { maxRounds: 0 }, "maxRounds"],
    ["an unknown field", { dataset: {}, tolerance: 5 }, ""],
    ["both data and dataset", { data: { uri: "day/" }, dataset: { seed: 7 } }, "dataset"],
    ["both breaks and breaksUri", { breaks: [], breaksUri: "breaks.json" }, "breaksUri"],
    [
      "the same break twice",
      { breaks: [aBreak("STALE_PRICE", "T1"), aBreak("STALE_PRICE", "T1")] },
      "breaks.1.breakId",
    ],
  ])("refuses %s, naming the field", (_label, request, path) => {
    // Act
    const result = InvestigationInput.safeParse(request);
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });
});

describe("on the generated day (offline model)", () => {
  it("investigates exactly the matcher's breaks, every one settled with a next action", async () => {
    // Prepare
    const breaks = await breaksOf();
    // Act
    const { state } = await runInvestigation();
    // Assess
    expect(state.breaks).toEqual(breaks);
    expect(state.breakSource).toBe("derive");
    expect(state.data).toEqual(await refOf());
    expect(state.businessDate).toBe("2026-11-24");
    expect(new Set(breaks.map((b) => b.category))).toEqual(new Set(BREAK_CATEGORIES));
    expect(state.findings.map((f) => f.breakId)).toEqual(breaks.map((b) => b.breakId));
    for (const finding of state.findings) {
      expect(["resolved", "escalated"]).toContain(finding.status);
      expect(finding.nextAction.length).toBeGreaterThan(0);
      expect(finding.evidence.length).toBeGreaterThan(0);
    }
    expect(state.conclusion).toMatchObject({ breaks: breaks.length, rounds: state.round });
    expect(state.round).toBeLessThanOrEqual(6);
  });

  it("investigates exactly the breaks a reconciliation run hands over, with the same verdicts", async () => {
    // Prepare
    const data = await refOf({ seed: 7 });
    const breaks = await breaksOf({ seed: 7 });
    const derived = await runInvestigation({ dataset: { seed: 7 } });
    // Act
    const { state } = await runInvestigation({ data, breaks });
    // Assess
    expect(state.breakSource).toBe("given");
    expect(state.findings).toEqual(derived.state.findings);
  });

  it("closes at once with nothing to investigate when given no breaks", async () => {
    // Act
    const { state } = await runInvestigation({ breaks: [] });
    // Assess
    expect(state.conclusion).toMatchObject({
      breaks: 0,
      resolved: 0,
      escalated: 0,
      rounds: 0,
      nextActions: [],
    });
    expect(state.effort).toEqual([]);
  });
});

describe("the round bound", () => {
  it("escalates what is left after maxRounds: 1, keeping the most urgent breaks investigated (earliest cut-off, then largest)", async () => {
    // Prepare
    const breaks = await breaksOf();
    const batchSize = 4;
    // Act
    const { state } = await runInvestigation({ maxRounds: 1, batchSize });
    // Assess
    expect(state.round).toBe(1);
    const perSpecialist = SPECIALISTS.map(
      (s) => breaks.filter((b) => SPECIALIST_FOR_CATEGORY[b.category] === s).length,
    );
    const investigated = perSpecialist.reduce((n, count) => n + Math.min(count, batchSize), 0);
    const bound = state.findings.filter((f) => f.escalation?.code === "round_bound");
    expect(state.findings).toHaveLength(breaks.length);
    expect(bound).toHaveLength(breaks.length - investigated);
    expect(bound.every((f) => f.status === "escalated" && f.escalation?.by === "supervisor")).toBe(true);
    expect(state.conclusion?.escalations.round_bound).toBe(bound.length);
    // Every break naming a trade of ours has a deadline (a confirmation of an instrument that is
    // not ours has none: nothing says where it settles), and they differ by market.
    const without = breaks.filter((b) => state.deadlines[b.breakId] === undefined);
    expect(breaks.filter((b) => b.tradeIds.length > 0).every((b) => state.deadlines[b.breakId])).toBe(true);
    expect(without.every((b) => b.category === "UNKNOWN_CONFIRMATION")).toBe(true);
    expect(without.length).toBeLessThan(breaks.length / 10);
    expect(new Set(Object.values(state.deadlines).map((d) => d.cutoffId)).size).toBeGreaterThan(1);
    const usd = (b: Break) => b.notional * (state.usdRates[b.currency] ?? 1);
    const urgency = byDeadline<Break>(
      (b) => state.deadlines[b.breakId],
      (a, b) => usd(b) - usd(a) || (a.breakId < b.breakId ? -1 : 1),
    );
    for (const specialist of SPECIALISTS) {
      const mine = breaks.filter((b) => SPECIALIST_FOR_CATEGORY[b.category] === specialist).sort(urgency);
      const worked = mine.filter((b) => !bound.some((f) => f.breakId === b.breakId)).map((b) => b.breakId);
      expect(worked, specialist).toEqual(mine.slice(0, batchSize).map((b) => b.breakId));
    }
  });
});

describe("the specialists", () => {
  it("call only their allowlisted tools, never refused", async () => {
    // Act
    const { state } = await runInvestigation({ dataset: { seed: 7 } });
    // Assess
    for (const specialist of SPECIALISTS) {
      const allowed: readonly string[] = SPECIALIST_TOOLS[specialist];
      const notebook = state[NOTEBOOK_OF[specialist]];
      const calls = notebook.notes.flatMap((n) => n.toolCalls);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((c) => allowed.includes(c.name) && c.ok && !c.refused)).toBe(true);
      const counted = state.effort
        .filter((e) => e.specialist === specialist)
        .flatMap((e) => Object.keys(e.toolCalls));
      expect(counted.every((name) => allowed.includes(name))).toBe(true);
    }
    expect(SPECIALIST_TOOLS.settlement).not.toContain("get_market_price");
    expect(SPECIALIST_TOOLS.pricing).not.toContain("find_similar_trades");
  });

  it("open the day by reference and write their own notebook and no other agent's", async () => {
    // Prepare
    const data = await refOf();
    const breaks = await breaksOf();
    for (const specialist of SPECIALISTS) {
      const batch = breaks.filter((b) => SPECIALIST_FOR_CATEGORY[b.category] === specialist).slice(0, 2);
      // Act
      const update = await investigationNodes[specialist]({
        data,
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

  it("answer inconclusively with prose, or a root cause outside their remit or the break's category", () => {
    // Prepare
    const assigned = { ...aBreak("PRICE_MISMATCH", "T1"), attempt: 1 };
    const answer = (final: string) => findingFrom("pricing", assigned, 1, { final, stopReason: "final" });
    // Act
    const prose = answer("Looks like the broker.");
    const offRemit = answer('{"rootCause":"duplicate_booking","confidence":0.9,"evidence":[]}');
    const otherCategory = answer('{"rootCause":"stale_market_data","confidence":0.9,"evidence":[]}');
    const fenced = answer(
      'Answer:\n```json\n{"rootCause":"broker_price_error","confidence":0.8,"evidence":["x"],"nextAction":"Ask GSCO to fix C1"}\n```',
    );
    const noAction = answer('{"rootCause":"our_price_error","confidence":0.8,"evidence":["x"]}');
    // Assess
    expect(prose).toMatchObject({
      status: "inconclusive",
      nextAction: expect.stringMatching(/^Check the execution price/),
    });
    expect(offRemit).toMatchObject({ status: "inconclusive", rootCause: null });
    expect(otherCategory).toMatchObject({ status: "inconclusive", rootCause: null });
    expect(fenced).toMatchObject({
      status: "resolved",
      rootCause: "broker_price_error",
      confidence: 0.8,
      nextAction: "Ask GSCO to fix C1",
    });
    expect(noAction.nextAction).toBe("Amend our booked price to the confirmed price");
  });

  it("escalate with the cause suspected, and never settle a side break", () => {
    // Prepare
    const side = { ...aBreak("SIDE_MISMATCH", "T1"), attempt: 1 };
    // Act
    const asked = findingFrom("booking", side, 1, {
      final:
        '{"escalate":"the broker says SELL","evidence":[],"rootCause":"side_disputed","nextAction":"Ask the desk"}',
      stopReason: "final",
    });
    const claimed = findingFrom("booking", side, 1, {
      final: '{"rootCause":"side_disputed","confidence":0.95,"evidence":["we BUY, they SELL"]}',
      stopReason: "final",
    });
    // Assess
    expect(asked).toMatchObject({
      status: "escalated",
      rootCause: "side_disputed",
      nextAction: "Ask the desk",
    });
    expect(claimed).toMatchObject({
      status: "escalated",
      rootCause: "side_disputed",
      escalation: { code: "specialist" },
    });
  });

  it("pricing escalates a price break when the close is stale: no reference to judge by", () => {
    // Prepare: one turn that asked all four lookups, answered with a stale close.
    const call = (name: string, args: Record<string, unknown>, id: string) => ({
      name,
      args,
      id,
      type: "tool_call" as const,
    });
    const instrument = {
      type: "EQUITY",
      instrumentId: "US0378331005",
      idType: "ISIN",
      currency: "USD",
      mic: "XNAS",
    };
    const answers = {
      a: { tradeId: "T1", instrumentId: "US0378331005", price: 100, desk: "Rates", broker: "GSCO" },
      b: {
        tradeId: "T1",
        confirmations: [{ confirmationId: "C1", price: 102 }],
        confirmed: { fills: 1, price: 102 },
      },
      c: instrument,
      d: {
        price: 101,
        source: "VENDOR",
        priceDate: "2026-11-20",
        businessDate: "2026-11-24",
        ageBusinessDays: 2,
        stale: true,
        expectedCloseDate: "2026-11-24",
      },
    };
    const messages = [
      new HumanMessage(JSON.stringify(aBreak("PRICE_MISMATCH", "T1"))),
      new AIMessage({
        content: "",
        tool_calls: [
          call("get_trade", { tradeId: "T1" }, "a"),
          call("get_confirmations", { tradeId: "T1" }, "b"),
          call("get_instrument", { instrumentId: "US0378331005" }, "c"),
          call("get_market_price", { instrumentId: "US0378331005" }, "d"),
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
      nextAction: expect.stringContaining("2026-11-24 close"),
    });
  });
});

describe("the supervisor", () => {
  it("routes every category to the right specialist, and the run follows the table", async () => {
    // Prepare
    const expected: Record<BreakCategory, Specialist> = {
      PRICE_MISMATCH: "pricing",
      STALE_PRICE: "pricing",
      SETTLE_DATE_MISMATCH: "settlement",
      COUNTERPARTY_SSI_MISMATCH: "settlement",
      CURRENCY_MISMATCH: "settlement",
      QUANTITY_MISMATCH: "booking",
      SIDE_MISMATCH: "booking",
      MISSING_CONFIRMATION: "booking",
      UNKNOWN_CONFIRMATION: "booking",
      DUPLICATE_BOOKING: "booking",
      CANCELLED_BUT_CONFIRMED: "booking",
      AMENDMENT_NOT_CONFIRMED: "booking",
    };
    // Act
    const { state } = await runInvestigation({ dataset: { seed: 2027 } });
    // Assess
    expect(SPECIALIST_FOR_CATEGORY).toEqual(expected);
    expect(new Set(state.findings.map((f) => f.category)).size).toBe(12);
    for (const finding of state.findings) expect(finding.specialist).toBe(expected[finding.category]);
  });

  it("plans at most batchSize per specialist, largest notional in US dollars first", () => {
    // Prepare: ¥30m is $200k at 150 yen to the dollar, smaller than $250k.
    const breaks = [
      aBreak("STALE_PRICE", "T1", 100_000),
      aBreak("PRICE_MISMATCH", "T2", 30_000_000, "JPY"),
      aBreak("STALE_PRICE", "T3", 250_000),
      aBreak("QUANTITY_MISMATCH", "T4"),
    ];
    // Act
    const { round, plan } = supervise({
      round: 0,
      maxRounds: 6,
      batchSize: 2,
      breaks,
      findings: [],
      usdRates: { USD: 1, JPY: 1 / 150 },
    });
    // Assess
    expect(round).toBe(1);
    expect(plan?.assignments).toEqual([
      {
        specialist: "pricing",
        items: [
          { breakId: "STALE_PRICE:T3", attempt: 1 },
          { breakId: "PRICE_MISMATCH:T2", attempt: 1 },
        ],
      },
      { specialist: "booking", items: [{ breakId: "QUANTITY_MISMATCH:T4", attempt: 1 }] },
    ]);
  });

  it("works the earliest settlement cut-off first, whatever its size; a break without a deadline last", () => {
    // Prepare: T1 small but due tonight in New York, T3 large but due tomorrow, T2 unknown
    const breaks = [
      aBreak("STALE_PRICE", "T1", 1_000),
      aBreak("PRICE_MISMATCH", "T2", 9_000_000),
      aBreak("STALE_PRICE", "T3", 5_000_000),
    ];
    const deadlines = {
      "STALE_PRICE:T1": { at: "2026-11-25T02:00:00.000Z" },
      "STALE_PRICE:T3": { at: "2026-11-25T14:55:00.000Z" },
    };
    // Act
    const { plan } = supervise({ round: 0, maxRounds: 6, batchSize: 2, breaks, findings: [], deadlines });
    // Assess
    expect(plan?.assignments[0]?.items.map((i) => i.breakId)).toEqual(["STALE_PRICE:T1", "STALE_PRICE:T3"]);
  });

  it("escalates a root cause below the confidence bar, and retries an inconclusive answer once", () => {
    // Prepare
    const breaks = [aBreak("PRICE_MISMATCH", "T1"), aBreak("PRICE_MISMATCH", "T2")];
    const findings = [
      aFinding({ breakId: "PRICE_MISMATCH:T1", confidence: 0.55 }),
      aFinding({ breakId: "PRICE_MISMATCH:T2", tradeIds: ["T2"], status: "inconclusive", rootCause: null }),
    ];
    // Act
    const first = supervise({ round: 1, maxRounds: 6, batchSize: 10, breaks, findings });
    const retried = aFinding({
      breakId: "PRICE_MISMATCH:T2",
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
        breakId: "PRICE_MISMATCH:T1",
        status: "escalated",
        rootCause: "broker_price_error",
        nextAction: "Check by hand before acting: Ask GSCO to correct C1 from 97 to our 100 (close 100)",
        escalation: expect.objectContaining({ code: "low_confidence" }),
      }),
    ]);
    expect(first.plan?.assignments).toEqual([
      { specialist: "pricing", items: [{ breakId: "PRICE_MISMATCH:T2", attempt: 2 }] },
    ]);
    expect(second.plan).toBeNull();
    expect(second.findings).toEqual([
      expect.objectContaining({
        breakId: "PRICE_MISMATCH:T2",
        nextAction: expect.stringMatching(/^Check the execution price/),
        escalation: expect.objectContaining({ code: "inconclusive" }),
      }),
    ]);
  });

  it("sends each specialist the day's reference and its batch only, and reports when nothing is planned", () => {
    // Prepare
    const data = { uri: "s3://data/incoming/2026-11-24/" };
    const breaks = [aBreak("STALE_PRICE", "T1"), aBreak("MISSING_CONFIRMATION", "T2")];
    const { plan, round } = supervise({ round: 0, maxRounds: 6, batchSize: 10, breaks, findings: [] });
    // Act
    const sends = dispatchRound({ data, round, plan, breaks });
    // Assess
    expect(sends).toEqual([
      new Send("pricing", { data, round: 1, breaks: [{ ...breaks[0], attempt: 1 }] }),
      new Send("booking", { data, round: 1, breaks: [{ ...breaks[1], attempt: 1 }] }),
    ]);
    expect(dispatchRound({ data, round, plan: null, breaks })).toBe("report");
  });
});

describe("state design", () => {
  it("merges findings in any order and idempotently: the latest round, then the supervisor, wins", () => {
    // Prepare
    const answer = aFinding({ confidence: 0.5 });
    const review = aFinding({ by: "supervisor", status: "escalated" });
    const other = aFinding({
      breakId: "STALE_PRICE:US0378331005",
      category: "STALE_PRICE",
      tradeIds: ["T2"],
    });
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

  it("keeps each round's Send small: the day's reference and a batch of breaks, a few KB", async () => {
    // Prepare
    const data = await refOf();
    const breaks = await breaksOf();
    const { plan, round } = supervise({ round: 0, maxRounds: 6, batchSize: 10, breaks, findings: [] });
    // Act
    const sends = dispatchRound({ data, round, plan, breaks });
    // Assess
    expect(Array.isArray(sends) && sends.length).toBe(3);
    for (const send of sends as Send[]) expect(JSON.stringify(send.args).length).toBeLessThan(12_000);
  });

  it("keeps each notebook private, and the day out of state", async () => {
    // Act
    const app = investigation.graph.compile();
    const readBy = (node: string) => Object.keys(app.nodes[node]?.channels ?? {});
    // Assess
    const notebooks: string[] = Object.values(NOTEBOOK_OF);
    expect(readBy("supervisor")).toEqual(
      expect.arrayContaining(["breaks", "findings", "round", "plan", "data"]),
    );
    expect(readBy("report")).toContain("effort");
    for (const node of ["supervisor", "report"]) {
      expect(readBy(node).filter((channel) => notebooks.includes(channel))).toEqual([]);
    }
    expect(Object.keys(app.channels)).toEqual(expect.arrayContaining(notebooks));
    expect(Object.keys(app.channels)).not.toEqual(expect.arrayContaining(["trades"]));
  });

  it("fails the report with a stable code when a break has no outcome", async () => {
    // Prepare
    const { state } = await runInvestigation({ breaks: [] });
    // Act
    const closing = investigationNodes.report({ ...state, breaks: [aBreak("STALE_PRICE", "T1")] });
    // Assess
    await expect(closing).rejects.toBeInstanceOf(IncompleteInvestigationError);
    await expect(closing).rejects.toMatchObject({ code: "Investigation.Incomplete" });
  });
});

describe("summary and report", () => {
  it("say what each agent did, the outcomes by category and root cause, and the next actions", async () => {
    // Act
    const { state } = await runInvestigation();
    const summary = investigation.summarize?.(state);
    // Assess
    const report = state.conclusion;
    expect(summary?.headline).toBe(
      `Investigation 2026-11-24: ${state.breaks.length} breaks, ${report?.resolved} resolved with a root cause, ${report?.escalated} escalated, in ${state.round} rounds`,
    );
    expect(summary?.steps.map((s) => s.node)).toEqual([
      "supervisor",
      "pricing",
      "settlement",
      "booking",
      "report",
    ]);
    expect(summary?.steps[1]?.did).toMatch(/model calls, get_trade ×\d+.*tokens/);
    expect(summary?.steps[4]?.did).toMatch(/next actions, most urgent first: /);
    expect(summary?.figures).toMatchObject({
      breaksInvestigated: state.breaks.length,
      breaksFound: state.breaks.length,
      rounds: state.round,
      model: "offline/switchyard-offline-policy",
      rootCauseAccuracy: expect.stringContaining("unknown"),
      "rootCause.duplicate_booking": report?.byRootCause.duplicate_booking,
    });
    const byCategory = Object.values(report?.byCategory ?? {});
    expect(byCategory.reduce((n, c) => n + c.breaks, 0)).toBe(state.breaks.length);
    expect(byCategory.every((c) => c.resolved + c.escalated === c.breaks)).toBe(true);
    expect(report?.byCategory.SIDE_MISMATCH.resolved).toBe(0);
    expect(report?.nextActions.length).toBeGreaterThan(0);
    expect(report?.nextActions.every((a) => a.nextAction.length > 0)).toBe(true);
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
    expect(state.findings.map((f) => f.breakId)).toEqual((await breaksOf({ seed: 7 })).map((b) => b.breakId));
    expect(summary.figures).toMatchObject({ breaksInvestigated: state.breaks.length });
  });
});
