/**
 * The records of amendments and their effects on the books. Plain JSON, so they can live in
 * graph state and in a DynamoDB item alike.
 */

/**
 * What an amendment does to one of our bookings: correct one economic field to the value the
 * facts proved, or cancel a duplicate booking.
 */
export const AMENDMENT_ACTIONS = [
  "amend_price",
  "amend_quantity",
  "amend_currency",
  "amend_settle_date",
  "cancel_booking",
] as const;
export type AmendmentAction = (typeof AMENDMENT_ACTIONS)[number];

export interface FieldChange {
  readonly field: string;
  readonly from: string | number;
  readonly to: string | number;
}

/** A proposed amendment: recorded, never applied by itself. Its id is a hash of its content. */
export interface AmendmentProposal {
  readonly proposalId: string;
  readonly breakId: string;
  readonly tradeId: string;
  readonly action: AmendmentAction;
  readonly changes: readonly FieldChange[];
  readonly rationale: string;
}

/** The side-effect tools, by the effect they have on the books. */
export type EffectTool = "apply_amendment" | "cancel_rebook";

/** One effect applied to the books, identified by the idempotency key of the call that applied it. */
export interface EffectRecord {
  readonly effectId: string;
  readonly idempotencyKey: string;
  readonly tool: EffectTool;
  readonly proposalId: string;
  readonly breakId: string;
  readonly tradeId: string;
  readonly action: AmendmentAction;
  readonly changes: readonly FieldChange[];
}

/** What applying an effect returned: the effect as first applied, and whether this call applied it. */
export interface ApplyOutcome {
  readonly effect: EffectRecord;
  /** False when the key was already in the ledger: nothing was applied, the first result is returned. */
  readonly applied: boolean;
}

/** An effect as the ledger keeps it, with its audit fields. */
export interface LedgerEntry {
  readonly effect: EffectRecord;
  /** When the effect was first applied (ISO 8601). */
  readonly appliedAt: string;
  /** Every call that carried this key: 1 + the repeats that were suppressed. */
  readonly attempts: number;
}

/**
 * THE EXACTLY-ONCE PORT. `apply` records an effect under its idempotency key if, and only if,
 * no effect has that key yet — atomically, in one conditional write — so a retried Lambda, a
 * redriven execution or a replayed superstep that applies the same call again gets the first
 * result back and changes nothing.
 */
export interface EffectsLedger {
  /** Records a proposal; recording the same proposal again is a no-op. */
  recordProposal(proposal: AmendmentProposal): Promise<AmendmentProposal>;
  proposal(proposalId: string): Promise<AmendmentProposal | undefined>;
  /** Applies `effect` once per `effect.idempotencyKey`; see {@link ApplyOutcome}. */
  apply(effect: EffectRecord, now?: Date): Promise<ApplyOutcome>;
  /** The effect applied under `idempotencyKey`, if any. */
  effect(idempotencyKey: string): Promise<LedgerEntry | undefined>;
  /** Every applied effect (an audit read, not a hot path). */
  entries(): Promise<LedgerEntry[]>;
}
