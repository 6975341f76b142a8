import { readFileSync } from "node:fs";
import { runInProcess } from "switchyard/engine";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "#engine";
import { workflows } from "#workflows";
import { type AwsDigest, awsDigest, peekAll } from "../fixtures/aws-digest.ts";
import { approvalWorkflow } from "../fixtures/graphs.ts";

/**
 * The hostile-input table: malformed and hostile requests against the api handler over the
 * embedded AWS, through the real HTTP server where HTTP can express the request and as a raw
 * API Gateway event where it cannot (no caller, a GET with a body, a header with a newline).
 * Each asserts its status, a JSON error with a stable code, and that nothing changed: the
 * content digest of every table, queue and the data bucket (`test/fixtures/aws-digest.ts`) is
 * the same after the request as before — no run request or dead letter (so no execution: only
 * the dispatcher starts one, from a request), no checkpoint item, no idempotency record, no
 * failed-run record or alert. The README quotes the table's size; a test keeps the two equal.
 */
const registry: Record<string, WorkflowDefinition> = { ...workflows, approval: approvalWorkflow() };
const FINISHED = "approval_finished-run-0001";
const WAITING = "approval_waiting-run-0001";

let aws: LocalAws;
let REQUESTS: string;
let api: ApiServer;

interface HttpCase {
  readonly name: string;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** What the error message must say, where the field it names matters. */
  readonly message?: string;
}
interface EventCase {
  readonly name: string;
  readonly status: number;
  readonly event: unknown;
}

const JSON_TYPE = { "content-type": "application/json" };
const post = (path: string, body: unknown, headers: Record<string, string> = JSON_TYPE) => ({
  method: "POST",
  path,
  headers,
  body: typeof body === "string" ? body : JSON.stringify(body),
});
const get = (path: string) => ({ method: "GET", path });
const enc = encodeURIComponent;

