import { DeleteItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AuditLog,
  type AuditRecord,
  dynamoAuditLog,
  localSigner,
  newLocalSigningKey,
  verifyChain,
} from "#audit";
import { triage } from "#workflows";
import { auditCommand } from "../../cli/audit.ts";

/**
 * The audit chain in the embedded DynamoDB (the checkpoint table, partition `audit#<run>`):
 * writers in separate processes (here, separate log instances with their own cached heads)
 * never fork it, a run on Step Functions — every node in its own Lambda — records the same
 * decisions as the same run in-process, and edits made behind the recorder's back are found.
 */
let aws: LocalAws;
let table: string;
const signer = localSigner(newLocalSigningKey(), "local:audit-int");
beforeAll(async () => {
  aws = await startLocalAws({ stage: "audit" });
  table = aws.resources.checkpointTable.name;
});
afterAll(async () => {
  await aws?.stop();
});

const logOf = (): AuditLog => dynamoAuditLog(aws.clients.dynamodb, table);

/** What was decided, without where or when: the comparable content of a chain. */
const decisions = (chain: readonly AuditRecord[]) =>
  chain
    .filter((r) => r.kind !== "input")
    .map(
      (r) =>
        `${r.kind} ${r.node} ${JSON.stringify(r.data.tool ?? r.data.promptDigest)} ${JSON.stringify(r.data.args ?? "")}`,
    )
    .sort();

describe("the audit chain in DynamoDB", () => {
  it("stays one unbroken chain under concurrent writers, each entry exactly once", async () => {
    // Act: three writers, 20 entries each, all at once
    const writers = [logOf(), logOf(), logOf()];
    await Promise.all(
      writers.flatMap((log, w) =>
        Array.from({ length: 20 }, (_, i) => log.append("run-concurrent", { kind: "tool", data: { w, i } })),
      ),
    );
    const last = (await logOf().stored("run-concurrent")).at(-1);
    await logOf().putSeal(await signer.seal(JSON.parse(last?.body ?? "{}") as AuditRecord, new Date()));
    const report = await verifyChain(logOf(), signer, "run-concurrent");

    // Assess
    expect(report.ok, JSON.stringify(report.problem)).toBe(true);
    expect(report.records).toBe(60);
    const seen = report.chain.map((r) => `${r.data.w}:${r.data.i}`);
    expect(new Set(seen).size).toBe(60);
  });

  it("records every local run by itself: on Step Functions (every node its own Lambda) as in-process", async () => {
    // Act
    const onSfn = await runOnStepFunctions(triage, {}, { aws, threadId: "audit-sfn" });
    const inProcess = await runInProcess(triage, {}, { aws, threadId: "audit-inproc" });
    const sfn = await verifyChain(logOf(), aws.audit.signer, "audit-sfn");
    const reference = await verifyChain(logOf(), aws.audit.signer, "audit-inproc");

    // Assess
    expect(onSfn.status).toBe(inProcess.status);
    expect(sfn.ok, JSON.stringify(sfn.problem)).toBe(true);
    expect(sfn.sealed).toBe(sfn.records);
    expect(sfn.chain[0]?.kind).toBe("input");
    expect(decisions(sfn.chain)).toEqual(decisions(reference.chain));
    expect(decisions(sfn.chain).length).toBeGreaterThan(8);
  });

  it("finds a record edited in the table, and one deleted from it", async () => {
    // Arrange: a run's chain, then an edit and a deletion made directly in DynamoDB
    await runInProcess(triage, {}, { aws, threadId: "audit-tamper" });
    const before = await verifyChain(logOf(), aws.audit.signer, "audit-tamper");
    const third = before.chain[2];
    if (!third) throw new Error("the run recorded fewer than three records");
    const edited = JSON.stringify({ ...third, data: { ...third.data, result: { tampered: true } } });
    await aws.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: "audit#audit-tamper" }, sk: { S: "rec#0000000003" } },
        UpdateExpression: "SET body = :b",
        ExpressionAttributeValues: { ":b": { S: edited } },
      }),
    );
    const afterEdit = await verifyChain(logOf(), aws.audit.signer, "audit-tamper");
    await aws.clients.dynamodb.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { pk: { S: "audit#audit-tamper" }, sk: { S: "rec#0000000002" } },
      }),
    );
    const afterDelete = await verifyChain(logOf(), aws.audit.signer, "audit-tamper");

    // Assess
    expect(before.ok).toBe(true);
    expect(afterEdit.problem).toMatchObject({ at: 3, kind: "altered" });
    expect(afterDelete.problem).toMatchObject({ at: 2, kind: "missing" });
  });
});

describe("switchyard audit", () => {
  const printed: string[] = [];
  const command = (action: "list" | "verify" | "replay", runId: string) =>
    auditCommand({ action, runId, aws, json: false, workflow: triage, out: (t) => printed.push(t) });

  it("lists a run's decisions, verifies them, and replays them to the same outcome", async () => {
    // Arrange: a triage run on Step Functions, as `switchyard run triage` makes one
    await runOnStepFunctions(triage, {}, { aws, threadId: "audit-cli" });

    // Act
    printed.length = 0;
    const codes = [
      await command("list", "audit-cli"),
      await command("verify", "audit-cli"),
      await command("replay", "audit-cli"),
    ];

    // Assess
    expect(codes).toEqual([0, 0, 0]);
    const [list, verify, replay] = printed;
    expect(list).toMatch(/^✓ audit of audit-cli: \d+ records, chain intact/);
    expect(list).toMatch(/# {2}1 .* input /);
    expect(list).toMatch(
      /model +classify +offline\/switchyard-offline-policy in \d+ out \d+ → calls get_trade/,
    );
    expect(list).toMatch(/tool +classify +get_trade \{"tradeId":"T[\d-]+"\} → /);
    expect(verify).toMatch(
      /^✓ audit of audit-cli: (\d+) records, chain intact, seal verifies \(covers \1\)$/,
    );
    expect(replay).toMatch(
      /^✓ reproduced: triage run audit-cli\n {2}model answers from the record: (\d+) of \1\n/,
    );
    expect(replay).toContain("outcome: the same");
  });

  it("exits 1 naming the first bad record once the table was edited, and refuses a run it has no record of", async () => {
    // Arrange
    await runOnStepFunctions(triage, {}, { aws, threadId: "audit-cli-edited" });
    await aws.clients.dynamodb.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { pk: { S: "audit#audit-cli-edited" }, sk: { S: "rec#0000000004" } },
      }),
    );

    // Act
    printed.length = 0;
    const verify = await command("verify", "audit-cli-edited");
    const replay = await command("replay", "audit-cli-edited");

    // Assess
    expect([verify, replay]).toEqual([1, 1]);
    expect(printed[0]).toMatch(/^✗ audit of audit-cli-edited: MISSING at record 4 — no record at position 4/);
    await expect(command("list", "no-such-run")).rejects.toThrow(/no audit records for this run/);
  });
});
