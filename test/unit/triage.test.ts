import { readFileSync } from "node:fs";
import { Command, MemorySaver } from "@langchain/langgraph";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatasetSpec, detectBreaks, loadTradeDay } from "#data";
import { offlinePolicies } from "#models";
import { bindEffectsLedger, type EffectsLedger, inMemoryEffectsLedger } from "#tools";
import {
  AGENT_RUNS_KEPT,
  type ApprovalDecision,
  AUTO_FIX_APPROVER,
  type ClassifiedBreak,
  COMPLIANCE_QUEUE,
  decideRoute,
  getWorkflow,
  TriageInput,
  type TriageStateValue,
  triage,
  triageNodes,
  UnknownWorkflowError,
  workflows,
} from "#workflows";
import { triageExample } from "../../docs/examples/triage.ts";

// Factories -------------------------------------------------------------------------------

// Breaks of the standard day (seed 42, 2,000 trades) that take each route, found by the detector.
const AUTO_FIX_TRADE = "T20261124-000318"; // settle date booked off-convention, $344k: low risk
const APPROVAL_TRADE = "T20261124-000750"; // the same kind with $7.96M at stake: four eyes
const DUPLICATE_TRADE = "T20261124-000226"; // an extra booking to cancel: four eyes
const PERSON_TRADE = "T20261124-000336"; // a quantity mismatch: agreed with the broker, not amended
const SSI_TRADE = "T20261124-000118"; // settlement instructions differ: compliance blocks

let ledger: EffectsLedger;
let unbind: () => void;
beforeEach(() => {
  ledger = inMemoryEffectsLedger();
  unbind = bindEffectsLedger(ledger);
});
afterEach(() => unbind());

let threads = 0;
type Interrupted = TriageStateValue & { __interrupt__?: { value: Record<string, unknown> }[] };

/** Runs the triage graph with a MemorySaver on a request; returns the app to resume it with. */
async function runTriage(
  request: { dataset?: Partial<DatasetSpec>; tradeId?: string; exception?: unknown } = {},
) {
  const app = triage.graph.compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `triage-${++threads}` } };
  const state = (await app.invoke(triage.toState(TriageInput.parse(request)), config)) as Interrupted;
  const resume = async (decision: unknown) =>
    (await app.invoke(new Command({ resume: decision }), config)) as Interrupted;
  return { app, config, state, resume, waitingFor: state.__interrupt__?.[0]?.value };
}

const path = (state: TriageStateValue) => state.steps.map((s) => s.node);
const NETWORK = ["detect", "classify", "risk_check", "compliance_check"];
const JANE: ApprovalDecision = {
  decision: "approve",
  by: "ops.jane",
  comment: "matches the broker's confirmation",
};

// Tests -----------------------------------------------------------------------------------

describe("triage input", () => {
  it("accepts {} and fills the standard day", () => {
    // Act
    const input = TriageInput.parse({});
    // Assess
    expect(input).toEqual({
      dataset: { seed: 42, trades: 2000, date: "2026-11-24", breakRate: 0.02 },
      tolerances: { priceBps: 10, quantityUnits: 0, staleAfterHours: 24 },
    });
  });

  it("refuses both a trade id and an exception, and a bad dataset, naming the fields", () => {
    // Act
    const both = TriageInput.safeParse({
      tradeId: "T1",
      exception: {
        breakId: "b",
        kind: "stale_price",
        tradeIds: ["T1"],
        desk: "Rates",
        counterparty: "CP001",
      },
    });
    const bad = TriageInput.safeParse({ dataset: { trades: -5, date: "2026-11-29" } });
    // Assess
    expect(both.error?.issues.map((i) => i.path.join("."))).toEqual(["tradeId"]);
    expect(bad.error?.issues.map((i) => i.path.join("."))).toEqual(["dataset.trades", "dataset.date"]);
  });
});

