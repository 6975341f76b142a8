import { describe, expect, it } from "vitest";
import { approvalKey, createToolAgent } from "#agents";
import { definePolicy, OfflinePolicyModel, readConversation } from "#models";
import {
  AMENDMENT_ACTIONS,
  bindEffectsLedger,
  createAmendmentTools,
  currentEffectsLedger,
  type EffectRecord,
  type EffectsLedger,
  IdempotencyConflictError,
  IdempotencyKeyRequiredError,
  inMemoryEffectsLedger,
  ProposalMismatchError,
  proposalIdOf,
} from "#tools";
import { FIXER_EFFECT_TOOLS, fixerEffectTools, TRIAGE_TOOLS } from "#workflows";

// Factories -------------------------------------------------------------------------------

const aProposalInput = (overrides: Record<string, unknown> = {}) => ({
  breakId: "PRICE_MISMATCH:T1:price",
  tradeId: "T1",
  action: "amend_price" as const,
  changes: [{ field: "price", from: 101.5, to: 100.25 }],
  rationale: "booked price is off-market",
  ...overrides,
});

const anEffect = (overrides: Partial<EffectRecord> = {}): EffectRecord => ({
  effectId: "EFF-1",
  idempotencyKey: "triage.fixer:apply_amendment:k1",
  tool: "apply_amendment",
  proposalId: "AMD-0000000000000001",
  breakId: "PRICE_MISMATCH:T1:price",
  tradeId: "T1",
  action: "amend_price",
  changes: [{ field: "price", from: 101.5, to: 100.25 }],
  ...overrides,
});

const keyed = (idempotencyKey: string) => ({ configurable: { idempotencyKey } });

async function aRecordedProposal(ledger: EffectsLedger, overrides: Record<string, unknown> = {}) {
  const tools = createAmendmentTools(ledger);
  return { tools, proposal: await tools.propose_amendment.invoke(aProposalInput(overrides)) };
}

// Tests -----------------------------------------------------------------------------------

describe("the in-memory effects ledger", () => {
  it("applies an effect once per idempotency key and returns the first result after", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    // Act
    const first = await ledger.apply(anEffect(), new Date("2026-11-24T18:00:00Z"));
    const again = await ledger.apply(anEffect({ effectId: "EFF-2" }), new Date("2026-11-24T18:05:00Z"));
    // Assess
    expect(first).toEqual({ effect: anEffect(), applied: true });
    expect(again).toEqual({ effect: anEffect(), applied: false });
    expect(await ledger.entries()).toEqual([
      { effect: anEffect(), appliedAt: "2026-11-24T18:00:00.000Z", attempts: 2 },
    ]);
  });

  it("applies once when many attempts of one key race", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    // Act
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => ledger.apply(anEffect())));
    // Assess
    expect(outcomes.filter((o) => o.applied)).toHaveLength(1);
    expect((await ledger.effect(anEffect().idempotencyKey))?.attempts).toBe(20);
  });

  it("refuses a different effect under a key already used", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    await ledger.apply(anEffect());
    // Act
    const attempt = ledger.apply(anEffect({ tradeId: "T2" }));
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(attempt).rejects.toMatchObject({ code: "Tools.IdempotencyConflict" });
  });

  it("hands out copies, so a caller cannot rewrite the record", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    await ledger.apply(anEffect());
    // Act
    const [entry] = await ledger.entries();
    (entry?.effect.changes as unknown as { to: number }[])[0] = { to: 0 } as never;
    // Assess
    expect((await ledger.entries())[0]?.effect.changes).toEqual(anEffect().changes);
  });
});

