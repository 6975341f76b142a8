/**
 * What data a run may name, and where a run writes when it names nowhere: the deployed API
 * accepts a day only under `s3://<DATA_BUCKET>/` (`requireUnder`, wrapped around the
 * `checkData` port by `awsDataChecks` in `functions/handlers/wiring/api.ts`; a local path or another bucket is a 400 on
 * `body.input.data.uri`), and `dataRoot()` is the bucket only in a Lambda. The day check itself
 * (`checkDataRef`) and SQS are stood in: no network.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProxyEvent } from "#api";
import { type DataRef, dataRoot, requireUnder, TradingDataError } from "#trading";

const checked = vi.hoisted(() => [] as DataRef[]);
vi.mock("#trading", async (importOriginal) => ({
  ...(await importOriginal<typeof import("#trading")>()),
  checkDataRef: async (ref: DataRef) => {
    checked.push(ref);
    return [];
  },
}));

const BUCKET = "switchyard-dev-data";
const ALLOWED = `s3://${BUCKET}/`;
const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-dev-requests";

describe("requireUnder", () => {
  it("passes URIs under the prefix, and skips an absent one (no mapping)", () => {
    expect(() =>
      requireUnder(ALLOWED, [`${ALLOWED}incoming/2026-11-24/`, `${ALLOWED}mappings/desk-a.json`]),
    ).not.toThrow();
    expect(() => requireUnder(ALLOWED, [`${ALLOWED}incoming/2026-11-24/`, undefined])).not.toThrow();
    expect(() => requireUnder(ALLOWED, [])).not.toThrow();
  });

  it.each([
    ["a local folder", "docs/examples/data"],
    ["an absolute path", "/var/task/"],
    ["a file URL", "file:///etc/"],
    ["another bucket", "s3://someone-elses/incoming/2026-11-24/"],
    ["a bucket named with ours as prefix", `s3://${BUCKET}-other/incoming/`],
    ["the bucket without its slash", `s3://${BUCKET}`],
  ])("refuses %s (%s) as Trading.UriNotAllowed, naming the allowed prefix", (_what, uri) => {
    let thrown: unknown;
    try {
      requireUnder(ALLOWED, [`${ALLOWED}incoming/2026-11-24/`, uri]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TradingDataError);
    expect(thrown).toMatchObject({ code: "Trading.UriNotAllowed", retryable: false });
    expect((thrown as Error).message).toContain(ALLOWED);
    expect((thrown as Error).message).toContain(JSON.stringify(uri));
  });

  it("reads a prefix without its trailing slash as the folder it names", () => {
    expect(() => requireUnder(`s3://${BUCKET}`, [`s3://${BUCKET}-other/x`])).toThrow(
      `data must be under s3://${BUCKET}/`,
    );
    expect(() => requireUnder(`s3://${BUCKET}`, [`s3://${BUCKET}/x`])).not.toThrow();
  });
});

describe("dataRoot", () => {
  it("is SWITCHYARD_DATA_ROOT when set, wherever the process runs", () => {
    expect(
      dataRoot({
        SWITCHYARD_DATA_ROOT: " s3://elsewhere/root ",
        DATA_BUCKET: BUCKET,
        AWS_LAMBDA_FUNCTION_NAME: "fn",
      }),
    ).toBe("s3://elsewhere/root");
    expect(dataRoot({ SWITCHYARD_DATA_ROOT: "/data/switchyard" })).toBe("/data/switchyard");
  });

  it("is the data bucket in a Lambda given DATA_BUCKET", () => {
    expect(dataRoot({ DATA_BUCKET: BUCKET, AWS_LAMBDA_FUNCTION_NAME: "switchyard-dev-partition" })).toBe(
      `s3://${BUCKET}`,
    );
  });

  it("is .switchyard/data otherwise: locally even with DATA_BUCKET set, or in a Lambda without it", () => {
    expect(dataRoot({ DATA_BUCKET: BUCKET })).toBe(".switchyard/data");
    expect(dataRoot({ AWS_LAMBDA_FUNCTION_NAME: "fn" })).toBe(".switchyard/data");
    expect(dataRoot({ SWITCHYARD_DATA_ROOT: "  ", DATA_BUCKET: "", AWS_LAMBDA_FUNCTION_NAME: "fn" })).toBe(
      ".switchyard/data",
    );
    expect(dataRoot({})).toBe(".switchyard/data");
  });
});

describe("the api Lambda (functions/handlers/api.ts): a run's data must be in the data bucket", () => {
  const sqs = mockClient(SQSClient);
  let handler: (event: ProxyEvent) => Promise<{ statusCode: number; body: string }>;

  beforeAll(async () => {
    vi.stubEnv("SWITCHYARD_STAGE", "dev");
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("DATA_BUCKET", BUCKET);
    vi.stubEnv("REQUESTS_QUEUE_URL", QUEUE);
    vi.stubEnv("REQUESTS_DLQ_URL", `${QUEUE}-dlq`);
    // Unit files share one module graph (isolate: false): a file before this one may have loaded
    // the api wiring with the real #trading, so the handler is imported afresh, under the mock.
    vi.resetModules();
    ({ handler } = (await import("../../functions/handlers/api.ts")) as unknown as {
      handler: typeof handler;
    });
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    sqs.restore();
    // …and the files after this one load it afresh too, never the copy bound to the mock.
    vi.resetModules();
  });
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
    checked.length = 0;
  });

  const start = (input: unknown): ProxyEvent => ({
    httpMethod: "POST",
    path: "/workflows/reconciliation/runs",
    resource: "/{proxy+}",
    headers: { "content-type": "application/json" },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { identity: { userArn: "arn:aws:iam::123456789012:role/ops" } },
    body: JSON.stringify({ input }),
    isBase64Encoded: false,
  });

  it("logs a 500's cause through the Lambda's Powertools logger, never to the caller", async () => {
    // Arrange: the queue fails with something that is no AWS error (a bug, not a throttle)
    sqs.on(SendMessageCommand).rejects(new Error("socket hang up in a way nobody planned"));
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(capture);
    // Act
    let res: { statusCode: number; body: string };
    try {
      res = await handler(start({}));
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    // Assess
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("socket hang up");
    const logged = lines
      .map((l) => l.trim())
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      logged.find((l) => l.level === "ERROR" && JSON.stringify(l).includes("socket hang up")),
    ).toBeDefined();
  });

  it("checks and accepts a day in the data bucket, with its mapping there", async () => {
    const data = { uri: `${ALLOWED}incoming/2026-11-24/`, mapping: `${ALLOWED}mappings/desk-a.json` };

    const res = await handler(start({ data }));

    expect(res.statusCode).toBe(202);
    expect(checked).toEqual([data]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it.each([
    ["a local path", { uri: "docs/examples/data" }],
    ["another bucket", { uri: "s3://someone-elses/incoming/2026-11-24/" }],
    ["a mapping elsewhere", { uri: `${ALLOWED}incoming/2026-11-24/`, mapping: "/tmp/mapping.json" }],
  ])(
    "refuses %s with 400 on body.input.data.uri, naming the bucket; nothing read or queued",
    async (_what, data) => {
      const res = await handler(start({ data }));

      expect(res.statusCode).toBe(400);
      const body = JSON.parse(res.body) as { error: { issues: { path: string; message: string }[] } };
      expect(body.error.issues).toEqual([
        { path: "body.input.data.uri", message: expect.stringContaining(`data must be under ${ALLOWED}`) },
      ]);
      expect(checked).toEqual([]);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    },
  );

  it.each([
    [
      "an output folder elsewhere",
      "out",
      { data: { uri: `${ALLOWED}incoming/2026-11-24/` }, out: "/tmp/out/" },
    ],
    ["a generated day written to another bucket", "out", { out: "s3://someone-elses/runs/x/" }],
  ])("refuses %s with 400 on body.input.%s; nothing queued", async (_what, field, input) => {
    const res = await handler(start(input));

    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues).toEqual([
      { path: `body.input.${field}`, message: expect.stringContaining(`must be under ${ALLOWED}`) },
    ]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("accepts an output folder in the data bucket", async () => {
    const res = await handler(
      start({ data: { uri: `${ALLOWED}incoming/2026-11-24/` }, out: `${ALLOWED}runs/eod/` }),
    );

    expect(res.statusCode).toBe(202);
  });
});