describe("triage routes", () => {
  it("on {} triages the day's first detected break and escalates it directly (high severity)", async () => {
    // Prepare
    const [first] = detectBreaks(loadTradeDay({ seed: 42, trades: 2000, date: "2026-11-24" }));
    // Act
    const { state } = await runTriage({});
    // Assess
    expect(state.exception?.breakId).toBe(first?.breakId);
    expect(path(state)).toEqual([...NETWORK, "escalate", "report"]);
    expect(state.decision?.reason).toMatch(/^high severity/);
    expect(state.effects).toEqual([]);
    expect(await ledger.entries()).toEqual([]);
  });

  it("auto-fixes a mechanical, low-risk break: propose, approve under the mandate, apply once", async () => {
    // Act
    const { state } = await runTriage({ tradeId: AUTO_FIX_TRADE });
    // Assess
    expect(path(state)).toEqual([...NETWORK, "auto_fix", "report"]);
    expect(state.compliance?.status).toBe("clear");
    expect(state.proposal).toMatchObject({ tradeId: AUTO_FIX_TRADE, action: "amend_settle_date" });
    expect(state.proposal?.changes[0]?.from).not.toEqual(state.proposal?.changes[0]?.to);
    expect(state.approval).toMatchObject({ decision: "approve", by: AUTO_FIX_APPROVER });
    expect(state.effects).toEqual([
      expect.objectContaining({ tool: "apply_amendment", idempotencyKey: state.approval?.approvalKey }),
    ]);
    expect((await ledger.entries()).map((e) => e.effect)).toEqual(state.effects);
    expect(state.triageReport).toMatchObject({ outcome: "amended", effectsApplied: 1 });
  });

  it("waits for a person on a big amendment, then applies it with their approval", async () => {
    // Act
    const run = await runTriage({ tradeId: APPROVAL_TRADE });
    const entriesWhileWaiting = await ledger.entries();
    const done = await run.resume(JANE);
    // Assess
    expect(run.waitingFor).toMatchObject({
      question: expect.stringContaining(APPROVAL_TRADE),
      proposal: { tradeId: APPROVAL_TRADE, action: "amend_settle_date" },
      tool: "apply_amendment",
      approvalKey: expect.stringMatching(/^triage\.fixer:apply_amendment:/),
    });
    expect(entriesWhileWaiting).toEqual([]);
    expect(path(done)).toEqual([...NETWORK, "human_approval", "report"]);
    expect(done.approval).toMatchObject({ ...JANE, approvalKey: run.waitingFor?.approvalKey });
    expect(done.effects.map((e) => e.idempotencyKey)).toEqual([run.waitingFor?.approvalKey]);
    expect(await ledger.entries()).toHaveLength(1);
    expect(done.triageReport).toMatchObject({ outcome: "amended", approvedBy: "ops.jane" });
  });

  it("cancels a duplicate booking through cancel_rebook once approved", async () => {
    // Act
    const run = await runTriage({ tradeId: DUPLICATE_TRADE });
    const done = await run.resume({ decision: "approve", by: "ops.raj" });
    // Assess
    expect(run.waitingFor).toMatchObject({
      tool: "cancel_rebook",
      proposal: { action: "cancel_booking", tradeId: DUPLICATE_TRADE },
    });
    expect(done.effects).toEqual([
      expect.objectContaining({ tool: "cancel_rebook", tradeId: DUPLICATE_TRADE }),
    ]);
  });

  it("escalates a rejected amendment and applies nothing", async () => {
    // Act
    const run = await runTriage({ tradeId: APPROVAL_TRADE });
    const done = await run.resume({ decision: "reject", by: "ops.jane", comment: "broker is re-sending" });
    // Assess
    expect(path(done)).toEqual([...NETWORK, "human_approval", "escalate", "report"]);
    expect(done.approval).toMatchObject({ decision: "reject", by: "ops.jane" });
    expect(done.escalation).toMatchObject({
      queue: "Settlements",
      reason: "amendment rejected by ops.jane: broker is re-sending",
    });
    expect(done.effects).toEqual([]);
    expect(await ledger.entries()).toEqual([]);
  });

  it("escalates a break that needs a person straight to its owners, proposing nothing", async () => {
    // Act
    const { state } = await runTriage({ tradeId: PERSON_TRADE });
    // Assess
    expect(path(state)).toEqual([...NETWORK, "escalate", "report"]);
    expect(state.escalation).toMatchObject({
      queue: "Middle Office Confirmations",
      reason: "quantity mismatch needs a person",
    });
    expect(state.fixerMemory).toEqual([]);
  });

  it("stops at a compliance block: to Compliance, whatever else holds", async () => {
    // Act
    const { state } = await runTriage({ tradeId: SSI_TRADE });
    // Assess
    expect(state.compliance).toMatchObject({
      status: "blocked",
      reasons: [expect.stringMatching(/settlement instructions differ/)],
    });
    expect(path(state)).toEqual([...NETWORK, "escalate", "report"]);
    expect(state.escalation?.queue).toBe(COMPLIANCE_QUEUE);
    expect(state.proposal).toBeNull();
  });

  it("goes from detect straight to the report when the day has no break", async () => {
    // Act
    const { state } = await runTriage({ dataset: { trades: 300, breakRate: 0 } });
    // Assess
    expect(path(state)).toEqual(["detect", "report"]);
    expect(state.triageReport).toMatchObject({ outcome: "no_break", breakId: null });
  });

  it("refuses a resume that is not a decision, with a typed error", async () => {
    // Prepare
    const run = await runTriage({ tradeId: APPROVAL_TRADE });
    // Act
    const attempt = run.resume({ decision: "maybe" });
    // Assess
    await expect(attempt).rejects.toMatchObject({ code: "Triage.InvalidDecision" });
    expect(await ledger.entries()).toEqual([]);
  });
});

