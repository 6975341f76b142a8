import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { type DatasetSpec, generateTradeDay, type InjectedBreak, type Tolerances } from "#data";
import {
  type ClassifiedBreak,
  decideRoute,
  getWorkflow,
  MECHANICAL_KINDS,
  type RiskAssessment,
  routeAfterRisk,
  summarizeTriage,
  TriageInput,
  type TriageStateValue,
  triage,
  triageNodes,
  UnknownWorkflowError,
  workflows,
} from "#workflows";

// Factories -------------------------------------------------------------------------------

let threads = 0;

/** Runs the triage graph, compiled with a MemorySaver, on a run request; returns the final state. */
async function runTriage(request: { dataset?: Partial<DatasetSpec>; tolerances?: Partial<Tolerances> } = {}) {
  const app = triage.graph.compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `triage-${++threads}` } };
  const state = (await app.invoke(triage.toState(TriageInput.parse(request)), config)) as TriageStateValue;
  return { app, config, state };
}

const aClassifiedBreak = (overrides: Partial<ClassifiedBreak> = {}): ClassifiedBreak => ({
  breakId: "stale_price:T1",
  kind: "stale_price",
  tradeIds: ["T1"],
  primaryTradeId: "T1",
  desk: "Rates",
  counterparty: "CP001",
  instrumentId: "US0378331005",
  severity: "low",
  impactUsd: 250_000,
  faultSide: "data",
  fixable: true,
  evidence: [],
  ...overrides,
});

const withinLimits = { wouldBreach: false, exceedsSingleTradeLimit: false, headroomUsd: 50_000_000 };
const anAssessment = (route: RiskAssessment["route"]): RiskAssessment => ({
  breakId: `b-${route}`,
  impactUsd: 1,
  positionQuantity: 0,
  limitUsd: 1,
  headroomUsd: 1,
  wouldBreach: false,
  exceedsSingleTradeLimit: false,
  route,
  reason: "",
});

const keyOf = (b: { kind: string; tradeIds: readonly string[] }) => `${b.kind}:${b.tradeIds.join("+")}`;
const nodesRun = (state: TriageStateValue) => state.steps.map((s) => s.node);

// Tests -----------------------------------------------------------------------------------

describe("triage input", () => {
  it("accepts {} and fills the standard day and default tolerances", () => {
    // Act
    const input = TriageInput.parse({});
    // Assess
    expect(input).toEqual({
      dataset: { seed: 42, trades: 2000, date: "2026-11-24", breakRate: 0.02 },
      tolerances: { priceBps: 10, quantityUnits: 0, staleAfterHours: 24 },
    });
  });

  it("rejects a bad dataset with the field named", () => {
    // Act
    const result = TriageInput.safeParse({ dataset: { trades: -5, date: "2026-11-29" } });
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["dataset.trades", "dataset.date"]);
  });
});

describe("triage graph on the standard day", async () => {
  const { groundTruth } = generateTradeDay();
  const { app, config, state } = await runTriage({});

  it("finds every injected break and nothing else", () => {
    // Assess
    expect(state.tradesScanned).toBe(2000);
    expect(state.exceptions.map(keyOf).sort()).toEqual(groundTruth.map(keyOf).sort());
  });

  it("routes every break exactly once, to a fix proposal or an escalation", () => {
    // Assess
    const fixed = state.fixes.map((f) => f.breakId);
    const escalated = state.escalations.map((e) => e.breakId);
    expect([...fixed, ...escalated].sort()).toEqual(state.exceptions.map((b) => b.breakId).sort());
    expect(fixed.length).toBeGreaterThan(0);
    expect(escalated.length).toBeGreaterThan(0);
  });

  it("follows the stated rule: auto-fix only when fixable, not high severity and within limits", () => {
    // Prepare
    const classified = new Map(state.classified.map((c) => [c.breakId, c]));
    for (const assessment of state.assessed) {
      const c = classified.get(assessment.breakId) as ClassifiedBreak;
      // Act
      const expected =
        c.fixable && c.severity !== "high" && !assessment.wouldBreach && !assessment.exceedsSingleTradeLimit
          ? "auto_fix"
          : "escalate";
      // Assess
      expect({ breakId: c.breakId, route: assessment.route }).toEqual({
        breakId: c.breakId,
        route: expected,
      });
      if (!MECHANICAL_KINDS.has(c.kind)) expect(assessment.route).toBe("escalate");
    }
  });

  it("attributes price and settle-date faults to the side the generator broke", () => {
    // Prepare
    const injectedFault = new Map(
      groundTruth
        .filter((b: InjectedBreak) => b.details.faultSide)
        .map((b) => [b.tradeIds[0], b.details.faultSide]),
    );
    // Act
    const attributed = state.classified.filter((c) => injectedFault.has(c.primaryTradeId));
    // Assess
    expect(attributed.length).toBe(12);
    for (const c of attributed) expect(c.faultSide).toBe(injectedFault.get(c.primaryTradeId));
  });

  it("proposes amendments that state the change and applies none", () => {
    // Assess
    for (const fix of state.fixes) {
      expect(fix.status).toBe("proposed");
      expect(fix.changes.length).toBeGreaterThan(0);
      for (const change of fix.changes) expect(change.from).not.toEqual(change.to);
    }
  });

  it("runs both branches in one superstep and reports once, using real tool calls", () => {
    // Assess
    expect(nodesRun(state)).toEqual(["detect", "classify", "risk_check", "auto_fix", "escalate", "report"]);
    const calls = Object.fromEntries(state.steps.map((s) => [s.node, s.toolCalls]));
    expect(calls.detect).toBe(1);
    expect(calls.classify).toBe(3 * state.exceptions.length);
    expect(calls.risk_check).toBe(2 * state.exceptions.length);
    expect(calls.escalate).toBe(state.escalations.length);
    expect(state.triageReport?.breaksFound).toBe(40);
  });

  it("keeps state plain JSON and never the trades themselves", async () => {
    // Act
    const snapshot = await app.getState(config);
    const history = [];
    for await (const checkpoint of app.getStateHistory(config)) history.push(checkpoint);
    // Assess
    expect(JSON.parse(JSON.stringify(snapshot.values))).toEqual(snapshot.values);
    expect(JSON.stringify(snapshot.values).length).toBeLessThan(200_000);
    expect(snapshot.values).not.toHaveProperty("trades");
    expect(history.length).toBe(7);
  });

  it("summarises the run with figures by kind", () => {
    // Act
    const summary = summarizeTriage(state);
    // Assess
    expect(summary.headline).toBe(
      `Triage 2026-11-24: 2,000 trades scanned, 40 breaks — ${state.fixes.length} fix proposals, ${state.escalations.length} escalated`,
    );
    expect(summary.steps.map((s) => s.node)).toEqual(nodesRun(state));
    for (const b of groundTruth) expect(summary.figures[`found.${b.kind}`]).toBeGreaterThan(0);
    expect(summary.figures.breaksFound).toBe(40);
  });

  it("lets a node run alone from a JSON copy of the state, as in its own Lambda", async () => {
    // Prepare: the state risk_check saw, after a round trip through JSON.
    const beforeRisk = JSON.parse(JSON.stringify({ ...state, assessed: [] })) as TriageStateValue;
    // Act
    const update = await triageNodes.risk_check(beforeRisk);
    // Assess
    expect(update.assessed).toEqual(state.assessed);
  });
});

