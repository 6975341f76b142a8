/**
 * The tamper-evident decision audit (docs/controls.md): every model call, tool call and approval
 * of a run appended to a per-run hash chain, its head signed (KMS on AWS, a local key here), and
 * checked by recomputing the chain.
 */
export {
  type AuditEntry,
  type AuditKind,
  type AuditRecord,
  type AuditSeal,
  type ChainHead,
  GENESIS,
  hashOf,
  link,
} from "./chain.ts";
export { AuditWriteError, ReplayDivergedError } from "./errors.ts";
export {
  type AuditFromEnvClients,
  type AuditStore,
  auditFromEnv,
  auditStoreFromEnv,
  type LambdaAudit,
} from "./from-env.ts";
export { type AuditLog, dynamoAuditLog, memoryAuditLog, type StoredRecord } from "./log.ts";
export {
  AuditRecorder,
  type AuditRecorderOptions,
  answerEntry,
  auditedPrompt,
  auditRedaction,
  messageRecord,
  promptDigest,
} from "./recorder.ts";
export { AnswerBook, RecordedAnswerModel, type ReplayReport, replayRun } from "./replay.ts";
export {
  KMS_ALGORITHM,
  kmsSigner,
  LOCAL_ALGORITHM,
  localSigner,
  newLocalSigningKey,
  type SealVerifier,
  type Signer,
} from "./signer.ts";
export { type ChainProblem, type ChainReport, verifyChain } from "./verify.ts";