describe("exactly-once effects", () => {
  /** The state `auto_fix` saw, after a round trip through JSON, as a node Lambda loads it. */
  async function stateBeforeAutoFix() {
    const { app, config } = await runTriage({ tradeId: AUTO_FIX_TRADE });
    for await (const snapshot of app.getStateHistory(config)) {
      if (snapshot.next.includes("auto_fix"))
        return JSON.parse(JSON.stringify(snapshot.values)) as TriageStateValue;
    }
    throw new Error("no checkpoint before auto_fix");
  }

  it("applies once when the apply node runs again (a retried or redriven Lambda)", async () => {
    // Prepare: the run above applied the effect once already; run the node twice more
    const before = await stateBeforeAutoFix();
    // Act
    const first = (await triageNodes.auto_fix(before)) as Command;
    const again = (await triageNodes.auto_fix(before)) as Command;
    // Assess
    expect(again.update).toEqual(first.update);
    expect(again.goto).toEqual(["report"]);
    const entries = await ledger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.attempts).toBe(3);
  });

  it("applies once when the node crashes after the effect and LangGraph retries it", async () => {
    // Prepare: the first read-back after an apply fails, as if the Lambda died right after the write
    let crashes = 1;
    const inner = inMemoryEffectsLedger();
    unbind();
    unbind = bindEffectsLedger({
      ...inner,
      async effect(key) {
        if (crashes-- > 0) throw new Error("Lambda timed out after the effect landed");
        return inner.effect(key);
      },
    });
    // Act
    const { state } = await runTriage({ tradeId: AUTO_FIX_TRADE });
    // Assess
    expect(path(state)).toEqual([...NETWORK, "auto_fix", "report"]);
    const entries = await inner.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ attempts: 2, effect: state.effects[0] });
  }, 15_000);

  it("merges effect writes by idempotency key in state", () => {
    // Prepare
    const effect = {
      effectId: "EFF-1",
      idempotencyKey: "K",
      tool: "apply_amendment",
      proposalId: "AMD-1",
      breakId: "b",
      tradeId: "T1",
      action: "amend_price",
      changes: [],
    } as const;
    const reducer = (
      triage.graph as unknown as {
        channels: Record<string, { operator: (a: unknown[], b: unknown[]) => unknown[] }>;
      }
    ).channels.effects;
    // Act
    const merged = reducer?.operator([effect], [effect, { ...effect, idempotencyKey: "K2" }]);
    // Assess
    expect(merged?.map((e) => (e as { idempotencyKey: string }).idempotencyKey)).toEqual(["K", "K2"]);
  });
});

