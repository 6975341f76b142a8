import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { KMSClient } from "@aws-sdk/client-kms";
import { ConfigurationError, checkpointTableName, type Env, isProductionStage, redactFields } from "#config";
import { type AuditLog, dynamoAuditLog } from "./log.ts";
import { AuditRecorder, answerEntry } from "./recorder.ts";
import { kmsSigner, loadKms, type SealVerifier, type Signer } from "./signer.ts";

/** A Lambda's decision audit: the recorder its runs carry, and how a person's answer goes on the chain. */
export interface LambdaAudit {
  readonly log: AuditLog;
  readonly recorder: AuditRecorder;
  readonly recordAnswer: (threadId: string, answer: unknown) => Promise<void>;
}

export interface AuditFromEnvClients {
  readonly dynamodb?: DynamoDBClient;
  readonly kms?: KMSClient;
}

/** A stage's audit store from the environment: the chain in the checkpoint table, the KMS key that seals it. */
export interface AuditStore {
  readonly log: AuditLog;
  readonly signer: Signer & SealVerifier;
}

/**
 * The stage's audit store (`CHECKPOINT_TABLE`, `AUDIT_SIGNING_KEY_ID`): what the engine writes
 * and the API reads. Without the key, undefined — refused in a production stage.
 *
 * @example
 * const store = auditStoreFromEnv(readEnv()); // the API: { log, verifier: store.signer }
 */
export function auditStoreFromEnv(env: Env, clients: AuditFromEnvClients = {}): AuditStore | undefined {
  const keyId = env.AUDIT_SIGNING_KEY_ID;
  if (keyId === undefined) {
    if (isProductionStage(env.SWITCHYARD_STAGE)) {
      throw new ConfigurationError(
        `AUDIT_SIGNING_KEY_ID is required in production stage "${env.SWITCHYARD_STAGE}": every decision is audited there.`,
      );
    }
    return undefined;
  }
  const dynamodb = clients.dynamodb ?? new DynamoDBClient({ region: env.AWS_REGION });
  // Imported, not bundled into the start (signer.ts): loading begins here, at cold start, so the
  // first seal finds it ready; a stage without a key never loads the KMS SDK.
  const kms = clients.kms ?? loadKms().then(({ KMSClient }) => new KMSClient({ region: env.AWS_REGION }));
  // Handled where a seal awaits it; this keeps a failed load from being an unhandled rejection meanwhile.
  if (kms instanceof Promise) kms.catch(() => undefined);
  return { log: dynamoAuditLog(dynamodb, checkpointTableName(env)), signer: kmsSigner(kms, keyId) };
}

/**
 * The audit of an engine Lambda, from its environment: the chain in the checkpoint table
 * (`CHECKPOINT_TABLE`), each head sealed by the KMS key `AUDIT_SIGNING_KEY_ID` (CDK sets both).
 * Without the key there is no audit — refused in a production stage, where every decision must
 * be on the record, so a function deployed without its key fails at cold start, not silently.
 *
 * @example
 * const audit = auditFromEnv(readEnv()); // at module scope
 * createEngineSteps({ saver, callbacks: [audit.recorder], onAnswer: (t, a) => ... }, getWorkflow);
 */
export function auditFromEnv(env: Env, clients: AuditFromEnvClients = {}): LambdaAudit | undefined {
  const store = auditStoreFromEnv(env, clients);
  if (!store) return undefined;
  const { log, signer } = store;
  const redact = redactFields(env);
  const recorder = new AuditRecorder({
    log,
    signer,
    ...(redact.length > 0 ? { redactFields: redact } : {}),
  });
  const recordAnswer = async (threadId: string, answer: unknown): Promise<void> => {
    await log.append(threadId, answerEntry(answer, { redactFields: redact }));
  };
  return { log, recorder, recordAnswer };
}