const HTTP_CASES: HttpCase[] = [
  // Start: the body's shape
  { name: "input is a string", status: 400, ...post("/workflows/triage/runs", { input: "x" }) },
  { name: "input is an array", status: 400, ...post("/workflows/triage/runs", { input: [1, 2] }) },
  { name: "input is a number", status: 400, ...post("/workflows/triage/runs", { input: 7 }) },
  { name: "input is null", status: 400, ...post("/workflows/triage/runs", { input: null }) },
  {
    name: "unknown top-level field",
    status: 400,
    ...post("/workflows/triage/runs", { input: {}, admin: true }),
  },
  { name: "body is an array", status: 400, ...post("/workflows/triage/runs", []) },
  { name: "body is a string", status: 400, ...post("/workflows/triage/runs", '"run it"') },
  { name: "body is null", status: 400, ...post("/workflows/triage/runs", "null") },
  { name: "invalid JSON: open brace", status: 400, ...post("/workflows/triage/runs", "{") },
  { name: "invalid JSON: trailing comma", status: 400, ...post("/workflows/triage/runs", '{"input":{},}') },
  { name: "invalid JSON: truncated", status: 400, ...post("/workflows/triage/runs", '{"input":{"dataset":') },
  { name: "invalid JSON: single quotes", status: 400, ...post("/workflows/triage/runs", "{'input':{}}") },
  // Start: the workflow's own input schema
  {
    name: "workflow input: trades is a string",
    status: 400,
    ...post("/workflows/triage/runs", { input: { dataset: { trades: "many" } } }),
  },
  {
    name: "workflow input: negative trades",
    status: 400,
    ...post("/workflows/triage/runs", { input: { dataset: { trades: -5 } } }),
  },
  {
    name: "workflow input: dataset is an array",
    status: 400,
    ...post("/workflows/triage/runs", { input: { dataset: [] } }),
  },
  // Start: the cases of issue #14 — never a run on defaults, never a 500
  {
    name: "unknown field tradeDate with a bad date",
    status: 400,
    message: "unknown field input.tradeDate",
    ...post("/workflows/reconciliation/runs", { input: { tradeDate: "2026-13-45" } }),
  },
  {
    name: "unknown field tradeDate with an SQL-ish string",
    status: 400,
    message: "unknown field input.tradeDate",
    ...post("/workflows/reconciliation/runs", { input: { tradeDate: "'; DROP TABLE trades;--" } }),
  },
  {
    name: "bad calendar date in a known field",
    status: 400,
    message: "body.input.dataset.businessDate: must be a calendar date YYYY-MM-DD",
    ...post("/workflows/reconciliation/runs", { input: { dataset: { businessDate: "2026-13-45" } } }),
  },
  {
    name: "400-character tradeId",
    status: 400,
    message: "body.input.tradeId",
    ...post("/workflows/triage/runs", { input: { tradeId: "T".repeat(400) } }),
  },
  {
    name: "emoji in an unknown field",
    status: 400,
    message: "unknown field input.note",
    ...post("/workflows/triage/runs", { input: { note: "😀" } }),
  },
  {
    name: "U+FFFE in an unknown field",
    status: 400,
    message: "unknown field input.note",
    ...post("/workflows/triage/runs", { input: { note: "\ufffe" } }),
  },
  {
    name: "lone surrogate as a key",
    status: 400,
    message: "unknown field input.\ud800",
    ...post("/workflows/triage/runs", '{"input":{"\\ud800":1}}'),
  },
  {
    name: "misspelt nested field",
    status: 400,
    message: "unknown field input.dataset.trade",
    ...post("/workflows/triage/runs", { input: { dataset: { trade: 500 } } }),
  },
  {
    name: "unknown tolerance",
    status: 400,
    message: "unknown field input.tolerances.equityBps",
    ...post("/workflows/reconciliation/runs", { input: { tolerances: { equityBps: 2 } } }),
  },
  {
    name: "40 levels of nesting",
    status: 400,
    message: "nested deeper than 32 levels",
    ...post("/workflows/triage/runs", `{"input":{"x":${"[".repeat(40)}${"]".repeat(40)}}}`),
  },
  {
    name: "20,000 levels of nesting",
    status: 400,
    ...post("/workflows/triage/runs", `${"[".repeat(20_000)}${"]".repeat(20_000)}`),
  },
  {
    name: "5,000 unknown fields",
    status: 400,
    message: "and 4981 more issues",
    ...post("/workflows/triage/runs", {
      input: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, 1])),
    }),
  },
  {
    name: "partitionSize a float",
    status: 400,
    ...post("/workflows/reconciliation/runs", { input: { partitionSize: 1.5 } }),
  },
  {
    name: "partitionSize 1e300",
    status: 400,
    ...post("/workflows/reconciliation/runs", { input: { partitionSize: 1e300 } }),
  },
  {
    name: "out with a NUL byte",
    status: 400,
    message: "body.input.out",
    ...post("/workflows/reconciliation/runs", { input: { out: "runs/a\u0000b/" } }),
  },
  {
    name: "breaksUri naming no bucket",
    status: 400,
    message: "body.input.breaksUri",
    ...post("/workflows/investigation/runs", { input: { breaksUri: "s3:///breaks.json" } }),
  },
  // Start: prototype pollution
  {
    name: "__proto__ key in input",
    status: 400,
    ...post("/workflows/triage/runs", '{"input":{"__proto__":{"isAdmin":true}}}'),
  },
  {
    name: "constructor key nested",
    status: 400,
    ...post("/workflows/triage/runs", '{"input":{"dataset":{"constructor":{"prototype":{}}}}}'),
  },
  // Start: the workflow name
  { name: "unknown workflow", status: 404, ...post("/workflows/nope/runs", {}) },
  { name: "workflow name upper-case", status: 400, ...post("/workflows/Triage/runs", {}) },
  { name: "shell injection in name", status: 400, ...post(`/workflows/${enc("triage;rm -rf /")}/runs`, {}) },
  { name: "SQL injection in name", status: 400, ...post(`/workflows/${enc("' OR 1=1--")}/runs`, {}) },
  { name: "encoded traversal in name", status: 400, ...post(`/workflows/${enc("../../etc")}/runs`, {}) },
  { name: "300-character name", status: 400, ...post(`/workflows/${"a".repeat(300)}/runs`, {}) },
  { name: "NUL byte in name", status: 400, ...post("/workflows/tri%00age/runs", {}) },
  // Start: size and media type
  {
    name: "100 KiB body",
    status: 413,
    ...post("/workflows/triage/runs", { input: { pad: "x".repeat(100 * 1024) } }),
  },
  { name: "2 MiB body", status: 413, ...post("/workflows/triage/runs", "x".repeat(2 * 1024 * 1024)) },
  {
    name: "text/plain body",
    status: 415,
    ...post("/workflows/triage/runs", "{}", { "content-type": "text/plain" }),
  },
  {
    name: "form-encoded body",
    status: 415,
    ...post("/workflows/triage/runs", "input=1", { "content-type": "application/x-www-form-urlencoded" }),
  },
  {
    name: "json look-alike media type",
    status: 415,
    ...post("/workflows/triage/runs", "{}", { "content-type": "application/jsonp" }),
  },
  // Start: Idempotency-Key
  {
    name: "idempotency key empty",
    status: 400,
    ...post("/workflows/triage/runs", {}, { ...JSON_TYPE, "idempotency-key": "" }),
  },
  {
    name: "idempotency key with spaces",
    status: 400,
    ...post("/workflows/triage/runs", {}, { ...JSON_TYPE, "idempotency-key": "my key" }),
  },
  {
    name: "idempotency key 200 characters",
    status: 400,
    ...post("/workflows/triage/runs", {}, { ...JSON_TYPE, "idempotency-key": "k".repeat(200) }),
  },
  {
    name: "idempotency key SQL injection",
    status: 400,
    ...post("/workflows/triage/runs", {}, { ...JSON_TYPE, "idempotency-key": "'; DROP TABLE runs;--" }),
  },
  {
    name: "idempotency key JSON",
    status: 400,
    ...post("/workflows/triage/runs", {}, { ...JSON_TYPE, "idempotency-key": '{"$ne":null}' }),
  },
  // Run status and history
  { name: "run id too short", status: 400, ...get("/runs/abc") },
  { name: "run id 81 characters", status: 400, ...get(`/runs/${"r".repeat(81)}`) },
  { name: "SQL injection in run id", status: 400, ...get(`/runs/${enc("abc' OR '1'='1")}`) },
  { name: "script tag in run id", status: 400, ...get(`/runs/${enc("<script>alert(1)</script>")}`) },
  { name: "NoSQL operator in run id", status: 400, ...get(`/runs/${enc('{"$gt":""}')}`) },
  { name: "malformed %-escape in run id", status: 400, ...get("/runs/abcdefgh%E0%A4%A") },
  { name: "unknown run", status: 404, ...get("/runs/triage_no-such-run-0000") },
  { name: "run of an unknown workflow", status: 404, ...get("/runs/nowf_12345678") },
  { name: "run id naming no workflow", status: 400, ...get("/runs/plainrunid123") },
  { name: "bad workflow query", status: 400, ...get(`/runs/plainrunid123?workflow=${enc("x; drop")}`) },
  { name: "unknown query parameter", status: 400, ...get(`/runs/${FINISHED}?debug=1`) },
  { name: "history limit 0", status: 400, ...get(`/runs/${FINISHED}/history?limit=0`) },
  { name: "history limit not a number", status: 400, ...get(`/runs/${FINISHED}/history?limit=ten`) },
  { name: "history limit 10,000", status: 400, ...get(`/runs/${FINISHED}/history?limit=10000`) },
  { name: "history of an unknown run", status: 404, ...get("/runs/triage_no-such-run-0000/history") },
  // Resume
  {
    name: "resume a finished run",
    status: 409,
    ...post(`/runs/${FINISHED}/resume`, { decision: "approve" }),
  },
  {
    name: "resume an unknown run",
    status: 404,
    ...post("/runs/approval_nobody-0000/resume", { decision: 1 }),
  },
  { name: "resume without body", status: 400, ...post(`/runs/${WAITING}/resume`, "") },
  { name: "resume without decision", status: 400, ...post(`/runs/${WAITING}/resume`, {}) },
  {
    name: "resume with an extra field",
    status: 400,
    ...post(`/runs/${WAITING}/resume`, { decision: "approve", threadId: "other" }),
  },
  {
    name: "resume by an interrupt id the run is not waiting on",
    status: 400,
    ...post(`/runs/${WAITING}/resume`, { decision: { "0123456789abcdef0123456789abcdef": "approve" } }),
  },
  { name: "resume with invalid JSON", status: 400, ...post(`/runs/${WAITING}/resume`, "{decision:approve}") },
  {
    name: "resume with a bad run id",
    status: 400,
    ...post(`/runs/${enc("../admin")}/resume`, { decision: 1 }),
  },
  {
    name: "resume with a bad idempotency key",
    status: 400,
    ...post(`/runs/${WAITING}/resume`, { decision: "approve" }, { ...JSON_TYPE, "idempotency-key": "a b" }),
  },
  {
    name: "resume as text/plain",
    status: 415,
    ...post(`/runs/${WAITING}/resume`, '{"decision":"approve"}', { "content-type": "text/plain" }),
  },
  // Dead letters
  // Results: a run's declared result
  { name: "result of an unknown run", status: 404, ...get("/runs/triage_no-such-run-0000/result") },
  { name: "result with a bad run id", status: 400, ...get(`/runs/${enc("abc' OR '1'='1")}/result`) },
  {
    name: "result with an unknown query parameter",
    status: 400,
    message: "verbose",
    ...get(`/runs/${FINISHED}/result?verbose=1`),
  },
  { name: "result of a workflow that declares none", status: 404, ...get(`/runs/${FINISHED}/result`) },
  { name: "result of a run of an unknown workflow", status: 404, ...get("/runs/nowf_12345678/result") },
  // Discovery: workflows and the OpenAPI document
  { name: "describe an unknown workflow", status: 404, ...get("/workflows/nope") },
  { name: "describe with an injection in the name", status: 400, ...get(`/workflows/${enc("triage;id")}`) },
  { name: "workflows with a query parameter", status: 400, message: "limit", ...get("/workflows?limit=1") },
  {
    name: "openapi with a query parameter",
    status: 400,
    message: "format",
    ...get("/openapi.json?format=yaml"),
  },
  { name: "post to the workflow list (no such route)", status: 404, ...post("/workflows", {}) },
  { name: "dead letters limit negative", status: 400, ...get("/dead-letters?limit=-1") },
  { name: "dead letters limit not a number", status: 400, ...get("/dead-letters?limit=all") },
  { name: "redrive dryRun as a string", status: 400, ...post("/dead-letters/redrive", { dryRun: "no" }) },
  { name: "redrive max 0", status: 400, ...post("/dead-letters/redrive", { max: 0 }) },
  { name: "redrive max huge", status: 400, ...post("/dead-letters/redrive", { max: 1e9 }) },
  { name: "redrive unknown field", status: 400, ...post("/dead-letters/redrive", { queue: "*" }) },
  { name: "redrive bad workflow", status: 400, ...post("/dead-letters/redrive", { workflow: "$(id)" }) },
  {
    name: "redrive filter with a bad workflow",
    status: 400,
    ...post("/dead-letters/redrive", { filter: { workflow: "$(id)" } }),
  },
  {
    name: "redrive filter unknown field",
    status: 400,
    ...post("/dead-letters/redrive", { filter: { queue: "*" } }),
  },
  {
    name: "redrive filter error too long",
    status: 400,
    ...post("/dead-letters/redrive", { filter: { error: "x".repeat(201) } }),
  },
  { name: "redrive ids empty", status: 400, ...post("/dead-letters/redrive", { ids: [] }) },
  { name: "redrive ids not an array", status: 400, ...post("/dead-letters/redrive", { ids: "run-0001" }) },
  { name: "redrive id with a slash", status: 400, ...post("/dead-letters/redrive", { ids: ["../x"] }) },
  {
    name: "redrive as text/plain",
    status: 415,
    ...post("/dead-letters/redrive", '{"dryRun":false}', { "content-type": "text/plain" }),
  },
  { name: "dead letters minAgeSeconds negative", status: 400, ...get("/dead-letters?minAgeSeconds=-5") },
  { name: "dead letters unknown query", status: 400, ...get("/dead-letters?queue=*") },
  {
    name: "dead letters error with a control character",
    status: 400,
    ...get(`/dead-letters?error=${enc("a\u0007b")}`),
  },
  { name: "dead letters bad workflow", status: 400, ...get(`/dead-letters?workflow=${enc("<script>")}`) },
  // Routes
  { name: "DELETE a run", status: 404, method: "DELETE", path: `/runs/${FINISHED}` },
  {
    name: "PUT on the start route",
    status: 404,
    ...{ ...post("/workflows/triage/runs", {}), method: "PUT" },
  },
  { name: "root", status: 404, ...get("/") },
  { name: "admin path", status: 404, ...get("/admin") },
  { name: "dot-dot path", status: 404, ...get("/workflows/triage/runs/../../../etc/passwd") },
  { name: "GET on the start route", status: 404, ...get("/workflows/triage/runs") },
];

