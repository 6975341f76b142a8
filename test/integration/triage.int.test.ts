import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  recoverOnStepFunctions,
  resumeInProcess,
  resumeOnStepFunctions,
  runInProcess,
  runOnStepFunctions,
} from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bindEffectsLedger, dynamoEffectsLedger, type EffectsLedger } from "#tools";
import { writeDay } from "#trading/generate";
import { type TriageStateValue, triage } from "#workflows";
import { confirmationOf, dayOf, trade } from "../fixtures/trading.ts";

/**
 * The triage network on the embedded AWS, over a hand-built canonical day read from disk by
 * every node Lambda: the human-approval route waits and resumes the same on Step Functions as
 * in-process, and the DynamoDB effects ledger keeps an approved amendment to one effect through
 * retries and a redrive of the apply step.
 */
/** Jane's answer; who she is comes from the resume path (`approver`), never from the answer. */
const JANE = { decision: "approve" } as const;
const AS_JANE = { approver: "local:ops.jane", now: () => new Date("2026-11-24T15:00:00Z") } as const;

let aws: LocalAws;
let unbind: (() => void) | undefined;
let dir: string;
/** Our booked price 103 on 20,000 shares, the broker's 100.05, the close 100: our error, $2.06M — four eyes. */
let approval: { data: { uri: string }; tradeId: string };
beforeAll(async () => {
  aws = await startLocalAws({ stage: "triage" });
  dir = await mkdtemp(join(tmpdir(), "switchyard-triage-int-"));
  const t = trade({ quantity: 20_000, price: 103 });
  await writeDay(dir, dayOf([t], [confirmationOf(t, { price: 100.05 })]));
  approval = { data: { uri: dir }, tradeId: t.tradeId };
});
afterEach(() => unbind?.());
afterAll(async () => {
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A DynamoDB ledger in the checkpoint table, under its own namespace so tests do not share effects. */
function aLedger(namespace: string): EffectsLedger {
  return dynamoEffectsLedger({
    client: aws.clients.dynamodb,
    tableName: aws.resources.checkpointTable.name,
    namespace: `${namespace}#`,
  });
}

/** Binds `ledger`, failing its first `crashes` read-backs after an apply: a Lambda dying after the write. */
function bindCrashingAfterApply(ledger: EffectsLedger, crashes: number) {
  let left = crashes;
  unbind = bindEffectsLedger({
    ...ledger,
    async effect(key) {
      if (left-- > 0) throw new Error("Task timed out after the effect landed");
      return ledger.effect(key);
    },
  });
}

describe("triage on the embedded AWS", () => {
  it("human approval: Step Functions waits with the same interrupt and resumes to the same end", async () => {
    // Prepare: each runner applies through its own ledger, so each really writes its effect
    const localLedger = aLedger("local");
    const sfnLedger = aLedger("sfn");
    const input = approval;

    // Act
    unbind = bindEffectsLedger(localLedger);
    const local = await runInProcess(triage, input, { aws });
    const localDone = await resumeInProcess(triage, local.threadId, JANE, { aws, ...AS_JANE });
    unbind();
    unbind = bindEffectsLedger(sfnLedger);
    const distributed = await runOnStepFunctions(triage, input, { aws });
    const distributedDone = await resumeOnStepFunctions(triage, distributed.threadId, JANE, {
      aws,
      ...AS_JANE,
    });

    // Assess
    expect(distributed.status).toBe("waiting");
    expect(distributed.interrupts?.map((i) => i.value)).toEqual(local.interrupts?.map((i) => i.value));
    expect(distributed.interrupts?.[0]?.value).toMatchObject({
      proposal: { tradeId: approval.tradeId, action: "amend_price" },
      tool: "apply_amendment",
    });
    expect(distributed.state).toEqual(local.state);
    expect(distributed.supersteps).toBe(local.supersteps);
    expect(distributedDone.status).toBe("succeeded");
    expect(distributedDone.state).toEqual(localDone.state);
    expect(distributedDone.supersteps).toBe(localDone.supersteps);
    const state = distributedDone.state as unknown as TriageStateValue;
    expect(state.approval).toMatchObject({ ...JANE, by: "local:ops.jane" });
    expect(state.triageReport).toMatchObject({
      outcome: "amended",
      effectsApplied: 1,
      approvedBy: "local:ops.jane",
    });
    for (const ledger of [localLedger, sfnLedger]) {
      expect((await ledger.entries()).map((e) => e.effect)).toEqual(state.effects);
    }
  });

  it("keeps exactly one effect when the apply step is retried, fails, and is redriven", async () => {
    // Prepare: the apply node's Lambda dies after the effect on each of its 3 attempts
    const ledger = aLedger("redrive");
    bindCrashingAfterApply(ledger, 3);
    const waiting = await runOnStepFunctions(triage, approval, { aws });

    // Act
    const failed = await resumeOnStepFunctions(triage, waiting.threadId, JANE, {
      aws,
      ...AS_JANE,
      retryIntervalMs: 1,
    });
    const redriven = await recoverOnStepFunctions(triage, waiting.threadId, { aws, retryIntervalMs: 1 });

    // Assess
    expect(failed.status).toBe("failed");
    expect(failed.stats.invocationsByState["Run human_approval"]).toBe(3);
    expect(redriven.status).toBe("succeeded");
    const entries = await ledger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.attempts).toBe(4);
    expect((redriven.state as unknown as TriageStateValue).effects).toEqual([entries[0]?.effect]);
  });

  it("applies an effect once when two attempts race on the DynamoDB ledger", async () => {
    // Prepare
    const ledger = aLedger("race");
    const effect = {
      effectId: "EFF-race",
      idempotencyKey: "triage.fixer:apply_amendment:race",
      tool: "apply_amendment" as const,
      proposalId: "AMD-00000000000000aa",
      breakId: "b",
      tradeId: "T1",
      action: "amend_price" as const,
      changes: [{ field: "price", from: 1, to: 2 }],
    };
    // Act
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => ledger.apply(effect)));
    // Assess
    expect(outcomes.filter((o) => o.applied)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => JSON.stringify(o.effect))).size).toBe(1);
    expect(await ledger.effect(effect.idempotencyKey)).toMatchObject({ attempts: 10 });
  });
});
