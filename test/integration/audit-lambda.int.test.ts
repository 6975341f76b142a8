import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditFromEnv, dynamoAuditLog, KMS_ALGORITHM, kmsSigner, verifyChain } from "#audit";
import { readEnv } from "#config";
import type { EngineSteps, SuperstepPlan } from "#engine";
import { writeDay } from "#trading/generate";
import { getWorkflow } from "#workflows";
import { lambdaEngine } from "../../functions/handlers/lambda-engine.ts";
import { setProcessEnv } from "../fixtures/process-env.ts";
import { confirmationOf, dayOf, trade } from "../fixtures/trading.ts";

/**
 * The decision audit as a Lambda wires it from its environment (`AUDIT_SIGNING_KEY_ID`, set by
 * CDK): a triage driven through the engine handlers Step Functions invokes — start, one Lambda
 * per node, commit — puts every model and tool call on the run's chain in the embedded DynamoDB,
 * the operator's answer to the waiting run goes on it before the run goes on, and every head is
 * sealed by KMS (ECDSA P-256; KMS itself is mocked, signing with a key of the test's own).
 */
const KEY_ARN = "arn:aws:kms:us-east-1:000000000000:key/0b9f0c2e-7d7c-4c1e-9d3a-5a1f2b3c4d5e";
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const kms = mockClient(KMSClient);
// As the API stamps it: the authenticated caller and its clock (docs/controls.md, "Four-eyes approval").
const JANE = {
  decision: "approve",
  by: "iam:arn:aws:iam::123456789012:user/ops.jane",
  at: "2026-11-24T20:00:00.000Z",
} as const;

let aws: LocalAws;
let restoreEnv: (() => void) | undefined;
let dir: string;
let engine: EngineSteps;
let tradeId: string;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "audit-lambda" });
  restoreEnv = setProcessEnv({
    ...aws.env,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AUDIT_SIGNING_KEY_ID: KEY_ARN,
    LOG_LEVEL: "SILENT",
  });
  kms.on(SignCommand).callsFake((input: { KeyId: string; Message: Uint8Array; SigningAlgorithm: string }) => {
    if (input.KeyId !== KEY_ARN || input.SigningAlgorithm !== KMS_ALGORITHM)
      throw new Error("wrong key or algorithm");
    return {
      KeyId: KEY_ARN,
      Signature: sign("sha256", input.Message, { key: privateKey, dsaEncoding: "der" }),
    };
  });
  kms
    .on(GetPublicKeyCommand)
    .resolves({ KeyId: KEY_ARN, PublicKey: publicKey.export({ type: "spki", format: "der" }) });
  // Our booked price 103 on 20,000 shares, the broker's 100.05: a large amendment, so the run waits.
  dir = await mkdtemp(join(tmpdir(), "switchyard-audit-lambda-"));
  const t = trade({ quantity: 20_000, price: 103 });
  await writeDay(dir, dayOf([t], [confirmationOf(t, { price: 100.05 })]));
  tradeId = t.tradeId;
  engine = lambdaEngine(getWorkflow);
});
afterAll(async () => {
  kms.restore();
  restoreEnv?.();
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Step Functions' part: every task of a plan to its node function, then the commit, until the run stops. */
async function drive(first: SuperstepPlan, threadId: string): Promise<SuperstepPlan> {
  let plan = first;
  while (plan.status === "running") {
    const results = await Promise.all(
      plan.tasks.map((t) =>
        engine.runNode({
          workflow: "triage",
          threadId,
          checkpointId: plan.checkpointId,
          taskId: t.id,
          node: t.node,
        }),
      ),
    );
    // The plan carries the execution's lease on (as the state machine passes it), so the commit renews it.
    plan = await engine.commit({
      workflow: "triage",
      threadId,
      checkpointId: plan.checkpointId,
      results,
      ...(plan.lease ? { lease: plan.lease } : {}),
    });
  }
  return plan;
}

describe("the decision audit of a Lambda, from its environment", () => {
  it("records a Step Functions-driven run and the answer that resumed it, every head sealed by KMS", async () => {
    // Act: start, wait for a person, answer, finish — as the state machine's Lambda tasks would
    const threadId = "audit-lambda-triage";
    const input = { data: { uri: dir }, tradeId };
    const waiting = await drive(await engine.start({ workflow: "triage", threadId, input }), threadId);
    const done = await drive(await engine.start({ workflow: "triage", threadId, resume: JANE }), threadId);
    const report = await verifyChain(
      dynamoAuditLog(aws.clients.dynamodb, aws.resources.checkpointTable.name),
      kmsSigner(new KMSClient({}), KEY_ARN),
      threadId,
    );

    // Assess
    expect(waiting.status).toBe("waiting");
    expect(done.status).toBe("succeeded");
    expect(report.ok, JSON.stringify(report.problem)).toBe(true);
    expect(report.sealed).toBe(report.records);
    const kinds = report.chain.map((r) => r.kind);
    expect(kinds[0]).toBe("input");
    expect(kinds).toContain("model");
    expect(kinds).toContain("tool");
    const answer = report.chain.findIndex((r) => r.kind === "approval");
    expect(report.chain[answer]?.data.answer).toEqual(JANE);
    // The answer goes on the chain before the run goes on: the amendment applied under it comes after.
    const applies = report.chain.flatMap((r, i) => (r.data.tool === "apply_amendment" ? [i] : []));
    expect(answer).toBeGreaterThan(0);
    expect(Math.max(...applies)).toBeGreaterThan(answer);
    expect(kms.commandCalls(SignCommand).length).toBeGreaterThan(0);
  });

  it("refuses an answer a waiting run cannot take, and records nothing for it", async () => {
    // Arrange: a run that finished, so nothing waits
    const threadId = "audit-lambda-finished";
    await drive(await engine.start({ workflow: "triage", threadId, input: {} }), threadId);
    const log = dynamoAuditLog(aws.clients.dynamodb, aws.resources.checkpointTable.name);
    const before = (await log.stored(threadId)).length;

    // Act
    const resumed = engine.start({ workflow: "triage", threadId, resume: JANE });

    // Assess
    await expect(resumed).rejects.toMatchObject({ code: expect.stringMatching(/NotWaiting/) });
    expect((await log.stored(threadId)).length).toBe(before);
  });
});

describe("auditFromEnv", () => {
  it("is off without a key outside production, and refuses to start without one in production", () => {
    expect(auditFromEnv(readEnv({ SWITCHYARD_STAGE: "dev" }))).toBeUndefined();
    expect(() => auditFromEnv(readEnv({ SWITCHYARD_STAGE: "prod-eu" }))).toThrow(
      /AUDIT_SIGNING_KEY_ID is required/,
    );
  });
});
