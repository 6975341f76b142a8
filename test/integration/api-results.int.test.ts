import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { Validator } from "@seriousme/openapi-schema-validator";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AuditTrailSchema, ROUTES, RunResultViewSchema, RunViewSchema } from "#api";
import { writeDay } from "#trading/generate";
import { workflows } from "#workflows";
import { confirmationOf, dayOf, trade } from "../fixtures/trading.ts";

/**
 * Results and discovery through the REST API as `npm run serve` runs it: each workflow's run view
 * carries its summary and outputs once finished, `/result` its declared result, a waiting run the
 * answers it accepts; `/workflows` and `/openapi.json` describe the routes the router serves.
 */
let aws: LocalAws;
let api: ApiServer;
let dir: string;
/** Our booked price 103 on 20,000 shares, the broker's 100.05: a $2M amendment, so a person approves it. */
let approvalDay: string;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "apiresults" });
  api = await startApiServer({ aws });
  dir = await mkdtemp(join(tmpdir(), "switchyard-api-results-"));
  const t = trade({ quantity: 20_000, price: 103 });
  await writeDay(dir, dayOf([t], [confirmationOf(t, { price: 100.05 })]));
  approvalDay = dir;
});
afterAll(async () => {
  await api?.stop();
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function settled(runId: string, until: (status: string) => boolean) {
  for (let i = 0; i < 400; i++) {
    await api.idle();
    const res = await call("GET", `/runs/${runId}`);
    if (res.status === 200 && until(String(res.body.status))) return RunViewSchema.parse(res.body);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not settle`);
}

async function start(workflow: string, input: Record<string, unknown>): Promise<string> {
  const res = await call("POST", `/workflows/${workflow}/runs`, { input });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return String(res.body.runId);
}

describe("run results through the API", () => {
  it("triage: waits with the answers it accepts, then returns the decision and the amendment applied", async () => {
    // Act: start, to the approval
    const runId = await start("triage", { data: { uri: approvalDay } });
    const waiting = await settled(runId, (s) => s === "waiting" || s === "failed");

    // Assess: what it waits for, and what it accepts
    expect(waiting.status).toBe("waiting");
    const [question] = waiting.waiting?.interrupts ?? [];
    expect(question?.node).toBe("human_approval");
    expect(question?.value).toMatchObject({ question: expect.stringMatching(/^Apply /) });
    // A decision alone, or with a comment — never who gives it: the API stamps the caller.
    expect(question?.answer).toMatchObject({
      anyOf: [
        { enum: ["approve", "reject"] },
        { type: "object", properties: { decision: { enum: ["approve", "reject"] } }, required: ["decision"] },
      ],
    });
    expect(JSON.stringify(question?.answer)).not.toContain('"by"');
    const pending = await call("GET", `/runs/${runId}/result`);
    expect(pending.status).toBe(200);
    expect(RunResultViewSchema.parse(pending.body).result).toMatchObject({
      outcome: "pending",
      decision: { route: "human_approval" },
      approval: null,
      effects: [],
    });

    // Act: answer
    const resumed = await call("POST", `/runs/${runId}/resume`, {
      decision: { decision: "approve", comment: "matches the broker's confirmation" },
    });
    expect(resumed.status).toBe(202);
    const done = await settled(runId, (s) => s === "succeeded" || s === "failed");

    // Assess: the view's summary and links, and the result
    expect(done).toMatchObject({
      status: "succeeded",
      threadId: runId,
      links: { self: `/runs/${runId}`, result: `/runs/${runId}/result` },
    });
    expect(done.summary?.headline).toMatch(/human_approval → amended/);
    expect(done.summary?.figures.effectsApplied).toBe(1);
    const result = await call("GET", `/runs/${runId}/result`);
    expect(result.status).toBe(200);
    const { result: decided } = RunResultViewSchema.parse(result.body);
    expect(decided).toMatchObject({
      outcome: "amended",
      category: "PRICE_MISMATCH",
      approval: {
        decision: "approve",
        by: expect.stringMatching(/^(iam|local):/),
        comment: "matches the broker's confirmation",
      },
      amendment: { changes: [{ field: "price", from: 103, to: 100.05 }] },
      escalation: null,
      // The fixture's US equity trade of 24 November: DTC's same-day affirmation cut-off.
      deadline: { local: "2026-11-24 21:00 America/New_York", at: "2026-11-25T02:00:00.000Z", held: false },
    });
    expect(decided.effects).toHaveLength(1);
  }, 120_000);

  it("serves a run's decision audit, verified on every call, paged — and says when a record was altered", async () => {
    // Arrange: a triage of the day, through the API (it waits for a person, having decided this much)
    const runId = await start("triage", { data: { uri: approvalDay } });
    await settled(runId, (s) => s === "waiting" || s === "failed");

    // Act
    const whole = await call("GET", `/runs/${runId}/audit`);
    const page = await call("GET", `/runs/${runId}/audit?from=2&limit=2`);

    // Assess: verified, in order, with the input first and the model and tool calls after it
    expect(whole.status).toBe(200);
    const trail = AuditTrailSchema.parse(whole.body);
    expect(trail).toMatchObject({ runId, verified: true });
    expect(trail.sealed).toBe(trail.records);
    expect(trail.entries.map((e) => e.seq)).toEqual(Array.from({ length: trail.records }, (_, i) => i + 1));
    expect(trail.entries[0]?.kind).toBe("input");
    expect(new Set(trail.entries.map((e) => e.kind))).toEqual(new Set(["input", "model", "tool"]));
    expect(AuditTrailSchema.parse(page.body)).toMatchObject({ entries: [{ seq: 2 }, { seq: 3 }], next: 4 });

    // Act: someone edits the third record in the table
    await aws.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: aws.resources.checkpointTable.name,
        Key: { pk: { S: `audit#${runId}` }, sk: { S: "rec#0000000003" } },
        UpdateExpression: "SET body = :b",
        ExpressionAttributeValues: {
          ":b": { S: JSON.stringify({ ...trail.entries[2], data: { forged: true } }) },
        },
      }),
    );
    const after = AuditTrailSchema.parse((await call("GET", `/runs/${runId}/audit`)).body);

    // Assess
    expect(after).toMatchObject({ verified: false, problem: { at: 3, kind: "altered" } });
  }, 60_000);

  it("answers 404 for the audit of an unknown run, and 400 for an unknown page parameter", async () => {
    const unknown = await call("GET", "/runs/triage_00000000-0000-4000-8000-000000000000/audit");
    const bad = await call("GET", "/runs/triage_00000000-0000-4000-8000-000000000000/audit?page=2");
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: "Switchyard.NoAudit" } } });
    expect(bad).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("page") } } });
  });

  it("reconciliation then investigation: breaks by category with amounts, then a root cause or escalation for each", async () => {
    // Act: reconcile the example day
    const out = `.switchyard/test-runs/api-results-${Date.now()}/`;
    const recon = await start("reconciliation", {
      data: { uri: "docs/examples/data" },
      out,
      partitionSize: 10,
    });
    const reconView = await settled(recon, (s) => s === "succeeded" || s === "failed");
    const reconResult = RunResultViewSchema.parse((await call("GET", `/runs/${recon}/result`)).body)
      .result as {
      breaksFound: number;
      categories: { category: string; breaks: number }[];
      largestBreaks: { notional: number; currency: string; detail: string }[];
      notionalByCurrency: Record<string, number>;
      outputs: Record<string, string>;
    };

    // Assess: the view's figures are numbers; the result's categories add up to the breaks found
    expect(reconView.status).toBe("succeeded");
    expect(reconView.summary?.figures.breaksFound).toBe(16);
    expect(reconView.outputs?.breaks).toBe(`${out}breaks.json`);
    expect(reconResult.breaksFound).toBe(16);
    expect(reconResult.categories).toHaveLength(12);
    expect(reconResult.categories.reduce((n, c) => n + c.breaks, 0)).toBe(16);
    expect(reconResult.largestBreaks.length).toBeGreaterThan(0);
    expect(reconResult.largestBreaks[0]?.notional).toBeGreaterThan(0);
    expect(Object.values(reconResult.notionalByCurrency).every((n) => n > 0)).toBe(true);
    expect(reconResult.outputs.breaks).toBe(`${out}breaks.json`);

    // Act: investigate those breaks
    const inv = await start("investigation", {
      data: { uri: "docs/examples/data" },
      breaksUri: reconResult.outputs.breaks,
    });
    const invView = await settled(inv, (s) => s === "succeeded" || s === "failed");
    const invResult = RunResultViewSchema.parse((await call("GET", `/runs/${inv}/result`)).body).result as {
      breaks: number;
      resolved: number;
      escalated: number;
      rootCauses: { rootCause: string; breaks: number }[];
      findings: {
        status: string;
        rootCause: string | null;
        nextAction: string;
        category: string;
        deadline: { local: string } | null;
      }[];
      escalatedByTimeToCutoff: Record<string, number>;
    };

    // Assess: every break has a finding; root causes count the resolved ones
    expect(invView.status).toBe("succeeded");
    expect(invResult.breaks).toBe(16);
    expect(invResult.findings).toHaveLength(16);
    expect(invResult.resolved + invResult.escalated).toBe(16);
    expect(invResult.rootCauses.reduce((n, c) => n + c.breaks, 0)).toBe(invResult.resolved);
    for (const f of invResult.findings.filter((x) => x.status === "resolved"))
      expect(f.rootCause).not.toBeNull();
    expect(invResult.findings.every((f) => f.nextAction.length > 0)).toBe(true);
    // Each break with a trade of ours carries its settlement cut-off, in the market's own time;
    // the escalated ones are counted by time left to it (the example day's cut-offs have passed).
    const withDeadline = invResult.findings.filter((f) => f.deadline !== null);
    expect(withDeadline.length).toBeGreaterThan(10);
    for (const f of withDeadline) expect(f.deadline?.local).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+$/);
    expect(Object.values(invResult.escalatedByTimeToCutoff).reduce((n, c) => n + c, 0)).toBe(
      invResult.escalated,
    );
  }, 180_000);

  it.each([
    [
      "an unknown run",
      "/runs/triage_00000000-0000-4000-8000-000000000000/result",
      404,
      "Switchyard.RunNotFound",
    ],
    [
      "an unknown query parameter, named",
      "/runs/triage_00000000-0000-4000-8000-000000000000/result?verbose=1",
      400,
      "Switchyard.InvalidRequest",
    ],
    ["an unknown workflow", "/workflows/no-such-flow", 404, "Switchyard.UnknownWorkflow"],
  ])("refuses %s", async (_name, path, status, code) => {
    const res = await call("GET", path);

    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: { code } });
    if (status === 400) expect(String((res.body.error as { message: string }).message)).toMatch(/verbose/);
  });

  it("answers 409 for the result of a run that failed", async () => {
    // Prepare: a triage whose breaks file does not exist fails in its first node
    const runId = await start("triage", {
      data: { uri: approvalDay },
      breakId: "X",
      breaksUri: join(dir, "none.json"),
    });
    const failed = await settled(runId, (s) => s === "failed" || s === "succeeded" || s === "waiting");

    // Act
    const res = await call("GET", `/runs/${runId}/result`);

    // Assess
    expect(failed.status).toBe("failed");
    expect(res).toMatchObject({ status: 409, body: { error: { code: "Switchyard.NoResult" } } });
  }, 60_000);
});

