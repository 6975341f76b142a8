import { createHash } from "node:crypto";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import {
  AMENDMENT_ACTIONS,
  type AmendmentProposal,
  type EffectRecord,
  type EffectsLedger,
  type EffectTool,
} from "./effect-types.ts";
import { IdempotencyKeyRequiredError, ProposalMismatchError } from "./errors.ts";
import { TradeIdArg } from "./trading-day/schemas.ts";

const Value = z.union([z.string().max(1_000), z.number().finite()]);
const ChangeSchema = z.object({
  field: z.string().trim().min(1).max(100),
  from: Value,
  to: Value,
});
const ApplySchema = z.object({
  proposalId: z.string().regex(/^AMD-[0-9a-f]{16}$/, "proposalId must be an id propose_amendment returned"),
  tradeId: TradeIdArg,
});

/**
 * A proposal's id: a hash of what it changes, so proposing the same amendment again — a retried
 * node, a replayed superstep — gives the same id, and so the same approval and idempotency key.
 *
 * @example
 * proposalIdOf({ tradeId: "T1", action: "amend_price", changes: [{ field: "price", from: 1, to: 2 }] }); // "AMD-…"
 */
export function proposalIdOf(p: Pick<AmendmentProposal, "tradeId" | "action" | "changes">): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([p.tradeId, p.action, p.changes]))
    .digest("hex");
  return `AMD-${digest.slice(0, 16)}`;
}

/** `propose_amendment`: records a proposed amendment and returns it with its id. Not an effect. */
export function proposeAmendmentTool(ledger: EffectsLedger) {
  return tool(
    async (args): Promise<AmendmentProposal> =>
      ledger.recordProposal({ proposalId: proposalIdOf(args), ...args }),
    {
      name: "propose_amendment",
      description:
        "Record a proposed amendment to a booking (nothing changes on the books). Returns the proposal with its proposalId.",
      schema: z.object({
        breakId: z.string().trim().min(1).max(1_000),
        tradeId: TradeIdArg,
        action: z.enum(AMENDMENT_ACTIONS),
        changes: z.array(ChangeSchema).min(1).max(10),
        rationale: z.string().trim().min(1).max(2_000),
      }),
    },
  );
}

/**
 * An EFFECT tool over a recorded proposal: marked `sideEffect` (the agent runs it only with an
 * approval) and applied through the ledger under the call's idempotency key, so it lands once.
 */
function effectTool(
  ledger: EffectsLedger,
  name: EffectTool,
  accepts: (action: AmendmentProposal["action"]) => boolean,
  description: string,
) {
  return tool(
    async ({ proposalId, tradeId }, config): Promise<EffectRecord> => {
      const idempotencyKey = config?.configurable?.idempotencyKey;
      if (typeof idempotencyKey !== "string" || idempotencyKey === "")
        throw new IdempotencyKeyRequiredError(name);
      const proposal = await ledger.proposal(proposalId);
      if (!proposal) throw new ProposalMismatchError(proposalId, "no such proposal was recorded");
      if (proposal.tradeId !== tradeId)
        throw new ProposalMismatchError(proposalId, `it amends ${proposal.tradeId}`);
      if (!accepts(proposal.action))
        throw new ProposalMismatchError(proposalId, `${name} cannot ${proposal.action}`);
      const effect: EffectRecord = {
        effectId: `EFF-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 16)}`,
        idempotencyKey,
        tool: name,
        proposalId,
        breakId: proposal.breakId,
        tradeId,
        action: proposal.action,
        changes: proposal.changes,
      };
      return (await ledger.apply(effect)).effect;
    },
    { name, description, schema: ApplySchema, metadata: { sideEffect: true } },
  );
}

/** `apply_amendment`: applies a recorded amendment (price, quantity, currency, settle date) to the books. */
export function applyAmendmentTool(ledger: EffectsLedger) {
  return effectTool(
    ledger,
    "apply_amendment",
    (action) => action !== "cancel_booking",
    "Apply a recorded amendment proposal to the booking. Changes the books: needs approval.",
  );
}

/** `cancel_rebook`: cancels a booking (a duplicate) as a recorded proposal says. */
export function cancelRebookTool(ledger: EffectsLedger) {
  return effectTool(
    ledger,
    "cancel_rebook",
    (action) => action === "cancel_booking",
    "Cancel a booking (and rebook it if the proposal says so). Changes the books: needs approval.",
  );
}

/**
 * The amendment tools over one ledger: one to propose (no approval needed) and two effects.
 *
 * @example
 * const tools = createAmendmentTools(inMemoryEffectsLedger());
 * const proposal = await tools.propose_amendment.invoke({ breakId, tradeId, action, changes, rationale });
 */
export function createAmendmentTools(ledger: EffectsLedger) {
  return {
    propose_amendment: proposeAmendmentTool(ledger),
    apply_amendment: applyAmendmentTool(ledger),
    cancel_rebook: cancelRebookTool(ledger),
  };
}

export type AmendmentTools = ReturnType<typeof createAmendmentTools>;
export type AmendmentToolName = keyof AmendmentTools;
