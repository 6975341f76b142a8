import type {
  AmendmentProposal,
  ApplyOutcome,
  EffectRecord,
  EffectsLedger,
  LedgerEntry,
} from "./effect-types.ts";
import { IdempotencyConflictError } from "./errors.ts";

/**
 * An {@link EffectsLedger} in this process's memory: for unit tests and single-process runs.
 * The check and the insert happen in one synchronous step, so concurrent applies of one key in
 * this process still apply once — the same guarantee the DynamoDB ledger's conditional write gives.
 *
 * @example
 * const ledger = inMemoryEffectsLedger();
 * (await ledger.apply(effect)).applied; // true
 * (await ledger.apply(effect)).applied; // false — the first result comes back
 */
export function inMemoryEffectsLedger(): EffectsLedger {
  const proposals = new Map<string, AmendmentProposal>();
  const effects = new Map<string, { entry: LedgerEntry }>();
  return {
    async recordProposal(proposal) {
      const existing = proposals.get(proposal.proposalId);
      if (existing) return existing;
      proposals.set(proposal.proposalId, structuredClone(proposal));
      return proposal;
    },
    async proposal(proposalId) {
      const found = proposals.get(proposalId);
      return found && structuredClone(found);
    },
    async apply(effect, now = new Date()): Promise<ApplyOutcome> {
      const slot = effects.get(effect.idempotencyKey);
      if (!slot) {
        const entry = { effect: structuredClone(effect), appliedAt: now.toISOString(), attempts: 1 };
        effects.set(effect.idempotencyKey, { entry });
        return { effect, applied: true };
      }
      if (!sameEffect(slot.entry.effect, effect)) throw new IdempotencyConflictError(effect.idempotencyKey);
      slot.entry = { ...slot.entry, attempts: slot.entry.attempts + 1 };
      return { effect: structuredClone(slot.entry.effect), applied: false };
    },
    async effect(idempotencyKey) {
      const slot = effects.get(idempotencyKey);
      return slot && structuredClone(slot.entry);
    },
    async entries() {
      return [...effects.values()].map(({ entry }) => structuredClone(entry));
    },
  };
}

/** Same call, same effect: the key was derived from the same proposal, trade and tool. */
export function sameEffect(a: EffectRecord, b: EffectRecord): boolean {
  return a.proposalId === b.proposalId && a.tradeId === b.tradeId && a.tool === b.tool;
}
