import { type AuditRecord, GENESIS, hashOf } from "./chain.ts";
import type { AuditLog, StoredRecord } from "./log.ts";
import type { SealVerifier } from "./signer.ts";

/** What is wrong at the first bad place of a chain. */
export type ChainProblem =
  /** The record's content no longer matches its hash, or its hash no longer matches its successor's `prev`. */
  | "altered"
  /** A position has no record (deleted), including records the seal vouches for past the last one kept. */
  | "missing"
  /** A record sits at another position than the one it was written at. */
  | "reordered"
  /** The seal's signature does not verify, or it vouches for a chain other than this one. */
  | "bad-seal"
  /** There is no seal: nothing vouches the chain was not rebuilt wholesale. */
  | "unsealed";

export interface ChainReport {
  readonly runId: string;
  readonly ok: boolean;
  /** Records read. */
  readonly records: number;
  /** How many records the seal vouches for (0 without one). */
  readonly sealed: number;
  /** The first problem, by position. */
  readonly problem?: { readonly at: number; readonly kind: ChainProblem; readonly detail: string };
  /** The records, decoded (those that parse), in position order. */
  readonly chain: readonly AuditRecord[];
}

/**
 * Recomputes a run's chain from what the store holds and reports the first record that was
 * altered, removed or moved, and whether the signed seal vouches for what is there. Records
 * written after the last seal (a run still going) are checked by their links; the report says
 * how many the seal covers.
 *
 * @example
 * const report = await verifyChain(log, verifier, "run-1");
 * report.ok || console.log(`${report.problem.kind} at record ${report.problem.at}`);
 */
export async function verifyChain(
  log: AuditLog,
  verifier: SealVerifier,
  runId: string,
): Promise<ChainReport> {
  const stored = [...(await log.stored(runId))].sort((a, b) => a.position - b.position);
  const seal = await log.seal(runId);
  const chain: AuditRecord[] = [];
  const report = (problem?: ChainReport["problem"]): ChainReport => ({
    runId,
    ok: problem === undefined,
    records: stored.length,
    sealed: seal?.seq ?? 0,
    ...(problem ? { problem } : {}),
    chain,
  });

  let prev = GENESIS;
  for (const [index, item] of stored.entries()) {
    const expected = index + 1;
    if (item.position !== expected) {
      return report({ at: expected, kind: "missing", detail: `no record at position ${expected}` });
    }
    const record = decode(item);
    if (!record) return report({ at: expected, kind: "altered", detail: "the record is not readable JSON" });
    if (hashOf(record) !== record.hash) {
      return report({ at: expected, kind: "altered", detail: "its content does not match its hash" });
    }
    if (record.runId !== runId || record.seq !== expected) {
      return report({
        at: expected,
        kind: "reordered",
        detail: `it was written as record ${record.seq} of run ${record.runId}`,
      });
    }
    if (record.prev !== prev) {
      return report({ at: expected, kind: "altered", detail: "it does not follow the record before it" });
    }
    chain.push(record);
    prev = record.hash;
  }

  if (!seal) return report({ at: stored.length, kind: "unsealed", detail: "no signed seal for this run" });
  if (seal.runId !== runId || !(await verifier.verify(seal))) {
    return report({ at: seal.seq, kind: "bad-seal", detail: "the seal's signature does not verify" });
  }
  if (seal.seq > chain.length) {
    return report({
      at: chain.length + 1,
      kind: "missing",
      detail: `the seal vouches for ${seal.seq} records; ${chain.length} remain`,
    });
  }
  if (chain[seal.seq - 1]?.hash !== seal.hash) {
    return report({
      at: seal.seq,
      kind: "altered",
      detail: "the chain differs from the one the seal signed",
    });
  }
  return report();
}

function decode(item: StoredRecord): AuditRecord | undefined {
  try {
    return JSON.parse(item.body) as AuditRecord;
  } catch {
    return undefined;
  }
}
