import { z } from "zod";
import { type AuditLog, type SealVerifier, verifyChain } from "#audit";
import { NoAuditError } from "./errors.ts";

/** Where the API reads a run's decision audit, and how it checks the seal (docs/controls.md). */
export interface AuditPort {
  readonly log: AuditLog;
  readonly verifier: SealVerifier;
}

const AuditRecordSchema = z.object({
  seq: z.number().int(),
  kind: z.enum(["input", "model", "tool", "approval"]),
  node: z.string().optional(),
  taskId: z.string().optional(),
  at: z.string(),
  prev: z.string(),
  hash: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** `GET /runs/{id}/audit`: the chain verified now, and a page of its records in order. */
export const AuditTrailSchema = z.strictObject({
  runId: z.string(),
  /** The whole chain recomputed and its seal's signature checked, as `switchyard audit verify` does. */
  verified: z.boolean(),
  records: z.number().int(),
  /** How many records the signed seal vouches for. */
  sealed: z.number().int(),
  /** The first altered, missing or reordered record, a bad seal, or records not yet sealed. */
  problem: z
    .strictObject({
      at: z.number().int(),
      kind: z.enum(["altered", "missing", "reordered", "bad-seal", "unsealed"]),
      detail: z.string(),
    })
    .optional(),
  /** This page: records `from` … `from + limit - 1`. */
  entries: z.array(AuditRecordSchema),
  /** The `from` of the next page, when there is one. */
  next: z.number().int().optional(),
});
export type AuditTrail = z.infer<typeof AuditTrailSchema>;

/**
 * A run's decision audit: every record verified (hash chain and signed seal), then the page
 * asked for. Model prompts and tool results were redacted before they were stored.
 *
 * @throws NoAuditError when the API has no audit configured, or the run recorded nothing.
 */
export async function readAuditTrail(
  audit: AuditPort | undefined,
  runId: string,
  page: { from: number; limit: number },
): Promise<AuditTrail> {
  if (!audit) throw new NoAuditError(runId, "this API is not configured with the audit signing key");
  const report = await verifyChain(audit.log, audit.verifier, runId);
  if (report.records === 0)
    throw new NoAuditError(runId, "no records (an unknown run, or one that reached no agent yet)");
  const entries = report.chain.filter((r) => r.seq >= page.from).slice(0, page.limit);
  const last = entries.at(-1)?.seq;
  const more = last !== undefined && report.chain.some((r) => r.seq > last);
  return {
    runId,
    verified: report.ok,
    records: report.records,
    sealed: report.sealed,
    ...(report.problem ? { problem: report.problem } : {}),
    entries: entries as AuditTrail["entries"],
    ...(more && last !== undefined ? { next: last + 1 } : {}),
  };
}
