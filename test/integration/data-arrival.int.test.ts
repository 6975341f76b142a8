import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunRequest } from "#ops";
import { s3Store } from "../../functions/trading/store/index.ts";

/**
 * The data-arrived Lambda, configured by its environment alone (as the ops stack sets it; the
 * embedded AWS stands in), turns an S3 Object Created event for a file of a day into a run
 * request the dispatcher accepts, for that day's folder in the data bucket.
 */
type Handler = { handler: (event: unknown) => Promise<{ outcome: string; runId?: string; uri?: string }> };
let aws: LocalAws;
let dataArrived: Handler;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "arrivals" });
  Object.assign(process.env, aws.env, { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
  dataArrived = await import("../../functions/handlers/data-arrived.ts");
});
afterAll(async () => {
  await aws?.stop();
});

describe("data-arrived handler", () => {
  it("puts a reconciliation request for the object's folder on the requests queue", async () => {
    const bucket = aws.resources.dataBucket.name;
    const key = "incoming/2026-11-24/trades.csv";
    await s3Store(aws.clients.s3).write(`s3://${bucket}/${key}`, "tradeId\nT-1\n");

    const outcome = await dataArrived.handler({
      version: "0",
      id: "9f1c6f0e-6f0b-4c7e-9d0a-2b8f3c1d4e5f",
      "detail-type": "Object Created",
      source: "aws.s3",
      time: "2026-11-24T22:14:58Z",
      detail: { bucket: { name: bucket }, object: { key, size: 12, sequencer: "00617F08299329D189" } },
    });
    const received = await aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queueUrls[aws.resources.requestsQueue.name],
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    const request = parseRunRequest(received.Messages?.[0]?.Body ?? "");

    expect(outcome).toMatchObject({ outcome: "sent", uri: `s3://${bucket}/incoming/2026-11-24/` });
    expect(request).toMatchObject({
      runId: outcome.runId,
      workflow: "reconciliation",
      source: "s3",
      input: { data: { uri: `s3://${bucket}/incoming/2026-11-24/` } },
    });
    expect(await s3Store(aws.clients.s3).list((request.input as { data: { uri: string } }).data.uri)).toEqual(
      [`s3://${bucket}/${key}`],
    );
  });

  it("starts nothing for an object outside a day folder", async () => {
    const outcome = await dataArrived.handler({
      id: "e2",
      "detail-type": "Object Created",
      source: "aws.s3",
      detail: { bucket: { name: aws.resources.dataBucket.name }, object: { key: "incoming/readme.txt" } },
    });
    expect(outcome).toMatchObject({ outcome: "skipped" });
  });
});
