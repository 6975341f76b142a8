import { resumeInProcess, runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bindEffectsLedger, dynamoEffectsLedger, type EffectsLedger } from "#tools";
import { type TriageStateValue, triage } from "#workflows";
import {
  type CheckpointRow,
  forkRun,
  InspectTargetError,
  inspectCommand,
  threadHistory,
} from "../../cli/inspect.ts";
import { localSaver } from "../../local/saver.ts";

/** `switchyard inspect` over triage runs checkpointed in the embedded DynamoDB. */
// On generated days: a fat-fingered booking price of $239k, auto-fixed (seed 13, 2,500 trades),
// and the standard day's largest duplicate booking, whose cancellation waits for a person.
const AUTO_FIX = { dataset: { seed: 13, trades: 2500 }, tradeId: "T20261124-0002276" };
const APPROVAL = { tradeId: "T20261124-0001019" };

let aws: LocalAws;
let ledger: EffectsLedger;
let unbind: () => void;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "inspect" });
  ledger = dynamoEffectsLedger({
    client: aws.clients.dynamodb,
    tableName: aws.resources.checkpointTable.name,
  });
  unbind = bindEffectsLedger(ledger);
});
afterAll(async () => {
  unbind?.();
  await aws?.stop();
});

const ran = (rows: readonly CheckpointRow[], node: string) => rows.find((r) => r.nodes.includes(node));

async function inspect(options: { threadId: string; fork?: string; json?: boolean }) {
  const printed: string[] = [];
  const code = await inspectCommand({
    ...options,
    json: options.json ?? false,
    workflow: triage,
    aws,
    out: (t) => printed.push(t),
  });
  return { code, text: printed.join("\n") };
}

describe("switchyard inspect <threadId>", () => {
  it("lists the checkpoint history: step, source, the node that wrote, the channels it changed", async () => {
    // Prepare
    const run = await runOnStepFunctions(triage, AUTO_FIX, { aws });
    // Act
    const rows = await threadHistory(localSaver(aws), run.threadId);
    const { text } = await inspect({ threadId: run.threadId });
    // Assess
    expect(rows.map((r) => r.step)).toEqual([...rows.map((r) => r.step)].sort((a, b) => b - a));
    expect(rows.at(-1)).toMatchObject({ source: "input", parentId: null });
    for (const [i, row] of rows.slice(0, -1).entries()) expect(row.parentId).toBe(rows[i + 1]?.checkpointId);
    const nodes = rows.flatMap((r) => r.nodes).reverse();
    expect(nodes).toEqual(["detect", "classify", "risk_check", "compliance_check", "auto_fix", "report"]);
    expect(ran(rows, "classify")?.changed).toEqual(
      expect.arrayContaining(["classification", "classifierMemory", "steps"]),
    );
    expect(ran(rows, "auto_fix")?.changed).toEqual(
      expect.arrayContaining(["proposal", "approval", "effects", "fixerMemory", "steps"]),
    );
    expect(ran(rows, "auto_fix")?.changed).not.toContain("classification");
    expect(text).toContain(`Thread ${run.threadId}: ${rows.length} checkpoints, newest first`);
    expect(text).toMatch(/auto_fix → .*effects/);
  });

  it("forks a run from a checkpoint before the apply: a new branch, the history kept, the effect still once", async () => {
    // Prepare
    const run = await runInProcess(triage, AUTO_FIX, { aws });
    const before = await threadHistory(localSaver(aws), run.threadId);
    const forkPoint = ran(before, "compliance_check")?.checkpointId ?? "";
    const key = (run.state as unknown as TriageStateValue).effects[0]?.idempotencyKey ?? "";
    const attemptsBefore = (await ledger.effect(key))?.attempts ?? 0;
    // Act
    const { code, text } = await inspect({ threadId: run.threadId, fork: forkPoint });
    const after = await threadHistory(localSaver(aws), run.threadId);
    // Assess
    expect(code).toBe(0);
    expect(text).toContain(`Forked thread ${run.threadId} at ${forkPoint}: succeeded`);
    expect(after.map((r) => r.checkpointId)).toEqual(
      expect.arrayContaining(before.map((r) => r.checkpointId)),
    );
    const branch = after.filter((r) => !before.some((b) => b.checkpointId === r.checkpointId));
    expect(branch.flatMap((r) => r.nodes).sort()).toEqual(["auto_fix", "report"]);
    expect(after.filter((r) => r.parentId === forkPoint)).toHaveLength(2);
    expect((await ledger.effect(key))?.attempts).toBe(attemptsBefore + 1);
    expect((await ledger.entries()).filter((e) => e.effect.idempotencyKey === key)).toHaveLength(1);
  });

  it("forks from before the approval: the branch waits again and resumes like any run", async () => {
    // Prepare: a run approved and finished
    const waiting = await runInProcess(triage, APPROVAL, { aws });
    await resumeInProcess(
      triage,
      waiting.threadId,
      { decision: "approve" },
      { aws, approver: "local:ops.jane" },
    );
    const forkPoint =
      ran(await threadHistory(localSaver(aws), waiting.threadId), "compliance_check")?.checkpointId ?? "";
    // Act
    const fork = await forkRun(triage, localSaver(aws), waiting.threadId, forkPoint);
    const done = await resumeInProcess(
      triage,
      waiting.threadId,
      { decision: "reject" },
      { aws, approver: "local:ops.raj" },
    );
    // Assess
    expect(fork.result.status).toBe("waiting");
    // The same question; the interrupt ids differ, as they derive from the fork's own checkpoints.
    expect(fork.result.interrupts?.map((i) => i.value)).toEqual(waiting.interrupts?.map((i) => i.value));
    expect(done.status).toBe("succeeded");
    expect((done.state as unknown as TriageStateValue).escalation?.reason).toBe(
      "amendment rejected by local:ops.raj",
    );
  });

  it("refuses an unknown thread or checkpoint with a typed error", async () => {
    // Prepare
    const run = await runInProcess(triage, { dataset: { trades: 100, breakRate: 0 } }, { aws });
    // Act
    const noThread = inspect({ threadId: "no-such-thread" });
    const noCheckpoint = inspect({ threadId: run.threadId, fork: "1f000000-0000-6000-8000-000000000000" });
    // Assess
    await expect(noThread).rejects.toBeInstanceOf(InspectTargetError);
    await expect(noCheckpoint).rejects.toThrow(/has no checkpoint/);
  });

  it("prints JSON for scripts", async () => {
    // Prepare
    const run = await runInProcess(triage, { dataset: { trades: 100, breakRate: 0 } }, { aws });
    // Act
    const { text } = await inspect({ threadId: run.threadId, json: true });
    // Assess
    const parsed = JSON.parse(text) as { threadId: string; checkpoints: CheckpointRow[] };
    expect(parsed.threadId).toBe(run.threadId);
    expect(parsed.checkpoints.flatMap((r) => r.nodes).reverse()).toEqual(["detect", "report"]);
  });
});