/** A REST proxy event as API Gateway sends it, with an IAM caller unless `identity` says otherwise. */
function event(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    httpMethod: "GET",
    path: "/",
    resource: "/{proxy+}",
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { identity: { userArn: "arn:aws:iam::123456789012:user/ops", caller: "AIDAEXAMPLE" } },
    body: null,
    isBase64Encoded: false,
    ...overrides,
  };
}
const NO_CALLER = { requestContext: { identity: { sourceIp: "203.0.113.9" } } };

const EVENT_CASES: EventCase[] = [
  {
    name: "unauthenticated start",
    status: 401,
    event: event({ ...NO_CALLER, httpMethod: "POST", path: "/workflows/triage/runs", body: "{}" }),
  },
  { name: "unauthenticated status", status: 401, event: event({ ...NO_CALLER, path: `/runs/${FINISHED}` }) },
  { name: "unauthenticated unknown route", status: 401, event: event({ ...NO_CALLER, path: "/admin" }) },
  {
    name: "unauthenticated resume",
    status: 401,
    event: event({
      ...NO_CALLER,
      httpMethod: "POST",
      path: `/runs/${WAITING}/resume`,
      headers: JSON_TYPE,
      body: '{"decision":"approve"}',
    }),
  },
  {
    name: "blank caller",
    status: 401,
    event: event({ path: `/runs/${FINISHED}`, requestContext: { identity: { userArn: " ", caller: "" } } }),
  },
  {
    name: "idempotency key with a newline",
    status: 400,
    event: event({
      httpMethod: "POST",
      path: "/workflows/triage/runs",
      headers: { ...JSON_TYPE, "idempotency-key": "abc\r\nx-admin: 1" },
      body: "{}",
    }),
  },
  {
    name: "idempotency key non-ASCII",
    status: 400,
    event: event({
      httpMethod: "POST",
      path: "/workflows/triage/runs",
      headers: { ...JSON_TYPE, "idempotency-key": "clé-unique" },
      body: "{}",
    }),
  },
  { name: "GET with a body", status: 400, event: event({ path: `/runs/${FINISHED}`, body: "{}" }) },
  { name: "not a proxy event", status: 400, event: { hello: "world" } },
  { name: "null event", status: 400, event: null },
  {
    name: "unknown HTTP method",
    status: 405,
    event: event({ httpMethod: "BREW", path: "/workflows/triage/runs" }),
  },
  {
    name: "base64 body over the limit",
    status: 413,
    event: event({
      httpMethod: "POST",
      path: "/workflows/triage/runs",
      headers: JSON_TYPE,
      body: Buffer.from(JSON.stringify({ input: { pad: "y".repeat(80_000) } })).toString("base64"),
      isBase64Encoded: true,
    }),
  },
];

