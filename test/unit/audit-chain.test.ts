import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  type AuditRecord,
  AuditRecorder,
  localSigner,
  memoryAuditLog,
  newLocalSigningKey,
  promptDigest,
  replayRun,
  verifyChain,
} from "#audit";
import { resumeInProcessWith, runInProcessWith } from "#engine";
import { bindEffectsLedger, inMemoryEffectsLedger } from "#tools";
import { writeDay } from "#trading/generate";
import { triage } from "#workflows";
import { confirmationOf, dayOf, INSTRUMENTS, priceOf, trade } from "../fixtures/trading.ts";

/** An answer as a resume path passes it on: stamped with the authenticated approver and the time. */
const APPROVED = {
  decision: "approve",
  by: "local:ops.jane",
  at: "2026-11-24T15:00:00.000Z",
  comment: "matches the broker's confirmation",
};

const signer = localSigner(newLocalSigningKey(), "local:test");
const RUN = "run-audit-1";

/** A chain of five tool records, sealed. */
async function sealedChain() {
  const log = memoryAuditLog();
  let head: AuditRecord | undefined;
  for (let i = 1; i <= 5; i++) {
    head = await log.append(RUN, {
      kind: "tool",
      node: "classify",
      data: { tool: "get_trade", args: { n: i } },
    });
  }
  if (head) await log.putSeal(await signer.seal(head, new Date()));
  return log;
}

const bodies = (log: ReturnType<typeof memoryAuditLog>) => log.items.get(RUN) ?? [];

describe("the audit chain", () => {
  it("links each record to the one before and verifies whole, sealed", async () => {
    // Act
    const log = await sealedChain();
    const report = await verifyChain(log, signer, RUN);

    // Assess
    expect(report).toMatchObject({ ok: true, records: 5, sealed: 5 });
    expect(report.chain.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const [i, r] of report.chain.entries()) if (i > 0) expect(r.prev).toBe(report.chain[i - 1]?.hash);
  });

  it("points at an edited record", async () => {
    const log = await sealedChain();
    const item = bodies(log)[2];
    if (item) bodies(log)[2] = { ...item, body: item.body.replace('"n":3', '"n":30') };

    const report = await verifyChain(log, signer, RUN);

    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject({ at: 3, kind: "altered" });
  });

  it("points at a deleted record, in the middle and at the end", async () => {
    const middle = await sealedChain();
    bodies(middle).splice(1, 1);
    const end = await sealedChain();
    bodies(end).pop();

    expect((await verifyChain(middle, signer, RUN)).problem).toMatchObject({ at: 2, kind: "missing" });
    expect((await verifyChain(end, signer, RUN)).problem).toMatchObject({ at: 5, kind: "missing" });
  });

  it("points at records moved to other positions", async () => {
    const log = await sealedChain();
    const list = bodies(log);
    const [second, third] = [list[1], list[2]];
    if (second && third) {
      list[1] = { position: 2, body: third.body };
      list[2] = { position: 3, body: second.body };
    }

    const report = await verifyChain(log, signer, RUN);

    expect(report.problem).toMatchObject({ at: 2, kind: "reordered" });
    expect(report.problem?.detail).toContain("record 3");
  });

  it("catches a chain rebuilt with fresh hashes: the seal no longer matches, and a forged seal does not verify", async () => {
    // Arrange: record 2 edited and every hash after it recomputed, as an editor with table access could
    const log = await sealedChain();
    const original = bodies(log).map((b) => JSON.parse(b.body) as AuditRecord);
    const rebuilt = memoryAuditLog();
    for (const r of original) {
      await rebuilt.append(RUN, {
        kind: r.kind,
        node: r.node ?? "",
        data: r.seq === 2 ? { tool: "x" } : r.data,
      });
    }
    await rebuilt.putSeal((await log.seal(RUN)) ?? (undefined as never));
    const forger = localSigner(newLocalSigningKey(), "local:test");
    const forged = memoryAuditLog();
    for (const r of original)
      await forged.append(RUN, { kind: r.kind, data: r.seq === 2 ? { tool: "x" } : r.data });
    const head = JSON.parse(bodies(forged).at(-1)?.body ?? "{}") as AuditRecord;
    await forged.putSeal(await forger.seal(head, new Date()));

    // Act
    const withOldSeal = await verifyChain(rebuilt, signer, RUN);
    const withForgedSeal = await verifyChain(forged, signer, RUN);

    // Assess
    expect(withOldSeal.problem).toMatchObject({ kind: "altered", at: 5 });
    expect(withForgedSeal.problem).toMatchObject({ kind: "bad-seal" });
  });

  it("says when nothing vouches for the chain", async () => {
    const log = memoryAuditLog();
    await log.append(RUN, { kind: "input", data: { input: {} } });

    expect((await verifyChain(log, signer, RUN)).problem).toMatchObject({ kind: "unsealed" });
  });
});