describe("a discoverable API", () => {
  it("lists each workflow with its input as JSON Schema and an example its own schema accepts", async () => {
    const res = await call("GET", "/workflows");

    expect(res.status).toBe(200);
    const listed = res.body.workflows as {
      name: string;
      input: object;
      example: { body: { input: unknown } };
    }[];
    expect(listed.map((w) => w.name).sort()).toEqual(Object.keys(workflows).sort());
    for (const w of listed) {
      const workflow = workflows[w.name];
      expect(w.input).toMatchObject({ type: "object" });
      expect(workflow?.input.safeParse(w.example.body.input).success).toBe(true);
      // The published schema accepts the example too: it says what the server accepts.
      expect(z.fromJSONSchema(w.input as never).safeParse(w.example.body.input).success).toBe(true);
    }
    const triage = await call("GET", "/workflows/triage");
    expect(triage.body).toMatchObject({
      name: "triage",
      answers: { human_approval: { anyOf: expect.any(Array) } },
    });
  });

  it("serves an OpenAPI 3.1 document that validates and names exactly the routes the router answers", async () => {
    // Act
    const res = await call("GET", "/openapi.json");
    const validation = await new Validator().validate(res.body as never);

    // Assess: valid, one operation per route of the table
    expect(validation.errors).toBeUndefined();
    expect(validation.valid).toBe(true);
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // Every documented operation reaches a route (whatever it then answers), never "no such route".
    for (const route of ROUTES) {
      const path = route.path
        .replace("{name}", "triage")
        .replace("{id}", "triage_00000000-0000-4000-8000-000000000000");
      const answer = await call(route.method, path, route.method === "POST" ? {} : undefined);
      expect(answer.body, `${route.method} ${path}`).not.toMatchObject({
        error: { code: "Switchyard.RouteNotFound" },
      });
    }
  });
});
