import { mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TradingDataError } from "../../functions/trading/errors.ts";
import {
  BadUriError,
  DataNotFoundError,
  joinUri,
  localStore,
  PART_BYTES,
  parseDataUri,
  routeBucket,
  StoreAccessDeniedError,
  StoreNotConfiguredError,
  StoreUnavailableError,
  s3ClientFromEnv,
  s3Store,
  storeFor,
} from "../../functions/trading/store/index.ts";

const BUCKET = "switchyard-test-data";

/** An S3 service error as the SDK throws it (name, HTTP status, fault side). */
function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({
    name,
    message,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
}

/** A GetObject body as the SDK hands it over in Node: a Readable of Buffers. */
function body(...chunks: string[]) {
  return Readable.from(chunks.map((c) => Buffer.from(c))) as never;
}

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe("parseDataUri", () => {
  it("reads s3://bucket/key, the key verbatim", () => {
    expect(parseDataUri(`s3://${BUCKET}/incoming/2026-11-24/trades.csv`)).toEqual({
      scheme: "s3",
      bucket: BUCKET,
      key: "incoming/2026-11-24/trades.csv",
    });
    expect(parseDataUri(`s3://${BUCKET}`)).toEqual({ scheme: "s3", bucket: BUCKET, key: "" });
    expect(parseDataUri(`S3://${BUCKET}/a%20b+c`)).toEqual({ scheme: "s3", bucket: BUCKET, key: "a%20b+c" });
  });

  it("reads paths as given and file:// URLs decoded", () => {
    expect(parseDataUri("fixtures/day/")).toEqual({ scheme: "file", path: "fixtures/day/" });
    expect(parseDataUri("/srv/day")).toEqual({ scheme: "file", path: "/srv/day" });
    expect(parseDataUri("file:///srv/day%201/")).toEqual({ scheme: "file", path: "/srv/day 1/" });
    expect(parseDataUri("file://localhost/srv/x.csv")).toEqual({ scheme: "file", path: "/srv/x.csv" });
  });

  it.each([
    ["", /empty/],
    ["http://example.com/day/", /scheme "http"/],
    ["s3://", /bucket name/],
    ["s3://Bad_Bucket/key", /bucket name/],
    ["s3://ab/key", /bucket name/],
    ["s3://a..b/key", /bucket name/],
    [`s3://${BUCKET}/${"k".repeat(1025)}`, /1024 bytes/],
    ["file://remote-host/srv/x", /local file URL/],
    ["day\0.csv", /NUL/],
  ])("refuses %j as Trading.BadUri", (uri, message) => {
    const thrown = (() => {
      try {
        parseDataUri(uri);
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(BadUriError);
    expect(thrown).toBeInstanceOf(TradingDataError);
    expect(thrown).toMatchObject({ code: "Trading.BadUri", name: "Trading.BadUri", retryable: false });
    expect((thrown as Error).message).toMatch(message);
  });
});

describe("joinUri", () => {
  it("joins under an S3 prefix with one '/' each, keeping a trailing '/'", () => {
    expect(joinUri(`s3://${BUCKET}/runs/`, "r1", "breaks.json")).toBe(`s3://${BUCKET}/runs/r1/breaks.json`);
    expect(joinUri(`s3://${BUCKET}/runs`, "/r1/", "/")).toBe(`s3://${BUCKET}/runs/r1/`);
    expect(joinUri(`s3://${BUCKET}`, "incoming", "2026-11-24/")).toBe(`s3://${BUCKET}/incoming/2026-11-24/`);
    expect(joinUri(`s3://${BUCKET}/a`, "", "b//c")).toBe(`s3://${BUCKET}/a/b/c`);
    expect(joinUri(`s3://${BUCKET}`, "runs", "r1", "/")).toBe(`s3://${BUCKET}/runs/r1/`);
    expect(joinUri("/srv/data", "generated", "seed42", "/")).toBe("/srv/data/generated/seed42/");
  });

  it("keeps a path a path and a file:// URL a URL", () => {
    expect(joinUri("/srv/data", "2026-11-24", "trades.csv")).toBe("/srv/data/2026-11-24/trades.csv");
    expect(joinUri("data/", "day/")).toBe("data/day/");
    expect(joinUri("file:///srv/data/", "day 1", "a#b.csv")).toBe("file:///srv/data/day%201/a%23b.csv");
    expect(parseDataUri(joinUri("file:///srv/data/", "day 1", "a#b.csv"))).toEqual({
      scheme: "file",
      path: "/srv/data/day 1/a#b.csv",
    });
  });

  it("returns the base unchanged with nothing to add", () => {
    expect(joinUri(`s3://${BUCKET}/runs/`)).toBe(`s3://${BUCKET}/runs/`);
    expect(joinUri("data", "", "/")).toBe("data");
  });

  it("refuses '..', which would leave the base", () => {
    expect(() => joinUri(`s3://${BUCKET}/runs/`, "../incoming")).toThrow(BadUriError);
    expect(() => joinUri("/srv/data", "day/../../etc/passwd")).toThrow(BadUriError);
  });
});

describe("localStore", () => {
  let dir: string;
  const store = localStore();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchyard-store-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes, creating folders, and reads back text and bytes", async () => {
    const uri = join(dir, "day", "nested", "trades.jsonl");
    await store.write(uri, '{"tradeId":"T-1"}\n');
    await store.write(join(dir, "day", "bytes.bin"), new Uint8Array([0, 1, 2, 255]));

    expect(await store.readText(uri)).toBe('{"tradeId":"T-1"}\n');
    expect([...(await bytesOf(await store.open(join(dir, "day", "bytes.bin"))))]).toEqual([0, 1, 2, 255]);
    expect(await store.exists(uri)).toBe(true);
    expect(await store.exists(join(dir, "day", "absent.csv"))).toBe(false);
    expect(await store.exists(join(dir, "day"))).toBe(false); // a folder is not a file
  });

  it("lists a folder recursively and sorted, in the form asked; a file lists itself", async () => {
    const day = join(dir, "listing");
    for (const name of ["b.csv", "a.csv", "sub/c.csv", "sub/deeper/d.csv"])
      await store.write(join(day, name), name);
    await symlink(join(day, "a.csv"), join(day, "link.csv"));

    const expected = ["a.csv", "b.csv", "link.csv", "sub/c.csv", "sub/deeper/d.csv"];
    expect(await store.list(day)).toEqual(expected.map((n) => join(day, n)));
    expect(await store.list(`${day}/`)).toEqual(expected.map((n) => join(day, n)));
    expect(await store.list(pathToFileURL(`${day}/`).href)).toEqual(
      expected.map((n) => pathToFileURL(join(day, n)).href),
    );
    expect(await store.list(join(day, "b.csv"))).toEqual([join(day, "b.csv")]);
  });

  it("replaces a file whole and leaves no partial file behind", async () => {
    const uri = join(dir, "replace", "summary.json");
    await store.write(uri, "old");
    await store.write(uri, "new");

    expect(await store.readText(uri)).toBe("new");
    expect(await readdir(join(dir, "replace"))).toEqual(["summary.json"]);
  });

  it("streams a large file in chunks, never one buffer", async () => {
    const uri = join(dir, "big.bin");
    await writeFile(uri, Buffer.alloc(5 * 1024 * 1024, 7));
    let chunks = 0;
    let total = 0;
    for await (const chunk of await store.open(uri)) {
      chunks++;
      total += chunk.byteLength;
      expect(chunk.byteLength).toBeLessThanOrEqual(1024 * 1024);
    }
    expect(total).toBe(5 * 1024 * 1024);
    expect(chunks).toBeGreaterThanOrEqual(5);
  });

  it("drops a UTF-8 byte-order mark and keeps characters split across chunks whole", async () => {
    const uri = join(dir, "bom.csv");
    await store.write(uri, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("café,€\n")]));
    expect(await store.readText(uri)).toBe("café,€\n");
  });

  it("names a missing file or folder Trading.DataNotFound, not retryable", async () => {
    for (const call of [
      () => store.open(join(dir, "absent.csv")),
      () => store.readText(join(dir, "absent.csv")),
      () => store.list(join(dir, "absent-folder")),
      () => store.open(join(dir, "day")), // a folder, not a file
    ]) {
      await expect(call()).rejects.toBeInstanceOf(DataNotFoundError);
      await expect(call()).rejects.toMatchObject({ code: "Trading.DataNotFound", retryable: false });
    }
  });

  it("refuses a write to a folder URI and an s3:// URI", async () => {
    await expect(store.write(`${dir}/day/`, "x")).rejects.toBeInstanceOf(BadUriError);
    await expect(store.list(`s3://${BUCKET}/x`)).rejects.toBeInstanceOf(BadUriError);
  });
});