describe("the audit recorder on a real run", () => {
  it("records a triage run's input, every model call with its answer and every tool call with its result, sealed", async () => {
    // Act
    const log = memoryAuditLog();
    const recorder = new AuditRecorder({ log, signer });
    const threadId = "audit-triage";
    const result = await runInProcessWith(
      triage,
      {},
      { saver: new MemorySaver(), threadId, callbacks: [recorder] },
    );
    const report = await verifyChain(log, signer, threadId);

    // Assess: the chain verifies and the seal covers all of it
    expect(result.status).not.toBe("failed");
    expect(report.ok, JSON.stringify(report.problem)).toBe(true);
    expect(report.sealed).toBe(report.records);
    const kinds = report.chain.map((r) => r.kind);
    expect(kinds[0]).toBe("input");
    const models = report.chain.filter((r) => r.kind === "model");
    const tools = report.chain.filter((r) => r.kind === "tool");
    expect(models.length).toBeGreaterThan(3);
    expect(tools.length).toBeGreaterThan(3);

    // Assess: each model record holds what the model saw and said, and finds itself by its digest
    for (const m of models) {
      expect(m.node).toBeTruthy();
      expect(m.taskId).toBeTruthy();
      expect(m.data).toMatchObject({ provider: "offline", model: "switchyard-offline-policy" });
      expect(m.data.promptDigest).toBe(promptDigest(m.data.prompt));
      expect((m.data.tokens as { input: number }).input).toBeGreaterThan(0);
      expect(m.data.response).toHaveProperty("role", "ai");
    }
    // Assess: every tool call a model asked for was recorded with its arguments and answer
    const asked = models.flatMap((m) =>
      ((m.data.response as { toolCalls?: { id: string; name: string }[] }).toolCalls ?? []).map((c) => c.id),
    );
    const answered = new Set(tools.map((t) => t.data.toolCallId));
    expect(asked.length).toBeGreaterThan(0);
    for (const id of asked) expect(answered.has(id), `tool call ${id} recorded`).toBe(true);
    expect(tools.every((t) => "result" in t.data || "refused" in t.data)).toBe(true);
  });

  it("records a fix refused for want of approval, then the approved side effect, on one chain", async () => {
    // Arrange: our price 103 against the broker's 100.05 and a close of 100, too large to fix unasked
    const t = trade({ price: 103, quantity: 20_000 });
    const dir = await mkdtemp(join(tmpdir(), "switchyard-audit-"));
    await writeDay(
      dir,
      dayOf(
        [t],
        [confirmationOf(t, { price: 100.05 })],
        [priceOf(INSTRUMENTS.equity.instrumentId, "2026-11-24T21:00:00Z", 100)],
      ),
    );
    const unbind = bindEffectsLedger(inMemoryEffectsLedger());
    const log = memoryAuditLog();
    const options = {
      saver: new MemorySaver(),
      threadId: "audit-fix",
      callbacks: [new AuditRecorder({ log, signer })],
    };
    try {
      // Act
      const first = await runInProcessWith(triage, { data: { uri: dir }, tradeId: t.tradeId }, options);
      const waiting = (await verifyChain(log, signer, "audit-fix")).chain;
      // (the resume entry points — local/engine.ts, the API — put the answer on the chain)
      await log.append("audit-fix", { kind: "approval", data: { answer: APPROVED } });
      const done = await resumeInProcessWith(triage, "audit-fix", APPROVED, options);
      const report = await verifyChain(log, signer, "audit-fix");

      // Assess: while waiting, the refused apply is on record with its approval key, and no side effect ran
      expect(first.status).toBe("waiting");
      const refused = waiting.filter((r) => r.data.refused === "Agents.ApprovalRequired");
      expect(refused.map((r) => r.data.tool)).toEqual(["apply_amendment"]);
      expect(refused[0]?.data.approvalKey).toMatch(/^triage\.fixer:apply_amendment:/);
      expect(waiting.filter((r) => r.data.sideEffect === true && "result" in r.data)).toEqual([]);

      // Assess: after the approval the side effect ran once, under the key that was refused, and
      // the chain (one chain for the run, waiting and resumed) verifies
      expect(done.status).toBe("succeeded");
      expect(report.ok, JSON.stringify(report.problem)).toBe(true);
      const applied = report.chain.filter((r) => r.data.sideEffect === true && "result" in r.data);
      expect(applied.map((r) => r.data.tool)).toEqual(["apply_amendment"]);
      expect(report.chain.slice(0, waiting.length)).toEqual(waiting);

      // Act: replay the recorded decisions, then a record whose model answer was doctored
      const replay = await replayRun({
        runId: "audit-fix",
        chain: report.chain,
        workflow: triage,
        recordedState: done.state,
      });
      const doctored = report.chain.map((r) =>
        r.kind === "model" &&
        r.node === "classify" &&
        typeof (r.data.response as { content?: unknown }).content === "string" &&
        String((r.data.response as { content: string }).content).includes("severity")
          ? {
              ...r,
              data: {
                ...r.data,
                response: {
                  role: "ai",
                  content: String((r.data.response as { content: string }).content)
                    .replace(/"severity":"\w+"/, '"severity":"low"')
                    .replace(/"fixable":true/, '"fixable":false'),
                },
              },
            }
          : r,
      );
      const changed = await replayRun({
        runId: "audit-fix",
        chain: doctored,
        workflow: triage,
        recordedState: done.state,
      });

      // Assess: every answer came from the record, every tool call came back the same, same outcome
      expect(replay.ok, JSON.stringify(replay)).toBe(true);
      expect(replay.modelCalls.replayed).toBe(replay.modelCalls.recorded);
      expect(replay.toolCalls.replayed).toBe(replay.toolCalls.recorded);
      expect(replay.outcome.equal).toBe(true);
      // Assess: a doctored answer does not reproduce the run, and the report says where it parted
      expect(doctored).not.toEqual(report.chain);
      expect(changed.ok).toBe(false);
      expect(
        changed.onlyRecorded.length + changed.onlyReplayed.length + (changed.diverged ? 1 : 0),
      ).toBeGreaterThan(0);
    } finally {
      unbind();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("redacts secrets before storing", async () => {
    const log = memoryAuditLog();
    const recorder = new AuditRecorder({ log, signer, redactFields: ["desk"] });
    await recorder.handleToolStart(
      { lc: 1, type: "not_implemented", id: ["t"] },
      '{"desk":"RATES","apiKey":"abc"}',
      "r1",
      undefined,
      [],
      { thread_id: "t-1" },
      "get_desk",
    );
    await recorder.handleToolEnd("ok", "r1");

    const [record] = (await verifyChain(log, signer, "t-1")).chain;
    expect(record?.data.args).toEqual({ desk: "[REDACTED]", apiKey: "[REDACTED]" });
  });
});
