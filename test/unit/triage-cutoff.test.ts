import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySaver } from "@langchain/langgraph";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { setClock } from "#core";
import { buildStateMachine, DEADLINE_AT_RISK } from "#engine";
import { answerModelsWith, OfflinePolicyModel } from "#models";
import { CATALOG, createTelemetry, type Telemetry } from "#telemetry";
import { writeDay } from "#trading/generate";
import { AGENT_DOWN_QUEUE, CUTOFF_QUEUE, TriageInput, type TriageStateValue, triage } from "#workflows";
import { confirmationOf, dayOf, trade } from "../fixtures/trading.ts";

/**
 * Deadlines that know the market, on a fake clock: a US equity trade of 24 November 2026 must be
 * affirmed by 21:00 New York that day (02:00Z on the 25th). When the risk check fails and another
 * attempt would end within half an hour of that cut-off, triage stops retrying and holds the
 * break for the settlements team, naming the trade and the cut-off; with time to spare it retries
 * as before, and once the cut-off has passed a failing check goes to manual triage as before.
 */
const CUTOFF = Date.parse("2026-11-25T02:00:00.000Z");
const MINUTE = 60_000;
/** The agent retries its model this many times inside one attempt of the node (`withModelRetry`). */
const MODEL_ATTEMPTS = 3;

let restoreClock: (() => void) | undefined;
let dir: string | undefined;
afterEach(() => restoreClock?.());
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Our price 103 against the broker's 100.05: a proven booking error of ours, on one trade. */
async function priceErrorDay() {
  const t = trade({ price: 103 });
  dir = await mkdtemp(join(tmpdir(), "switchyard-cutoff-"));
  await writeDay(dir, dayOf([t], [confirmationOf(t, { price: 100.05 })]));
  return { tradeId: t.tradeId, data: { uri: dir } };
}

/**
 * The risk agent's model, failing its first `failures` calls as a throttled provider would —
 * {@link MODEL_ATTEMPTS} of them fail one attempt of the node — and answering as the offline model after.
 */
class FlakyRiskModel extends OfflinePolicyModel {
  static failures = 0;
  override async _generate(...args: Parameters<OfflinePolicyModel["_generate"]>) {
    if (FlakyRiskModel.failures > 0) {
      FlakyRiskModel.failures--;
      throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    }
    return super._generate(...args);
  }
}

let threads = 0;
/** Runs triage in LangGraph's own loop at `clockAt`, the risk agent's model failing `failures` times. */
async function triageAt(
  clockAt: number,
  failures: number,
  request: Record<string, unknown>,
  telemetry?: Telemetry,
) {
  restoreClock = setClock(() => new Date(clockAt));
  FlakyRiskModel.failures = failures;
  const restoreModels = answerModelsWith((agent) =>
    agent === "triage.risk" ? new FlakyRiskModel({ agent }) : new OfflinePolicyModel({ agent }),
  );
  try {
    const app = triage.graph.compile({ checkpointer: new MemorySaver() });
    const state = (await app.invoke(triage.toState(TriageInput.parse(request)), {
      configurable: { thread_id: `cutoff-${++threads}` },
      ...(telemetry ? { callbacks: [telemetry.callbacks({ rootIsRun: true, workflow: "triage" })] } : {}),
    })) as TriageStateValue;
    return { state };
  } finally {
    restoreModels();
  }
}

describe("triage before a settlement cut-off", () => {
  it("carries the exception's deadline: the DTC affirmation cut-off of its trade date", async () => {
    const request = await priceErrorDay();
    const { state } = await triageAt(CUTOFF - 24 * 60 * MINUTE, 0, request);
    expect(state.deadline).toMatchObject({
      cutoffId: "US_DTC_AFFIRMATION",
      at: "2026-11-25T02:00:00.000Z",
      local: "2026-11-24 21:00 America/New_York",
      tradeId: request.tradeId,
    });
  });

  it("holds and escalates to settlements, naming the trade and the cut-off, when a retry would end too close to it", async () => {
    // Arrange: 20 minutes before the cut-off, inside the 30-minute margin
    const request = await priceErrorDay();
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    // Act
    const { state } = await triageAt(CUTOFF - 20 * MINUTE, MODEL_ATTEMPTS, request, telemetry);
    // Assess
    expect(state.escalation).toMatchObject({
      queue: CUTOFF_QUEUE,
      hold: {
        node: "risk_check",
        tradeId: request.tradeId,
        at: "2026-11-25T02:00:00.000Z",
        local: "2026-11-24 21:00 America/New_York",
      },
    });
    expect(state.escalation?.reason).toContain(`for trade ${request.tradeId}`);
    expect(state.escalation?.reason).toContain("2026-11-24 21:00 America/New_York");
    // The alert: counted (the DeadlineHolds alarm pages on it) and logged naming trade and cut-off,
    // and the held break counted among the exceptions under an hour from their cut-off.
    const captured = telemetry.capture;
    expect(captured?.metrics.sum(CATALOG.deadlineHolds, { Workflow: "triage" })).toBe(1);
    expect(
      captured?.metrics.sum(CATALOG.exceptionsByTimeToCutoff, { Workflow: "triage", Bucket: "under_1h" }),
    ).toBe(1);
    expect(captured?.logs.find((l) => l.message === "work held before its deadline")).toMatchObject({
      subject: request.tradeId,
      deadlineAt: "2026-11-25T02:00:00.000Z",
    });
    // Not retried: the check's one attempt failed, and compliance never ran.
    expect(state.steps.map((s) => s.node)).not.toContain("compliance_check");
  });

  it("retries as before with time to spare: the second attempt clears the check", async () => {
    const request = await priceErrorDay();
    const { state } = await triageAt(CUTOFF - 3 * 60 * MINUTE, MODEL_ATTEMPTS, request);
    expect(state.escalation?.queue ?? null).not.toBe(CUTOFF_QUEUE);
    expect(state.risk).not.toBeNull();
    expect(state.steps.map((s) => s.node)).toContain("compliance_check");
  });

  it("after the cut-off, a check that keeps failing goes to manual triage as it always did", async () => {
    const request = await priceErrorDay();
    const { state } = await triageAt(CUTOFF + 60 * MINUTE, 2 * MODEL_ATTEMPTS, request);
    expect(state.escalation).toMatchObject({ queue: AGENT_DOWN_QUEUE });
    expect(state.escalation?.hold).toBeUndefined();
  });

  it("is never retried on Step Functions either: the node's Task refuses the code before any Retry", () => {
    const { definition } = buildStateMachine(triage);
    const found = JSON.stringify(definition).match(/"Run risk_check":\{.*?"Retry":\[(\{[^}]*\})/);
    const first = JSON.parse(found?.[1] ?? "{}") as { ErrorEquals?: string[]; MaxAttempts?: number };
    expect(first.ErrorEquals).toContain(DEADLINE_AT_RISK);
    expect(first.MaxAttempts).toBe(0);
  });
});