describe("s3Store", () => {
  const client = new S3Client({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const s3 = mockClient(client);
  const store = s3Store(client);
  beforeEach(() => {
    s3.reset();
  });

  it("lists every page of a prefix, sorted, without folder markers", async () => {
    s3.on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: "incoming/2026-11-24/" })
      .resolvesOnce({
        Contents: [{ Key: "incoming/2026-11-24/trades.csv" }, { Key: "incoming/2026-11-24/" }],
        IsTruncated: true,
        NextContinuationToken: "page-2",
      })
      .resolvesOnce({
        Contents: [
          { Key: "incoming/2026-11-24/confirmations.csv" },
          { Key: "incoming/2026-11-24/x/prices.csv" },
        ],
        IsTruncated: false,
      });

    const listed = await store.list(`s3://${BUCKET}/incoming/2026-11-24/`);

    expect(listed).toEqual([
      `s3://${BUCKET}/incoming/2026-11-24/confirmations.csv`,
      `s3://${BUCKET}/incoming/2026-11-24/trades.csv`,
      `s3://${BUCKET}/incoming/2026-11-24/x/prices.csv`,
    ]);
    const calls = s3.commandCalls(ListObjectsV2Command);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input).toMatchObject({ ContinuationToken: "page-2" });
  });

  it("lists an object as itself, and a key without '/' that is no object as a folder", async () => {
    s3.on(HeadObjectCommand, { Key: "incoming/2026-11-24/trades.csv" }).resolves({});
    s3.on(HeadObjectCommand, { Key: "incoming/2026-11-24" }).rejects(
      new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(ListObjectsV2Command, { Prefix: "incoming/2026-11-24/" }).resolves({
      Contents: [{ Key: "incoming/2026-11-24/trades.csv" }],
    });

    expect(await store.list(`s3://${BUCKET}/incoming/2026-11-24/trades.csv`)).toEqual([
      `s3://${BUCKET}/incoming/2026-11-24/trades.csv`,
    ]);
    expect(await store.list(`s3://${BUCKET}/incoming/2026-11-24`)).toEqual([
      `s3://${BUCKET}/incoming/2026-11-24/trades.csv`,
    ]);
  });

  it("opens an object as its body stream, and reads text", async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: "runs/r1/summary.json" })
      .resolvesOnce({ Body: body('{"breaks":', "3}") })
      .resolvesOnce({ Body: body('{"breaks":', "3}") });

    expect((await bytesOf(await store.open(`s3://${BUCKET}/runs/r1/summary.json`))).toString()).toBe(
      '{"breaks":3}',
    );
    expect(await store.readText(`s3://${BUCKET}/runs/r1/summary.json`)).toBe('{"breaks":3}');
  });

  it("writes with the content type given, else one from the extension", async () => {
    s3.on(PutObjectCommand).resolves({});

    await store.write(`s3://${BUCKET}/runs/r1/breaks.jsonl`, "{}\n");
    await store.write(`s3://${BUCKET}/runs/r1/report.html`, new Uint8Array([60]), "text/html");

    const inputs = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toMatchObject({
      Bucket: BUCKET,
      Key: "runs/r1/breaks.jsonl",
      ContentType: "application/x-ndjson",
    });
    expect(inputs[1]).toMatchObject({ Key: "runs/r1/report.html", ContentType: "text/html" });
  });

  it("uploads a body over one part in parts, and aborts the upload when a part fails", async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "u-1" });
    s3.on(UploadPartCommand).resolves({ ETag: '"part"' });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const big = new Uint8Array(2 * PART_BYTES + 1024);

    await store.write(`s3://${BUCKET}/runs/r1/breaks.jsonl`, big);

    expect(
      s3
        .commandCalls(UploadPartCommand)
        .map((c) => c.args[0].input.PartNumber)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
      Bucket: BUCKET,
      Key: "runs/r1/breaks.jsonl",
      UploadId: "u-1",
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);

    s3.reset();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "u-2" });
    s3.on(UploadPartCommand).rejects(s3Error("SlowDown", 503));
    s3.on(AbortMultipartUploadCommand).resolves({});

    await expect(store.write(`s3://${BUCKET}/runs/r1/breaks.jsonl`, big)).rejects.toMatchObject({
      code: "Trading.StoreUnavailable",
      retryable: true,
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toMatchObject({ UploadId: "u-2" });
  });

  it("answers exists from HeadObject: 404 is false", async () => {
    s3.on(HeadObjectCommand, { Key: "a.csv" }).resolves({});
    s3.on(HeadObjectCommand, { Key: "b.csv" }).rejects(
      new NotFound({ message: "", $metadata: { httpStatusCode: 404 } }),
    );

    expect(await store.exists(`s3://${BUCKET}/a.csv`)).toBe(true);
    expect(await store.exists(`s3://${BUCKET}/b.csv`)).toBe(false);
    expect(await store.exists(`s3://${BUCKET}/incoming/`)).toBe(false); // a prefix: no call
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(2);
  });

  it("names NoSuchKey and NoSuchBucket Trading.DataNotFound, not retryable", async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: "The specified key does not exist.", $metadata: {} }),
    );
    s3.on(ListObjectsV2Command).rejects(new NoSuchBucket({ message: "no bucket", $metadata: {} }));

    const open = store.open(`s3://${BUCKET}/incoming/absent.csv`);
    await expect(open).rejects.toBeInstanceOf(DataNotFoundError);
    await expect(open).rejects.toMatchObject({
      code: "Trading.DataNotFound",
      retryable: false,
      uri: `s3://${BUCKET}/incoming/absent.csv`,
    });
    await expect(store.list("s3://no-such-bucket/")).rejects.toThrow(/no such bucket/);
  });

  it("names a throttle or a 5xx Trading.StoreUnavailable, retryable", async () => {
    s3.on(GetObjectCommand).rejects(s3Error("SlowDown", 503, "Please reduce your request rate."));
    s3.on(PutObjectCommand).rejects(s3Error("InternalError", 500));
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));

    for (const call of [
      () => store.readText(`s3://${BUCKET}/a.csv`),
      () => store.write(`s3://${BUCKET}/runs/a.csv`, "x"),
      () => store.list(`s3://${BUCKET}/incoming/`),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err).toMatchObject({
        code: "Trading.StoreUnavailable",
        name: "Trading.StoreUnavailable",
        retryable: true,
      });
    }
  });

  it("names a refusal Trading.AccessDenied, and an unknown client error not retryable", async () => {
    s3.on(PutObjectCommand).rejects(s3Error("AccessDenied", 403));
    s3.on(GetObjectCommand).rejects(s3Error("InvalidObjectState", 400));

    await expect(store.write(`s3://${BUCKET}/incoming/x.csv`, "x")).rejects.toBeInstanceOf(
      StoreAccessDeniedError,
    );
    await expect(store.open(`s3://${BUCKET}/archived.csv`)).rejects.toMatchObject({
      code: "Trading.StoreUnavailable",
      retryable: false,
    });
  });

  it("types a failure in the middle of a body, retryable", async () => {
    async function* broken() {
      yield Buffer.from("first chunk");
      throw Object.assign(new Error("aborted"), { code: "ECONNRESET" });
    }
    s3.on(GetObjectCommand).resolves({ Body: Readable.from(broken()) as never });

    const stream = await store.open(`s3://${BUCKET}/big.csv`);
    await expect(bytesOf(stream)).rejects.toMatchObject({
      code: "Trading.StoreUnavailable",
      retryable: true,
    });
  });

  it("refuses object operations on a prefix URI", async () => {
    await expect(store.open(`s3://${BUCKET}/incoming/`)).rejects.toBeInstanceOf(BadUriError);
    await expect(store.write(`s3://${BUCKET}`, "x")).rejects.toBeInstanceOf(BadUriError);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe("storeFor", () => {
  const client = new S3Client({ region: "us-east-1" });

  it("picks the store by scheme, one S3 store per client", () => {
    expect(storeFor("data/day/", {})).toBe(localStore());
    expect(storeFor("file:///srv/day/", { s3: client })).toBe(localStore());
    const s3 = storeFor(`s3://${BUCKET}/incoming/`, { s3: client });
    expect(s3).not.toBe(localStore());
    expect(storeFor(`s3://${BUCKET}/runs/`, { s3: client })).toBe(s3);
  });

  it("reads a routed bucket through its own client, and no longer once unrouted", () => {
    const local = new S3Client({ region: "us-east-1" });
    const unroute = routeBucket(BUCKET, local);

    expect(storeFor(`s3://${BUCKET}/incoming/`, { s3: client })).toBe(
      storeFor("s3://x-data/a", { s3: local }),
    );
    expect(storeFor(`s3://${BUCKET}/incoming/`, {})).toBe(storeFor("s3://x-data/a", { s3: local }));
    expect(storeFor("s3://other-bucket/a", { s3: client })).toBe(storeFor("s3://x-data/b", { s3: client }));
    unroute();
    expect(storeFor(`s3://${BUCKET}/incoming/`, { s3: client })).toBe(
      storeFor("s3://x-data/b", { s3: client }),
    );
  });

  it("refuses s3:// without a client, typed", () => {
    expect(() => storeFor(`s3://${BUCKET}/incoming/`, {})).toThrow(StoreNotConfiguredError);
    expect(() => storeFor(`s3://${BUCKET}/incoming/`, {})).toThrow(
      expect.objectContaining({ code: "Trading.StoreNotConfigured" }),
    );
    expect(() => storeFor("gs://bucket/x", { s3: client })).toThrow(BadUriError);
  });
});

describe("s3ClientFromEnv", () => {
  it("uses AWS_ENDPOINT_URL_S3 with path-style addressing, one client per endpoint", async () => {
    const local = s3ClientFromEnv({ AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4566" });

    expect(s3ClientFromEnv({ AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4566" })).toBe(
      local,
    );
    expect(local.config.forcePathStyle).toBe(true);
    expect(await local.config.region()).toBe("eu-west-1");
    const aws = s3ClientFromEnv({ AWS_REGION: "eu-west-1" });
    expect(aws).not.toBe(local);
    expect(aws.config.forcePathStyle).toBeFalsy();
  });
});
