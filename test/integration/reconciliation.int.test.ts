import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BREAK_CATEGORIES, type Break, type Match, type QuarantinedRow, storeOf } from "#trading";
import { type ReconciliationStateValue, reconciliation } from "#workflows";

/**
 * The reconciliation end to end on the embedded AWS: a day in the documented format is put in
 * the (embedded) S3 data bucket, reconciled through the local Step Functions — the state machine
 * CDK deploys, one Lambda per worker — and its outputs are written back to S3. The same run
 * in-process gives the same state.
 */

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "reconciliation" });
});
afterAll(async () => {
  await aws?.stop();
});

async function uploadExampleDay(prefix: string): Promise<string> {
  const dir = "docs/examples/data";
  for (const name of await readdir(dir)) {
    await aws.clients.s3.send(
      new PutObjectCommand({
        Bucket: aws.resources.dataBucket.name,
        Key: `${prefix}${name}`,
        Body: await readFile(join(dir, name)),
      }),
    );
  }
  return `s3://${aws.resources.dataBucket.name}/${prefix}`;
}

async function readJson<T>(uri: string): Promise<T> {
  return JSON.parse(await storeOf(uri).readText(uri)) as T;
}

describe("reconciliation of a day in S3, through the local Step Functions", () => {
  it("finds all twelve categories, quarantines the bad row and writes every output to S3", async () => {
    // Prepare
    const data = await uploadExampleDay("incoming/2026-12-28/");
    const out = `s3://${aws.resources.dataBucket.name}/runs/example-day/`;
    const request = { data: { uri: data }, out, partitionSize: 8 };
    // Act
    const run = await runOnStepFunctions(reconciliation, request, { aws, retryIntervalMs: 1 });
    // Assess
    expect(run.status).toBe("succeeded");
    const state = run.state as ReconciliationStateValue;
    const partitions = state.plan?.partitions.length ?? 0;
    expect(partitions).toBeGreaterThan(1);
    expect(run.stats.invocationsByState["Run match"]).toBe(partitions);
    const breaks = await readJson<Break[]>(`${out}breaks.json`);
    expect(new Set(breaks.map((b) => b.category))).toEqual(new Set(BREAK_CATEGORIES));
    expect(breaks).toHaveLength(16);
    const quarantine = await readJson<QuarantinedRow[]>(`${out}quarantine.json`);
    expect(quarantine).toEqual([
      expect.objectContaining({ file: `${data}trades.csv`, line: 32, field: "tradeDate" }),
    ]);
    const matches = await readJson<Match[]>(`${out}matches.json`);
    expect(matches).toHaveLength(27);
    const csv = await storeOf(out).readText(`${out}breaks.csv`);
    expect(csv.trim().split("\n")).toHaveLength(17);
    expect(state.report?.outputs.breaks).toBe(`${out}breaks.json`);
  });
});

describe("reconciliation on Step Functions (per-node hosting)", () => {
  it("equals the in-process run on a generated day, one worker Lambda per partition", async () => {
    // Prepare: the generated day is written once, in the canonical format, and read back by both.
    const dataset = { trades: 2000 };
    // Act
    const local = await runInProcess(
      reconciliation,
      { dataset, out: ".switchyard/test-runs/in-process/" },
      { aws },
    );
    const distributed = await runOnStepFunctions(
      reconciliation,
      { dataset, out: ".switchyard/test-runs/step-functions/" },
      { aws, retryIntervalMs: 1 },
    );
    // Assess
    expect(local.status).toBe("succeeded");
    expect(distributed.status).toBe("succeeded");
    const a = local.state as ReconciliationStateValue;
    const b = distributed.state as ReconciliationStateValue;
    expect(b.matched).toEqual(a.matched);
    expect(b.report?.byCategory).toEqual(a.report?.byCategory);
    expect(b.report?.breaksFound).toBe(60);
    expect(distributed.supersteps).toBe(local.supersteps);
    expect(distributed.stats.invocationsByState["Run match"]).toBe(b.plan?.partitions.length);
    const breaksOf = (s: ReconciliationStateValue) => readJson<Break[]>(s.report?.outputs.breaks ?? "");
    expect(await breaksOf(b)).toEqual(await breaksOf(a));
  });
});
