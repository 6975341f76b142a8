import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetBucketLifecycleConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  DataNotFoundError,
  joinUri,
  s3ClientFromEnv,
  s3Store,
  storeFor,
} from "../../functions/trading/store/index.ts";

/** The data store on the embedded S3: the provisioned data bucket, through the real SDK client. */
describe("s3Store on the embedded AWS", () => {
  let aws: LocalAws;
  let root: string;
  beforeAll(async () => {
    aws = await startLocalAws({ stage: "store" });
    root = `s3://${aws.resources.dataBucket.name}/`;
  });
  afterAll(async () => {
    await aws?.stop();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("provisions the data bucket from the resource module, with its lifecycle, and says so in env", async () => {
    const lifecycle = await aws.clients.s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: aws.resources.dataBucket.name }),
    );

    expect(aws.resources.dataBucket.name).toBe("switchyard-store-data");
    expect(aws.env.DATA_BUCKET).toBe("switchyard-store-data");
    expect(aws.env.AWS_ENDPOINT_URL_S3).toBe(aws.endpoints.s3);
    expect(aws.endpoints.s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lifecycle.Rules?.map((r) => r.ID).sort()).toEqual([
      "abort-incomplete-uploads",
      "expire-engine-objects",
      "expire-old-versions",
    ]);
    expect(lifecycle.Rules?.find((r) => r.ID === "expire-engine-objects")).toMatchObject({
      Filter: { Prefix: aws.resources.dataBucket.engineObjects.prefix },
      Expiration: { Days: aws.resources.dataBucket.engineObjects.expireDays },
    });
  });

  it("writes, lists, opens and reads a day back", async () => {
    const store = s3Store(aws.clients.s3);
    const day = joinUri(root, aws.resources.dataBucket.incomingPrefix, "2026-11-24/");
    await store.write(joinUri(day, "trades.jsonl"), '{"tradeId":"T-1"}\n{"tradeId":"T-2"}\n');
    await store.write(joinUri(day, "confirmations.csv"), "tradeId,price\nT-1,101.5\n");
    await store.write(joinUri(day, "extra/prices.json"), new TextEncoder().encode("[]"));

    const listed = await store.list(day);
    const chunks: Uint8Array[] = [];
    for await (const chunk of await store.open(joinUri(day, "confirmations.csv"))) chunks.push(chunk);

    expect(listed).toEqual([
      `${root}incoming/2026-11-24/confirmations.csv`,
      `${root}incoming/2026-11-24/extra/prices.json`,
      `${root}incoming/2026-11-24/trades.jsonl`,
    ]);
    expect(Buffer.concat(chunks).toString()).toBe("tradeId,price\nT-1,101.5\n");
    expect(await store.readText(joinUri(day, "trades.jsonl"))).toBe('{"tradeId":"T-1"}\n{"tradeId":"T-2"}\n');
    expect(await store.list(joinUri(day, "trades.jsonl"))).toEqual([joinUri(day, "trades.jsonl")]);
    expect(await store.exists(joinUri(day, "trades.jsonl"))).toBe(true);
    expect(await store.exists(joinUri(day, "absent.csv"))).toBe(false);
  });

  it("lists past one page of ListObjectsV2 (over 1,000 keys)", async () => {
    const store = s3Store(aws.clients.s3);
    const folder = joinUri(root, "runs", "paged/");
    const names = Array.from({ length: 1005 }, (_, i) => `part-${String(i).padStart(4, "0")}.json`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((n) => store.write(joinUri(folder, n), "{}")));
    }

    const listed = await store.list(folder);

    expect(listed).toHaveLength(1005);
    expect(listed).toEqual(names.map((n) => joinUri(folder, n)));
  });

  it("streams a multi-megabyte object in chunks, bytes intact", async () => {
    const store = s3Store(aws.clients.s3);
    const uri = joinUri(root, "incoming", "2026-11-25", "trades.jsonl");
    const size = 12 * 1024 * 1024;
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
    await store.write(uri, bytes);

    const hash = createHash("sha256");
    let chunks = 0;
    let largest = 0;
    let total = 0;
    for await (const chunk of await store.open(uri)) {
      hash.update(chunk);
      chunks++;
      total += chunk.byteLength;
      largest = Math.max(largest, chunk.byteLength);
    }

    expect(total).toBe(size);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(chunks).toBeGreaterThan(1);
    expect(largest).toBeLessThan(size);
  });

  it("stops reading when the consumer stops, and the next read still works", async () => {
    const store = s3Store(aws.clients.s3);
    const uri = joinUri(root, "incoming", "2026-11-26", "big.bin");
    await store.write(uri, Buffer.alloc(4 * 1024 * 1024, 1));

    for await (const _ of await store.open(uri)) break;

    expect(
      (await store.readText(joinUri(root, "incoming/2026-11-24/confirmations.csv"))).length,
    ).toBeGreaterThan(0);
  });

  it("names a missing object, and a missing bucket, Trading.DataNotFound", async () => {
    const store = s3Store(aws.clients.s3);

    await expect(store.readText(joinUri(root, "incoming/absent/trades.csv"))).rejects.toBeInstanceOf(
      DataNotFoundError,
    );
    await expect(store.list("s3://no-such-bucket-here/incoming/")).rejects.toMatchObject({
      code: "Trading.DataNotFound",
    });
  });

  it("serves the data bucket to in-process handlers whatever client they hold (storeFor routes it)", async () => {
    const uri = `s3://${aws.resources.dataBucket.name}/runs/routed/summary.json`;
    const unconfigured = new S3Client({}); // no region, no endpoint: would fail if it were used

    await storeFor(uri, { s3: unconfigured }).write(uri, '{"routed":true}');

    expect(await s3Store(aws.clients.s3).readText(uri)).toBe('{"routed":true}');
  });

  it("works for a handler configured by its environment alone (AWS_ENDPOINT_URL_S3, DATA_BUCKET)", async () => {
    // The emulator takes any signature; the SDK's credential chain only has to find some.
    vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
    const client: S3Client = s3ClientFromEnv({ ...aws.env });
    const uri = `s3://${aws.env.DATA_BUCKET}/runs/from-env/summary.json`;
    const store = storeFor(uri, { s3: client });

    await store.write(uri, '{"ok":true}');

    expect(await s3Store(aws.clients.s3).readText(uri)).toBe('{"ok":true}');
  });
});

describe("the embedded S3, persisted", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "switchyard-s3-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps objects in <dataDir>/s3 across a restart", async () => {
    const first = await startLocalAws({ stage: "persist", dataDir });
    const uri = `s3://${first.resources.dataBucket.name}/incoming/2026-11-24/trades.csv`;
    try {
      await s3Store(first.clients.s3).write(uri, "tradeId\nT-1\n");
    } finally {
      await first.stop();
    }
    const second = await startLocalAws({ stage: "persist", dataDir });
    try {
      expect(await s3Store(second.clients.s3).readText(uri)).toBe("tradeId\nT-1\n");
      expect(await readdir(join(dataDir, "s3"))).toContain("buckets");
    } finally {
      await second.stop();
    }
  });
});
