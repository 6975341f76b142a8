import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import type { KMSClient } from "@aws-sdk/client-kms";
import { type AuditSeal, type ChainHead, headBytes } from "./chain.ts";

/**
 * Signs chain heads. On AWS a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): the private key
 * never leaves KMS, so whoever can edit the table still cannot forge a seal. Locally an Ed25519
 * key in the local AWS's data directory, its key id saying so.
 */
export interface Signer {
  readonly keyId: string;
  seal(head: ChainHead, at: Date): Promise<AuditSeal>;
}

/** Checks seals, with the public key only. */
export interface SealVerifier {
  verify(seal: AuditSeal): Promise<boolean>;
}

export const LOCAL_ALGORITHM = "ED25519";
export const KMS_ALGORITHM = "ECDSA_SHA_256";

/**
 * A signer with a local Ed25519 key (PEM, PKCS#8).
 *
 * @example
 * const signer = localSigner(newLocalSigningKey(), "local:memory");
 */
export function localSigner(privateKeyPem: string, keyId: string): Signer & SealVerifier {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  return {
    keyId,
    async seal(head, at) {
      const signature = sign(null, headBytes(head), privateKey).toString("base64");
      return { ...pick(head), keyId, algorithm: LOCAL_ALGORITHM, signature, signedAt: at.toISOString() };
    },
    async verify(seal) {
      return seal.algorithm === LOCAL_ALGORITHM && verify(null, headBytes(seal), publicKey, decode(seal));
    },
  };
}

/** A fresh Ed25519 private key, PEM. */
export function newLocalSigningKey(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

let kmsModule: Promise<typeof import("@aws-sdk/client-kms")> | undefined;

/**
 * The KMS SDK, imported once per process on first use (never bundled into a Lambda's start):
 * every seal and the client's construction share the one load.
 */
export function loadKms(): Promise<typeof import("@aws-sdk/client-kms")> {
  kmsModule ??= import("@aws-sdk/client-kms");
  return kmsModule;
}

/**
 * A signer backed by a KMS key: `Sign` (ECDSA with SHA-256) over the head's canonical bytes;
 * verification with the key's public half, fetched once, so checking needs `kms:GetPublicKey`.
 * The client may still be loading (`auditStoreFromEnv` starts it at cold start): the KMS SDK is
 * imported, never bundled into a Lambda's start, so a stage without an audit key never loads it.
 */
export function kmsSigner(client: KMSClient | Promise<KMSClient>, keyId: string): Signer & SealVerifier {
  let publicKey: Promise<KeyObject> | undefined;
  return {
    keyId,
    async seal(head, at) {
      const { SignCommand } = await loadKms();
      const out = await (await client).send(
        new SignCommand({
          KeyId: keyId,
          Message: headBytes(head),
          MessageType: "RAW",
          SigningAlgorithm: KMS_ALGORITHM,
        }),
      );
      const signature = Buffer.from(out.Signature ?? new Uint8Array()).toString("base64");
      return { ...pick(head), keyId, algorithm: KMS_ALGORITHM, signature, signedAt: at.toISOString() };
    },
    async verify(seal) {
      if (seal.algorithm !== KMS_ALGORITHM) return false;
      publicKey ??= loadKms().then(async ({ GetPublicKeyCommand }) => {
        const out = await (await client).send(new GetPublicKeyCommand({ KeyId: keyId }));
        return createPublicKey({
          key: Buffer.from(out.PublicKey ?? new Uint8Array()),
          format: "der",
          type: "spki",
        });
      });
      return verify("sha256", headBytes(seal), { key: await publicKey, dsaEncoding: "der" }, decode(seal));
    },
  };
}

const pick = (head: ChainHead): ChainHead => ({ runId: head.runId, seq: head.seq, hash: head.hash });
const decode = (seal: AuditSeal) => Buffer.from(seal.signature, "base64");