describe("the amendment tools", () => {
  it("propose_amendment records a proposal whose id is a hash of its content", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    const tools = createAmendmentTools(ledger);
    // Act
    const first = await tools.propose_amendment.invoke(aProposalInput());
    const again = await tools.propose_amendment.invoke(aProposalInput({ rationale: "said differently" }));
    const other = await tools.propose_amendment.invoke(aProposalInput({ tradeId: "T2" }));
    // Assess
    expect(first.proposalId).toMatch(/^AMD-[0-9a-f]{16}$/);
    expect(first.proposalId).toBe(proposalIdOf(aProposalInput()));
    expect(again).toEqual(first);
    expect(other.proposalId).not.toBe(first.proposalId);
    expect(await ledger.proposal(first.proposalId)).toEqual(first);
    expect(tools.propose_amendment.metadata?.sideEffect).toBeUndefined();
  });

  it("marks apply_amendment and cancel_rebook as side effects", () => {
    // Act
    const tools = createAmendmentTools(inMemoryEffectsLedger());
    // Assess
    expect(tools.apply_amendment.metadata).toEqual({ sideEffect: true });
    expect(tools.cancel_rebook.metadata).toEqual({ sideEffect: true });
  });

  it("never applies without an idempotency key", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    const { tools, proposal } = await aRecordedProposal(ledger);
    // Act
    const attempt = tools.apply_amendment.invoke({ proposalId: proposal.proposalId, tradeId: "T1" });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyKeyRequiredError);
    expect(await ledger.entries()).toEqual([]);
  });

  it("applies a recorded proposal once, however often the call is repeated with its key", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    const { tools, proposal } = await aRecordedProposal(ledger);
    const args = { proposalId: proposal.proposalId, tradeId: "T1" };
    // Act: a call, then the same call retried twice
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await tools.apply_amendment.invoke(args, keyed("K1")));
    // Assess
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({
      idempotencyKey: "K1",
      proposalId: proposal.proposalId,
      changes: proposal.changes,
    });
    const entries = await ledger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.attempts).toBe(3);
  });

  it.each([
    ["an unrecorded proposal", { proposalId: "AMD-00000000000000ff" }, /no such proposal/],
    ["another trade's proposal", { tradeId: "T9" }, /it amends T1/],
  ])("refuses %s", async (_label, args, message) => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    const { tools, proposal } = await aRecordedProposal(ledger);
    // Act
    const attempt = tools.apply_amendment.invoke(
      { proposalId: proposal.proposalId, tradeId: "T1", ...args },
      keyed("K"),
    );
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProposalMismatchError);
    await expect(attempt).rejects.toThrow(message);
    expect(await ledger.entries()).toEqual([]);
  });

  it("keeps each effect tool to its own actions", async () => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    const { tools, proposal: cancel } = await aRecordedProposal(ledger, {
      action: "cancel_booking",
      changes: [{ field: "status", from: "NEW", to: "CANCELLED" }],
    });
    // Act
    const wrong = tools.apply_amendment.invoke({ proposalId: cancel.proposalId, tradeId: "T1" }, keyed("K2"));
    const right = await tools.cancel_rebook.invoke(
      { proposalId: cancel.proposalId, tradeId: "T1" },
      keyed("K3"),
    );
    // Assess
    await expect(wrong).rejects.toMatchObject({ code: "Tools.ProposalMismatch" });
    expect(right).toMatchObject({ tool: "cancel_rebook", action: "cancel_booking" });
  });
});

describe("the amendment actions", () => {
  it.each([
    ["amend_price", "apply_amendment", { field: "price", from: 103, to: 100.05 }],
    ["amend_quantity", "apply_amendment", { field: "quantity", from: 100, to: 1000 }],
    ["amend_currency", "apply_amendment", { field: "currency", from: "USD", to: "GBP" }],
    ["amend_settle_date", "apply_amendment", { field: "settleDate", from: "2026-11-27", to: "2026-11-25" }],
    ["cancel_booking", "cancel_rebook", { field: "status", from: "NEW", to: "CANCELLED" }],
  ] as const)("%s is proposed and applied by %s", async (action, tool, change) => {
    // Prepare
    const ledger = inMemoryEffectsLedger();
    const { tools, proposal } = await aRecordedProposal(ledger, { action, changes: [change] });
    // Act
    const effect = await tools[tool].invoke(
      { proposalId: proposal.proposalId, tradeId: "T1" },
      keyed(`K-${action}`),
    );
    // Assess
    expect(AMENDMENT_ACTIONS).toContain(action);
    expect(effect).toMatchObject({ tool, action, changes: [change] });
  });

  it("refuses an action that is not a fix of ours, and an unbounded rationale", async () => {
    // Prepare
    const tools = createAmendmentTools(inMemoryEffectsLedger());
    // Act
    const remark = tools.propose_amendment.invoke(aProposalInput({ action: "refresh_price" }));
    const essay = tools.propose_amendment.invoke(aProposalInput({ rationale: "x".repeat(2_001) }));
    // Assess
    await expect(remark).rejects.toThrow(/action/);
    await expect(essay).rejects.toThrow(/rationale/);
  });
});

