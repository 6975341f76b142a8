/**
 * Data arrival: an S3 "Object Created" event (EventBridge) for a day's manifest.json under the
 * data bucket's incoming/ becomes one run request for the manifest's folder, with a run id a
 * redelivery repeats; any other object (a data file of the day) starts nothing and says why.
 * SQS is mocked (aws-sdk-client-mock).
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { resources } from "#config";
import {
  arrivalFolder,
  decodeEventKey,
  InvalidObjectCreatedEventError,
  parseRunRequest,
  RunRequestSchema,
  runRequestForArrival,
  startRunOnArrival,
} from "#ingress";
import { ARRIVAL_OBJECT } from "../../functions/ingress/data-arrival.ts";

const REQUESTS = "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-requests";
const NOW = new Date("2026-11-24T22:15:00.000Z");
const spec = resources("dev").dataBucket;
const OPTIONS = { bucket: spec.name, incomingPrefix: spec.incomingPrefix, workflow: spec.arrivalWorkflow };
const MANIFEST = "incoming/2026-11-24/manifest.json";

/** The event S3 sends to EventBridge for a new object, as the rule delivers it to the Lambda. */
function objectCreated(key: string, overrides: { id?: string; bucket?: string; sequencer?: string } = {}) {
  return {
    version: "0",
    id: overrides.id ?? "17793124-05d4-b198-2fde-7ededc63b103",
    "detail-type": "Object Created" as const,
    source: "aws.s3" as const,
    account: "123456789012",
    time: "2026-11-24T22:14:58Z",
    region: "eu-west-1",
    resources: [`arn:aws:s3:::${overrides.bucket ?? spec.name}`],
    detail: {
      version: "0",
      bucket: { name: overrides.bucket ?? spec.name },
      object: {
        key,
        size: 5576,
        etag: "b1946ac92492d2347c6235b4d2611184",
        sequencer: overrides.sequencer ?? "00617F08299329D189",
      },
      "request-id": "N4N7GDK58NMKJ12R",
      requester: "123456789012",
      "source-ip-address": "1.2.3.4",
      reason: "PutObject",
    },
  };
}

describe("the spec", () => {
  it("names the stage's data bucket and its two prefixes", () => {
    expect(resources("qa").dataBucket).toMatchObject({
      name: "switchyard-qa-data",
      incomingPrefix: "incoming/",
      outputPrefix: "runs/",
      generatedPrefix: "generated/",
      arrivalWorkflow: "reconciliation",
    });
  });
});