let before: AwsDigest;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "apihostile" });
  REQUESTS = aws.resources.requestsQueue.name;
  // No consumer: nothing may run, so any message would stay on the queue and be counted.
  api = await startApiServer({ aws, consume: false, workflowNamed: nameIn(registry) });
  const approval = registry.approval as WorkflowDefinition;
  const waiting = await runInProcess(approval, {}, { aws, threadId: WAITING });
  const finished = await runInProcess(approval, {}, { aws, threadId: FINISHED });
  expect(waiting.status).toBe("waiting");
  expect(finished.status).toBe("waiting");
  // The finished run: approved to its end (in-process, so nothing touches the queue).
  const { resumeInProcess } = await import("switchyard/engine");
  expect((await resumeInProcess(approval, FINISHED, "approve", { aws })).status).toBe("succeeded");
  before = await awsDigest(aws);
});
afterAll(async () => {
  await api?.stop();
  await aws?.stop();
});

describe("hostile-input table", () => {
  it("has the size the README quotes, each case named once", () => {
    const names = [...HTTP_CASES, ...EVENT_CASES].map((c) => c.name);
    const quoted = /A table of (\d+) hostile requests/.exec(readFileSync("README.md", "utf8"))?.[1];
    expect(Number(quoted)).toBe(names.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(HTTP_CASES)("HTTP: $name → $status, nothing enqueued or written", async (c) => {
    const res = await fetch(`${api.url}${c.path}`, {
      method: c.method,
      ...(c.headers ? { headers: c.headers } : {}),
      ...(c.body !== undefined ? { body: c.body } : {}),
    });
    const body = (await res.json()) as { error?: { code?: string; message?: string } };

    expect(res.status).toBe(c.status);
    expect(body.error?.code).toMatch(/^Switchyard\.[A-Za-z]+$/);
    if (c.message) expect(body.error?.message).toContain(c.message);
    expect(await awsDigest(aws)).toEqual(before);
  });

  it.each(EVENT_CASES)("event: $name → $status, nothing enqueued or written", async (c) => {
    const res = await api.handler(c.event);
    const body = JSON.parse(res.body || "{}") as { error?: { code?: string } };

    expect(res.statusCode).toBe(c.status);
    if (c.status !== 405) expect(body.error?.code).toMatch(/^Switchyard\.[A-Za-z]+$/);
    expect(await awsDigest(aws)).toEqual(before);
  });

  it("a valid request on the same server changes the digest: the check is live", async () => {
    const res = await fetch(`${api.url}/runs/${WAITING}/resume`, {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ decision: "reject" }),
    });
    const after = await awsDigest(aws);

    expect(res.status).toBe(202);
    expect(after.counts[REQUESTS]).toBe((before.counts[REQUESTS] ?? 0) + 1);
    expect(after.queues[REQUESTS]).not.toBe(before.queues[REQUESTS]);
    expect({ ...after, queues: {}, counts: {} }).toEqual({ ...before, queues: {}, counts: {} });
  });
});

describe("valid but awkward: accepted once, decoded identical, nothing else written", () => {
  const awkward = "😀 \ufffe \uffff \ud800 \u0000 \u007f é";
  it.each([
    ["a tradeId of awkward characters", "triage", { tradeId: awkward }],
    ["an emoji tradeId on a generated day", "triage", { dataset: { trades: 50 }, tradeId: "😀" }],
  ])("%s → 202, one message whose input is exactly what was sent", async (_what, workflow, input) => {
    const start = await awsDigest(aws);
    const res = await fetch(`${api.url}/workflows/${workflow}/runs`, {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ input }),
    });
    const { runId } = (await res.json()) as { runId: string };
    const after = await awsDigest(aws);

    expect(res.status).toBe(202);
    expect(after.counts[REQUESTS]).toBe((start.counts[REQUESTS] ?? 0) + 1);
    expect({ ...after, queues: {}, counts: {} }).toEqual({ ...start, queues: {}, counts: {} });
    const queued = (await peekAll(aws, REQUESTS))
      .map((m) => JSON.parse(m.body) as { runId: string; input: unknown })
      .find((r) => r.runId === runId);
    expect(queued?.input).toEqual(input);
  });
});

function nameIn(known: Record<string, WorkflowDefinition>) {
  return (name: string): WorkflowDefinition => {
    const found = Object.hasOwn(known, name) ? known[name] : undefined;
    if (!found)
      throw Object.assign(new Error(`Unknown workflow "${name}"`), { code: "Switchyard.UnknownWorkflow" });
    return found;
  };
}
