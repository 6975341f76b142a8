import { readdir, readFile } from "node:fs/promises";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunRequest, type RunRequest } from "#ingress";
import { checkDataRef } from "#trading";
import { s3Store } from "../../functions/trading/store/index.ts";
import { setProcessEnv } from "../fixtures/process-env.ts";

/**
 * The data-arrived Lambda, configured by its environment alone (as the ops stack sets it; the
 * embedded AWS stands in), uploaded a day as docs/data.md has it — the data files first, the
 * manifest last: the data files start nothing, the manifest puts one run request on the
 * requests queue, for the day's folder in the data bucket, complete by then.
 */
type Outcome = { outcome: string; runId?: string; uri?: string; key?: string; reason?: string };
type Handler = { handler: (event: unknown) => Promise<Outcome> };
const EXAMPLE_DAY = new URL("../../docs/examples/data/", import.meta.url);
let aws: LocalAws;
let restoreEnv: (() => void) | undefined;
let dataArrived: Handler;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "arrivals" });
  restoreEnv = setProcessEnv({ ...aws.env, AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
  dataArrived = await import("../../functions/handlers/data-arrived.ts");
});
afterAll(async () => {
  restoreEnv?.();
  await aws?.stop();
});

/** The event S3 sends EventBridge for a new object, as the rule delivers it. */
function objectCreated(key: string, sequencer: string, id = `evt-${sequencer}`) {
  return {
    version: "0",
    id,
    "detail-type": "Object Created",
    source: "aws.s3",
    time: "2026-12-28T22:14:58Z",
    detail: { bucket: { name: aws.resources.dataBucket.name }, object: { key, size: 12, sequencer } },
  };
}

/** Every run request on the requests queue now (received until a receive comes back empty). */
async function receiveRequests(): Promise<RunRequest[]> {
  const requests: RunRequest[] = [];
  for (;;) {
    const received = await aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queueUrls[aws.resources.requestsQueue.name],
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    if (!received.Messages?.length) return requests;
    requests.push(...received.Messages.map((m) => parseRunRequest(m.Body ?? "")));
  }
}

describe("data-arrived handler", () => {
  it("starts one reconciliation per day, when its manifest (uploaded last) arrives", async () => {
    const bucket = aws.resources.dataBucket.name;
    const folder = "incoming/2026-12-28/";
    const store = s3Store(aws.clients.s3);
    const files = (await readdir(EXAMPLE_DAY)).sort(
      (a, b) => Number(a === "manifest.json") - Number(b === "manifest.json"),
    );
    expect(files.at(-1)).toBe("manifest.json");

    const outcomes: Outcome[] = [];
    for (const [i, file] of files.entries()) {
      await store.write(`s3://${bucket}/${folder}${file}`, await readFile(new URL(file, EXAMPLE_DAY)));
      outcomes.push(await dataArrived.handler(objectCreated(`${folder}${file}`, `00617F0829932${i}`)));
    }
    const requests = await receiveRequests();

    expect(outcomes.slice(0, -1).map((o) => o.outcome)).toEqual(files.slice(0, -1).map(() => "skipped"));
    expect(outcomes.slice(0, -1)[0]?.reason).toMatch(/manifest/);
    const sent = outcomes.at(-1);
    expect(sent).toMatchObject({
      outcome: "sent",
      key: `${folder}manifest.json`,
      uri: `s3://${bucket}/${folder}`,
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      runId: sent?.runId,
      workflow: "reconciliation",
      source: "s3",
      input: { data: { uri: `s3://${bucket}/${folder}` } },
    });
    // The day is complete when its run is asked for: every file there, and it checks as a day.
    const uri = (requests[0]?.input as { data: { uri: string } } | undefined)?.data.uri ?? "";
    expect(await store.list(uri)).toEqual(files.map((f) => `s3://${bucket}/${folder}${f}`).sort());
    await expect(checkDataRef({ uri })).resolves.toBeDefined();
  });

  it("names the same run when the manifest's event is delivered again, a new one when it is uploaded again", async () => {
    const key = "incoming/2026-12-29/manifest.json";
    const first = await dataArrived.handler(objectCreated(key, "00617F08299329D189", "delivery-1"));
    const again = await dataArrived.handler(objectCreated(key, "00617F08299329D189", "delivery-2"));
    const reuploaded = await dataArrived.handler(objectCreated(key, "00617F0829932AAAAA", "delivery-3"));
    const requests = await receiveRequests();

    expect(again.runId).toBe(first.runId);
    expect(reuploaded.runId).not.toBe(first.runId);
    expect(requests.map((r) => r.runId).sort()).toEqual([first.runId, again.runId, reuploaded.runId].sort());
  });

  it("starts nothing for an object outside a day folder", async () => {
    const outcome = await dataArrived.handler({
      id: "e2",
      "detail-type": "Object Created",
      source: "aws.s3",
      detail: { bucket: { name: aws.resources.dataBucket.name }, object: { key: "incoming/manifest.json" } },
    });
    expect(outcome).toMatchObject({ outcome: "skipped" });
    expect(await receiveRequests()).toEqual([]);
  });
});