describe("the agents", () => {
  it("register their offline policies under the workflow's prefix", () => {
    // Assess
    expect(offlinePolicies.agents()).toEqual(
      expect.arrayContaining(["triage.classifier", "triage.compliance", "triage.fixer", "triage.risk"]),
    );
  });

  it("decide from tool calls, each in its own bounded private channel", async () => {
    // Act
    const run = await runTriage({ tradeId: APPROVAL_TRADE });
    const done = await run.resume(JANE);
    // Assess
    const tools = (channel: "classifierMemory" | "riskMemory" | "complianceMemory" | "fixerMemory") =>
      done[channel].flatMap((r) => r.toolCalls.map((c) => c.name));
    expect(tools("classifierMemory")).toEqual(["get_trade", "get_confirmation", "get_market_price"]);
    expect(tools("riskMemory")).toEqual(["get_position", "check_limit"]);
    expect(tools("complianceMemory")).toEqual(["get_trade", "get_confirmation"]);
    expect(tools("fixerMemory")).toEqual([
      "get_trade",
      "get_confirmation",
      "propose_amendment",
      "apply_amendment",
      "apply_amendment",
    ]);
    expect(done.fixerMemory[0]?.toolCalls.at(-1)?.refused).toBe("Agents.ApprovalRequired");
    expect(done.fixerMemory.length).toBeLessThanOrEqual(AGENT_RUNS_KEPT);
    for (const r of done.classifierMemory) expect(r.model.offline).toBe(true);
    expect(JSON.parse(JSON.stringify(done))).toEqual(done);
    expect(JSON.stringify(done).length).toBeLessThan(60_000);
  });

  it("route by the stated rule: block, person, severity, limits, four eyes, else auto-fix", () => {
    // Prepare
    const c: Pick<ClassifiedBreak, "kind" | "fixable" | "faultSide" | "severity" | "impactUsd" | "desk"> = {
      kind: "stale_price",
      fixable: true,
      faultSide: "data",
      severity: "low",
      impactUsd: 250_000,
      desk: "Rates",
    };
    const ok = { wouldBreach: false, exceedsSingleTradeLimit: false, headroomUsd: 5e7 };
    const clear = { status: "clear" as const, reasons: ["ok"] };
    // Act
    const routes = [
      decideRoute(c, ok, { status: "blocked", reasons: ["ssi"] }),
      decideRoute({ ...c, fixable: false, kind: "missing_confirmation" }, ok, clear),
      decideRoute({ ...c, severity: "high" }, ok, clear),
      decideRoute(c, { ...ok, wouldBreach: true }, clear),
      decideRoute(c, ok, { status: "approval_required", reasons: ["big"] }),
      decideRoute(c, ok, clear),
    ];
    // Assess
    expect(routes.map((r) => [r.route, r.queue ?? null])).toEqual([
      ["escalate", COMPLIANCE_QUEUE],
      ["escalate", null],
      ["escalate", null],
      ["escalate", "Desk Head, Rates"],
      ["human_approval", null],
      ["auto_fix", null],
    ]);
  });
});

describe("the run summary and the example", () => {
  it("says what each agent did, the route, the decision and the effects", async () => {
    // Act
    const run = await runTriage({ tradeId: APPROVAL_TRADE });
    const summary = triage.summarize?.(await run.resume(JANE));
    // Assess
    expect(summary?.headline).toBe(
      `Triage settle_date_mismatch:${APPROVAL_TRADE}: human_approval → amended (1 effect)`,
    );
    expect(summary?.steps.map((s) => s.node)).toEqual([...NETWORK, "human_approval", "report"]);
    expect(summary?.figures).toMatchObject({
      decision: "approve by ops.jane",
      effectsApplied: 1,
      compliance: "approval_required",
    });
  });

  it("runs docs/examples/triage.ts: waits, is approved, applies one effect", async () => {
    // Act
    const { waitedFor, summary, ledger: entries } = await triageExample({ tradeId: APPROVAL_TRADE }, JANE);
    // Assess
    expect(waitedFor?.question).toContain(APPROVAL_TRADE);
    expect(summary.headline).toMatch(/human_approval → amended \(1 effect\)$/);
    expect(entries).toHaveLength(1);
  });

  it("is documented in docs/patterns.md with its example", () => {
    // Act
    const doc = readFileSync(new URL("../../docs/patterns.md", import.meta.url), "utf8");
    // Assess
    expect(doc).toContain("## Network: triage");
    expect(doc).toContain("docs/examples/triage.ts");
    const edges = triage.graph
      .compile()
      .getGraph()
      .drawMermaid()
      .split("\n")
      .filter((l) => l.includes("->"));
    for (const edge of edges) expect(doc).toContain(edge.trim());
  });
});

describe("workflow registry", () => {
  it("registers triage with the network's nodes", () => {
    // Act
    const workflow = getWorkflow("triage");
    // Assess
    expect(workflow).toBe(workflows.triage);
    expect(Object.keys(workflow.graph.nodes)).toEqual(
      expect.arrayContaining([...NETWORK, "auto_fix", "human_approval", "escalate", "report"]),
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
    expect(() => getWorkflow("toString")).toThrow(UnknownWorkflowError);
  });
});