describe("the fixer's allowlist and the agents' approval contract", () => {
  it("grants the amendment tools to the fixer only", () => {
    // Act
    const granted = fixerEffectTools(inMemoryEffectsLedger());
    // Assess
    expect(Object.keys(granted).sort()).toEqual([...FIXER_EFFECT_TOOLS].sort());
    const amendmentTools = Object.keys(createAmendmentTools(inMemoryEffectsLedger()));
    const readGrants: readonly string[] = Object.values(TRIAGE_TOOLS).flat();
    expect(amendmentTools.filter((name) => readGrants.includes(name))).toEqual([]);
  });

  it("runs apply_amendment only with the call's approval, and passes the key as the idempotency key", async () => {
    // Prepare: a model that proposes, then asks to apply what it proposed
    const ledger = inMemoryEffectsLedger();
    const policy = definePolicy("propose-then-apply", (messages) => {
      const { calls } = readConversation(messages);
      const proposal = calls.find((c) => c.name === "propose_amendment")?.result as
        | { proposalId: string }
        | undefined;
      if (!proposal) return { toolCalls: [{ name: "propose_amendment", args: aProposalInput() }] };
      if (!calls.some((c) => c.name === "apply_amendment")) {
        return {
          toolCalls: [{ name: "apply_amendment", args: { proposalId: proposal.proposalId, tradeId: "T1" } }],
        };
      }
      return { final: "done" };
    });
    const agent = createToolAgent({
      name: "triage.fixer",
      model: new OfflinePolicyModel({ agent: "triage.fixer", policy }),
      tools: Object.values(fixerEffectTools(ledger)),
      logger: { warn: () => {} },
    });
    // Act
    const unapproved = await agent.invoke("fix T1");
    const key = unapproved.pendingApprovals[0]?.key ?? "";
    const approved = await agent.invoke("fix T1", { approvals: [key] });
    // Assess
    const proposalId = proposalIdOf(aProposalInput());
    expect(key).toBe(approvalKey("triage.fixer", "apply_amendment", { proposalId, tradeId: "T1" }));
    expect(unapproved.toolCalls.map((c) => c.refused ?? "ran")).toEqual(["ran", "Agents.ApprovalRequired"]);
    expect(approved.executedApprovals).toEqual([key]);
    expect((await ledger.entries()).map((e) => e.effect.idempotencyKey)).toEqual([key]);
  });
});

describe("the ledger in force", () => {
  it("is the bound one until unbound, then the one before", () => {
    // Prepare
    const outer = inMemoryEffectsLedger();
    const inner = inMemoryEffectsLedger();
    const unbindOuter = bindEffectsLedger(outer);
    // Act
    const unbindInner = bindEffectsLedger(inner);
    const whileInner = currentEffectsLedger();
    unbindInner();
    const afterInner = currentEffectsLedger();
    unbindOuter();
    // Assess
    expect(whileInner).toBe(inner);
    expect(afterInner).toBe(outer);
  });

  it("refuses to fall back to memory in a Lambda without a table", () => {
    // Act
    const attempt = () => currentEffectsLedger({ AWS_LAMBDA_FUNCTION_NAME: "switchyard-dev-triage-node" });
    // Assess
    expect(attempt).toThrow(/CHECKPOINT_TABLE/);
  });
});
