import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type AuditLog,
  AuditRecorder,
  dynamoAuditLog,
  localSigner,
  newLocalSigningKey,
  type SealVerifier,
  type Signer,
  verifyChain,
} from "#audit";

/** The local AWS's decision audit: the chain in its checkpoint table, seals by a local key. */
export interface LocalAudit {
  readonly log: AuditLog;
  readonly signer: Signer & SealVerifier;
  /** The callback handler every local run carries (local/engine.ts), as a Lambda carries its own. */
  readonly recorder: AuditRecorder;
}

const KEY_FILE = "audit-signing-key.pem";

/**
 * Sets up the audit of the embedded AWS. The Ed25519 signing key lives beside the emulators'
 * state (`<dataDir>/audit-signing-key.pem`, created on first use, owner-only), so a later
 * `switchyard audit verify` checks the seals an earlier `run` made; in memory without a data
 * directory. On AWS the key is a KMS key whose private half never leaves KMS.
 */
export async function localAudit(
  client: DynamoDBClient,
  tableName: string,
  dataDir: string | undefined,
): Promise<LocalAudit> {
  const log = dynamoAuditLog(client, tableName);
  const signer = dataDir
    ? localSigner(await keyIn(dataDir), `local:${join(dataDir, KEY_FILE)}`)
    : localSigner(newLocalSigningKey(), "local:memory");
  return { log, signer, recorder: new AuditRecorder({ log, signer }) };
}

async function keyIn(dataDir: string): Promise<string> {
  const path = join(dataDir, KEY_FILE);
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const pem = newLocalSigningKey();
    // "wx": two processes starting at once cannot both write a key; the loser reads the winner's.
    try {
      await writeFile(path, pem, { mode: 0o600, flag: "wx" });
      return pem;
    } catch (race) {
      if ((race as NodeJS.ErrnoException).code !== "EEXIST") throw race;
      return readFile(path, "utf8");
    }
  }
}

/** What a run report shows of a run's audit: verified now, with the figures and the first problem. */
export interface LocalAuditStatus {
  readonly records: number;
  readonly sealed: number;
  readonly ok: boolean;
  readonly problem?: string;
  readonly keyId: string;
}

/**
 * Verifies a run's chain for its report; undefined when the run recorded nothing (a run that
 * never reached an agent).
 *
 * @example
 * const status = await auditStatusOf(aws.audit, result.threadId); // { ok: true, records: 27, sealed: 27, ... }
 */
export async function auditStatusOf(audit: LocalAudit, runId: string): Promise<LocalAuditStatus | undefined> {
  const report = await verifyChain(audit.log, audit.signer, runId);
  if (report.records === 0) return undefined;
  return {
    records: report.records,
    sealed: report.sealed,
    ok: report.ok,
    keyId: audit.signer.keyId,
    ...(report.problem
      ? { problem: `${report.problem.kind.toUpperCase()} at ${report.problem.at}: ${report.problem.detail}` }
      : {}),
  };
}