describe("runRequestForArrival", () => {
  it("asks for a reconciliation of the manifest's folder, source s3, a valid run request", () => {
    const arrival = runRequestForArrival(objectCreated(MANIFEST), OPTIONS, NOW);

    if (!("request" in arrival)) throw new Error(`skipped: ${arrival.skipped}`);
    expect(arrival.request).toEqual({
      runId: expect.stringMatching(/^s3-2026-11-24-[0-9a-f]{12}$/),
      workflow: "reconciliation",
      input: { data: { uri: "s3://switchyard-dev-data/incoming/2026-11-24/" } },
      source: "s3",
      idempotencyKey: "17793124-05d4-b198-2fde-7ededc63b103",
      requestedAt: "2026-11-24T22:15:00.000Z",
    });
    expect(RunRequestSchema.parse(arrival.request)).toEqual(arrival.request);
    expect(parseRunRequest(JSON.stringify(arrival.request))).toEqual(arrival.request);
  });

  it("names the same run for every delivery of one manifest write, and a new run when it is uploaded again", () => {
    const runId = (event: ReturnType<typeof objectCreated>) => {
      const a = runRequestForArrival(event, OPTIONS, NOW);
      return "request" in a ? a.request.runId : undefined;
    };
    const first = runId(objectCreated(MANIFEST));

    expect(first).toBeDefined();
    expect(runId(objectCreated(MANIFEST, { id: "another-delivery" }))).toBe(first);
    expect(runId(objectCreated(MANIFEST, { sequencer: "00617F0829932AAAAA" }))).not.toBe(first);
    expect(runId(objectCreated("incoming/2026-11-25/manifest.json"))).not.toBe(first);
  });

  it("starts the day once: its data files start nothing, only its manifest does", () => {
    const day = ["instruments.json", "trades.csv", "confirmations.jsonl", "prices.csv", "mapping.json"];
    for (const file of day) {
      expect(runRequestForArrival(objectCreated(`incoming/2026-11-24/${file}`), OPTIONS, NOW)).toEqual({
        skipped: expect.stringContaining(`not the day's ${ARRIVAL_OBJECT}`),
        key: `incoming/2026-11-24/${file}`,
      });
    }
    expect(runRequestForArrival(objectCreated(MANIFEST), OPTIONS, NOW)).toHaveProperty("request");
  });

  it.each([
    "incoming/2026-11-24/old-manifest.json",
    "incoming/2026-11-24/manifest.json.bak",
    "incoming/2026-11-24/manifest.json/x.csv",
    "incoming/2026-11-24/Manifest.json",
  ])("skips %s, though the rule's wildcard might let it through", (key) => {
    expect(runRequestForArrival(objectCreated(key), OPTIONS, NOW)).toMatchObject({
      skipped: expect.stringContaining("manifest"),
    });
  });

  it("decodes the key as S3 encodes it, and keeps the run id within the pattern", () => {
    const arrival = runRequestForArrival(
      objectCreated(`incoming/desk+a%2Fb/${"x".repeat(90)}/2026-11-24%2Bv2/manifest.json`),
      OPTIONS,
      NOW,
    );

    if (!("request" in arrival)) throw new Error(`skipped: ${arrival.skipped}`);
    expect(arrival.key).toBe(`incoming/desk a/b/${"x".repeat(90)}/2026-11-24+v2/manifest.json`);
    expect(arrival.uri).toBe(`s3://switchyard-dev-data/incoming/desk a/b/${"x".repeat(90)}/2026-11-24+v2/`);
    expect(arrival.request.runId.length).toBeLessThanOrEqual(80);
    expect(decodeEventKey("a+b%20c")).toBe("a b c");
  });

  it.each([
    ["incoming/manifest.json", "not in a folder"],
    ["incoming/2026-11-24/", "not in a folder"],
    ["runs/r1/manifest.json", "not in a folder"],
  ])("starts nothing for %s", (key, reason) => {
    const arrival = runRequestForArrival(objectCreated(key), OPTIONS, NOW);
    expect(arrival).toMatchObject({ skipped: expect.stringContaining(reason) });
  });

  it("starts nothing for another bucket's object", () => {
    const arrival = runRequestForArrival(objectCreated(MANIFEST, { bucket: "someone-elses" }), OPTIONS, NOW);
    expect(arrival).toMatchObject({ skipped: expect.stringContaining("not the data bucket") });
  });

  it("finds the folder: the key up to its last '/', below the incoming prefix", () => {
    expect(arrivalFolder("incoming/2026-11-24/a/b.csv", "incoming/")).toBe("incoming/2026-11-24/a/");
    expect(arrivalFolder("incomingx/2026-11-24/a.csv", "incoming/")).toBeUndefined();
  });
});

describe("startRunOnArrival", () => {
  const sqs = mockClient(SQSClient);
  afterAll(() => sqs.restore());
  const deps = {
    ...OPTIONS,
    sqs: new SQSClient({ region: "eu-west-1" }),
    requestsQueueUrl: REQUESTS,
    now: () => NOW,
  };
  afterEach(() => {
    sqs.reset();
  });

  it("puts the run request on the requests queue", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });

    const outcome = await startRunOnArrival(objectCreated(MANIFEST), deps);

    expect(outcome).toMatchObject({ outcome: "sent", uri: "s3://switchyard-dev-data/incoming/2026-11-24/" });
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(sent?.QueueUrl).toBe(REQUESTS);
    expect(JSON.parse(sent?.MessageBody ?? "{}")).toMatchObject({
      runId: outcome.outcome === "sent" ? outcome.runId : "",
      workflow: "reconciliation",
      source: "s3",
    });
  });

  it("throws when the send fails, so Lambda retries and then dead-letters the event", async () => {
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));

    await expect(startRunOnArrival(objectCreated(MANIFEST), deps)).rejects.toThrow("throttled");
  });

  it("sends nothing for a skipped object, and refuses an event that is not Object Created", async () => {
    expect(await startRunOnArrival(objectCreated("incoming/x.csv"), deps)).toMatchObject({
      outcome: "skipped",
    });
    expect(await startRunOnArrival(objectCreated("incoming/2026-11-24/trades.csv"), deps)).toEqual({
      outcome: "skipped",
      key: "incoming/2026-11-24/trades.csv",
      reason: expect.stringContaining("manifest"),
    });
    await expect(
      startRunOnArrival(
        { ...objectCreated("incoming/2026-11-24/a.csv"), "detail-type": "Object Deleted" },
        deps,
      ),
    ).rejects.toBeInstanceOf(InvalidObjectCreatedEventError);
    await expect(startRunOnArrival({ detail: {} }, deps)).rejects.toMatchObject({
      name: "Switchyard.InvalidObjectCreatedEvent",
      retryable: false,
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
