import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, MemorySaver } from "@langchain/langgraph";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FourEyesAsk } from "#agents";
import { bindEffectsLedger, type EffectsLedger, inMemoryEffectsLedger } from "#tools";
import { writeDay } from "#trading/generate";
import { PROPOSER, TriageInput, type TriageStateValue, triage } from "#workflows";
import { businessResult } from "../../local/report/result.ts";
import { treasuryDuplicate as treasuryDuplicateDay } from "../fixtures/trading.ts";

/**
 * Four-eyes approval inside the triage graph: the `human_approval` node counting stamped votes
 * against `TRIAGE_APPROVAL_RULES` — raised again until the policy is met, ended by a rejection,
 * refusing votes that raced past the resume path's check. The votes are given here as a resume
 * path stamps them (`stampVote`); the paths themselves are tested in four-eyes.int.test.ts.
 */

let ledger: EffectsLedger;
let unbind: () => void;
beforeEach(() => {
  ledger = inMemoryEffectsLedger();
  unbind = bindEffectsLedger(ledger);
});
afterEach(() => unbind());
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

const AT = "2026-11-24T15:00:00.000Z";
const vote = (by: string, decision: "approve" | "reject" = "approve", at = AT) => ({ decision, by, at });
type Waiting = TriageStateValue & {
  __interrupt__?: { value: { fourEyes: FourEyesAsk; approvalKey: string } }[];
};

let threads = 0;

/** A duplicate booking of a US Treasury: cancelling it is a government-bond cancel, two approvers. */
async function treasuryDuplicate(extra: Record<string, unknown> = {}) {
  const { day, repeat } = treasuryDuplicateDay();
  const dir = await mkdtemp(join(tmpdir(), "switchyard-four-eyes-"));
  folders.push(dir);
  await writeDay(dir, day);
  const app = triage.graph.compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `four-eyes-${++threads}` } };
  const input = TriageInput.parse({ data: { uri: dir }, tradeId: repeat.tradeId, ...extra });
  const first = (await app.invoke(triage.toState(input), config)) as Waiting;
  const resume = async (answer: unknown) =>
    (await app.invoke(new Command({ resume: answer }), config)) as Waiting;
  return { first, resume, repeat };
}

const askOf = (state: Waiting) => state.__interrupt__?.[0]?.value.fourEyes;

describe("four-eyes in triage", () => {
  it("waits for a second approver on a government-bond cancel, showing who approved, then applies once (M of N)", async () => {
    // Prepare
    const { first, resume, repeat } = await treasuryDuplicate();
    // Act
    const afterJane = await resume(vote("local:ops.jane"));
    const entriesAfterOne = await ledger.entries();
    const done = await resume(vote("iam:arn:aws:iam::123456789012:user/raj"));
    // Assess
    expect(askOf(first)).toMatchObject({
      policy: { rule: "govt-bond-cancel", approvers: 2 },
      excluded: [{ role: "proposer", id: PROPOSER }],
      approvals: [],
      needed: 2,
    });
    expect(askOf(afterJane)).toMatchObject({ approvals: [vote("local:ops.jane")], needed: 1 });
    expect(entriesAfterOne).toEqual([]);
    expect(done.approval).toMatchObject({
      decision: "approve",
      by: "local:ops.jane and iam:arn:aws:iam::123456789012:user/raj",
      approvers: ["local:ops.jane", "iam:arn:aws:iam::123456789012:user/raj"],
    });
    expect(done.effects).toEqual([
      expect.objectContaining({ tool: "cancel_rebook", tradeId: repeat.tradeId }),
    ]);
    expect(await ledger.entries()).toHaveLength(1);
    expect(done.steps.map((s) => s.node).slice(-3)).toEqual(["human_approval", "human_approval", "report"]);
    // The run report says who approved, while waiting and at the end
    const approvalRow = (state: TriageStateValue) =>
      businessResult({ workflow: "triage", state, attempts: [] })
        .tables.flatMap((t) => t.rows)
        .find((r) => r.cells[0] === "Approval")?.cells[1];
    expect(approvalRow(afterJane)).toBe("approved by local:ops.jane; awaiting another person's decision");
    expect(approvalRow(done)).toBe("approve by local:ops.jane and iam:arn:aws:iam::123456789012:user/raj");
  });

  it("does not count the same approver twice when a second vote raced past the check, and asks again", async () => {
    // Prepare
    const { resume } = await treasuryDuplicate();
    await resume(vote("local:ops.jane"));
    // Act
    const again = await resume(vote("local:ops.jane"));
    // Assess
    expect(askOf(again)).toMatchObject({ approvals: [vote("local:ops.jane")], needed: 1 });
    expect(again.steps.at(-1)?.did).toMatch(/^refused local:ops\.jane's approve: .*already approved/);
    expect(await ledger.entries()).toEqual([]);
  });

  it("does not count the proposing agent's own approval", async () => {
    // Prepare
    const { resume } = await treasuryDuplicate();
    // Act
    const self = await resume(vote(PROPOSER));
    // Assess
    expect(askOf(self)).toMatchObject({ approvals: [], needed: 2 });
    expect(self.steps.at(-1)?.did).toMatch(/may not approve/);
  });

  it("ends the action when the second person rejects, applying nothing", async () => {
    // Prepare
    const { resume } = await treasuryDuplicate();
    await resume(vote("local:ops.jane"));
    // Act
    const done = await resume(vote("local:ops.raj", "reject"));
    // Assess
    expect(done.approval).toMatchObject({ decision: "reject", by: "local:ops.raj" });
    expect(done.triageReport).toMatchObject({ outcome: "escalated" });
    expect(done.escalation?.reason).toBe("amendment rejected by local:ops.raj");
    expect(await ledger.entries()).toEqual([]);
  });

  it("escalates instead of applying when a vote was stamped after the request's approveBy", async () => {
    // Prepare
    const { first, resume } = await treasuryDuplicate({ approveBy: "2026-11-24T16:00:00+00:00" });
    // Act
    const done = await resume(vote("local:ops.jane", "approve", "2026-11-24T16:00:01.000Z"));
    // Assess
    expect(askOf(first)?.deadline).toBe("2026-11-24T16:00:00.000Z");
    expect(done.triageReport).toMatchObject({ outcome: "escalated" });
    expect(done.decision?.reason).toMatch(/^not approved by 2026-11-24T16:00:00\.000Z/);
    expect(await ledger.entries()).toEqual([]);
  });

  it("refuses an answer that no resume path stamped (no approver, no time)", async () => {
    // Prepare
    const { resume } = await treasuryDuplicate();
    // Act
    const attempt = resume({ decision: "approve" });
    // Assess
    await expect(attempt).rejects.toMatchObject({ code: "Triage.InvalidDecision" });
  });
});