describe("triage routes", () => {
  it("goes straight from risk_check to report when there is nothing to act on", async () => {
    // Act
    const { state } = await runTriage({ dataset: { trades: 300, breakRate: 0 } });
    // Assess
    expect(nodesRun(state)).toEqual(["detect", "classify", "risk_check", "report"]);
    expect(state.triageReport).toMatchObject({ breaksFound: 0, autoFixed: 0, escalated: 0 });
  });

  it("escalates a fixable break to the desk head when it would breach the desk limit", async () => {
    // Act: seed 7 puts a mechanical Macro break bigger than Macro's headroom.
    const { state } = await runTriage({ dataset: { seed: 7 } });
    // Assess
    const breaching = state.assessed.filter((a) => a.wouldBreach && a.route === "escalate");
    const toDeskHead = state.escalations.filter((e) => e.queue.startsWith("Desk Head"));
    expect(toDeskHead.length).toBeGreaterThan(0);
    for (const e of toDeskHead) {
      expect(breaching.map((a) => a.breakId)).toContain(e.breakId);
      expect(e.reason).toMatch(/exceeds the desk's limit headroom/);
    }
  });

  it.each([
    [["auto_fix"], ["auto_fix"]],
    [["escalate"], ["escalate"]],
    [
      ["auto_fix", "escalate"],
      ["auto_fix", "escalate"],
    ],
    [[], ["report"]],
  ] as const)("sends %j assessments to %j", (routes, expected) => {
    // Act
    const next = routeAfterRisk({ assessed: routes.map(anAssessment) });
    // Assess
    expect(next).toEqual(expected);
  });
});

describe("decideRoute", () => {
  it.each([
    [
      "a fixable, low, in-limit break",
      aClassifiedBreak(),
      withinLimits,
      "auto_fix",
      /mechanical stale price/,
    ],
    [
      "a kind that needs a person",
      aClassifiedBreak({ kind: "quantity_mismatch", fixable: false, faultSide: "unknown" }),
      withinLimits,
      "escalate",
      /quantity mismatch needs a person/,
    ],
    [
      "a broker-side price error",
      aClassifiedBreak({ kind: "price_outside_tolerance", fixable: false, faultSide: "broker" }),
      withinLimits,
      "escalate",
      /fault on the broker side/,
    ],
    [
      "a high-severity break",
      aClassifiedBreak({ severity: "high", impactUsd: 12_000_000 }),
      withinLimits,
      "escalate",
      /high severity: \$12,000,000/,
    ],
    [
      "a break that would breach the gross limit",
      aClassifiedBreak(),
      { ...withinLimits, wouldBreach: true, headroomUsd: 100_000 },
      "escalate",
      /headroom of \$100,000/,
    ],
    [
      "a break over the single-trade limit",
      aClassifiedBreak(),
      { ...withinLimits, exceedsSingleTradeLimit: true },
      "escalate",
      /single-trade limit/,
    ],
  ])("routes %s", (_label, classified, limits, route, reason) => {
    // Act
    const decision = decideRoute(classified, limits);
    // Assess
    expect(decision.route).toBe(route);
    expect(decision.reason).toMatch(reason);
  });
});

describe("workflow registry", () => {
  it("registers triage by name", () => {
    // Act
    const workflow = getWorkflow("triage");
    // Assess
    expect(workflow).toBe(workflows.triage);
    expect(Object.keys(workflow.graph.nodes)).toEqual(
      expect.arrayContaining(["detect", "classify", "risk_check", "auto_fix", "escalate", "report"]),
    );
  });

  it("refuses an unknown name with a typed error listing the known ones", () => {
    // Act
    const attempt = () => getWorkflow("reconcile");
    // Assess
    expect(attempt).toThrow(UnknownWorkflowError);
    expect(attempt).toThrow(
      expect.objectContaining({
        code: "Switchyard.UnknownWorkflow",
        known: expect.arrayContaining(["triage"]),
      }),
    );
    expect(attempt).toThrow(/Known: triage/);
    expect(() => getWorkflow("toString")).toThrow(UnknownWorkflowError);
  });
});
