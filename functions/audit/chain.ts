import { createHash } from "node:crypto";
import { canonicalJson } from "#core";

/**
 * What a run's audit records: the input it started from, every model call (prompt, model,
 * parameters, response, tokens), every tool call (arguments, result, whether it had a side
 * effect), and every approval (who, what, when).
 */
export type AuditKind = "input" | "model" | "tool" | "approval";

/** One thing that happened, before it is placed in the chain. */
export interface AuditEntry {
  readonly kind: AuditKind;
  /** The graph node it happened in, when in one. */
  readonly node?: string;
  /** The LangGraph task (one attempt of a node in a superstep). */
  readonly taskId?: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * An entry placed in a run's chain: numbered from 1, stamped, and hashed together with the hash
 * of the record before it — editing, removing or moving any record breaks every hash after it.
 */
export interface AuditRecord extends AuditEntry {
  readonly runId: string;
  readonly seq: number;
  readonly at: string;
  /** The previous record's hash; {@link GENESIS} for the first. */
  readonly prev: string;
  /** sha256 of the canonical JSON of every other field. */
  readonly hash: string;
}

/** The "previous hash" of a chain's first record. */
export const GENESIS = "0".repeat(64);

/** The hash a record must carry: over all its fields but the hash itself, in canonical JSON. */
export function hashOf(record: Omit<AuditRecord, "hash">): string {
  const { hash: _ignored, ...body } = record as AuditRecord;
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

/**
 * The record that follows `head` (undefined: the chain is empty).
 *
 * @example
 * const first = link(undefined, "run-1", { kind: "input", data: { input: {} } }, new Date());
 * const second = link(first, "run-1", { kind: "tool", data: { tool: "get_trade" } }, new Date());
 * second.prev === first.hash; // true
 */
export function link(head: AuditRecord | undefined, runId: string, entry: AuditEntry, at: Date): AuditRecord {
  const body = {
    runId,
    seq: (head?.seq ?? 0) + 1,
    at: at.toISOString(),
    kind: entry.kind,
    ...(entry.node === undefined ? {} : { node: entry.node }),
    ...(entry.taskId === undefined ? {} : { taskId: entry.taskId }),
    data: entry.data,
    prev: head?.hash ?? GENESIS,
  };
  return { ...body, hash: hashOf(body) };
}

/** What the chain's signature covers: the run, how many records, and the last one's hash. */
export interface ChainHead {
  readonly runId: string;
  readonly seq: number;
  readonly hash: string;
}

/** The bytes a head's signature is made over: its canonical JSON (the signature scheme hashes them). */
export function headBytes(head: ChainHead): Buffer {
  return Buffer.from(canonicalJson({ runId: head.runId, seq: head.seq, hash: head.hash }));
}

/** A signed chain head: the last record the signer vouched for. */
export interface AuditSeal extends ChainHead {
  readonly keyId: string;
  readonly algorithm: string;
  /** Base64. */
  readonly signature: string;
  readonly signedAt: string;
}
