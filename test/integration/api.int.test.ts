import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowDefinition } from "#engine";
import { workflows } from "#workflows";
import { approvalWorkflow } from "../fixtures/graphs.ts";

/**
 * The API as `npm run serve` runs it: HTTP on loopback → the api handler → the requests queue
 * → the dispatcher (`#ingress`) → the local executions registry → the state machine CDK deploys,
 * interpreted locally → checkpoints; and `GET /metrics` fed by those runs.
 */
const registry: Record<string, WorkflowDefinition> = { ...workflows, approval: approvalWorkflow() };
let aws: LocalAws;
let api: ApiServer;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "apiflow" });
  api = await startApiServer({
    aws,
    workflowNamed: (name) => {
      const found = registry[name];
      if (!found) throw Object.assign(new Error(name), { code: "Switchyard.UnknownWorkflow" });
      return found;
    },
  });
});
afterAll(async () => {
  await api?.stop();
  await aws?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    location: res.headers.get("location"),
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** Polls the run until the consumer has run it (the queue is asynchronous, as on AWS). */
async function settled(runId: string, until: (status: string) => boolean) {
  for (let i = 0; i < 200; i++) {
    await api.idle();
    const res = await call("GET", `/runs/${runId}`);
    if (res.status === 200 && until(String(res.body.status))) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not settle`);
}

describe("REST API over the embedded AWS", () => {
  it("starts a run, reports it waiting with the interrupt, resumes it with the decision, reports it done", async () => {
    // Act: start
    const started = await call("POST", "/workflows/approval/runs", { input: {} });
    expect(started.status).toBe(202);
    const runId = String(started.body.runId);
    expect(runId).toMatch(/^approval_[0-9a-f-]{36}$/);
    expect(started.location).toBe(`/runs/${runId}`);

    // Assess: waiting, with the question asked
    const waiting = await settled(runId, (s) => s === "waiting");
    expect(waiting).toMatchObject({
      runId,
      workflow: "approval",
      status: "waiting",
      nodes: [{ node: "approve", progress: "interrupted" }],
      waiting: {
        interrupts: [
          { id: expect.any(String), value: { question: "Apply amendment?", amendment: "set price 101.25" } },
        ],
      },
      statusSource: "checkpoint",
    });

    // Act: resume
    const resumed = await call("POST", `/runs/${runId}/resume`, { decision: "approve" });
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ runId, resumeId: expect.stringMatching(/^approval_/) });

    // Assess: finished, and the history shows every checkpoint of the thread, newest first
    const done = await settled(runId, (s) => s === "succeeded");
    expect(done).toMatchObject({ status: "succeeded", nodes: [] });
    const history = await call("GET", `/runs/${runId}/history?limit=100`);
    const steps = (history.body.checkpoints as { step: number }[]).map((c) => c.step);
    expect(steps).toEqual([...steps].sort((a, b) => b - a));
    expect(steps[0]).toBe(done.step);

    // A second resume finds nothing waiting
    expect((await call("POST", `/runs/${runId}/resume`, { decision: "approve" })).status).toBe(409);
  });

  it("honours Idempotency-Key: ten concurrent starts with one key give one run id and one request", async () => {
    // Prepare: stop nothing, but count what reaches the queue through the consumer's runs
    const key = "eod-2026-11-25-approval";
    const body = { input: {} };

    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call("POST", "/workflows/approval/runs", body, { "idempotency-key": key }),
      ),
    );

    // Assess: accepted once (the run id is minted inside the keyed step, so one id = one enqueue); the others replay it (202, same id) or are told to retry (409 in progress)
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((a) => a.body.runId)).size).toBe(1);
    for (const a of answers.filter((x) => x.status !== 202)) {
      expect(a).toMatchObject({ status: 409, body: { error: { code: "Switchyard.IdempotencyInProgress" } } });
    }
    const runId = String(accepted[0]?.body.runId);
    await settled(runId, (s) => s === "waiting");
    const again = await call("POST", "/workflows/approval/runs", body, { "idempotency-key": key });
    expect(again).toMatchObject({ status: 202, body: { runId } });
    // Another body under the same key is refused, and a new key starts a new run.
    const reused = await call(
      "POST",
      "/workflows/approval/runs",
      { input: { note: "other" } },
      { "idempotency-key": key },
    );
    expect(reused).toMatchObject({
      status: 422,
      body: { error: { code: "Switchyard.IdempotencyKeyReused" } },
    });
    const fresh = await call("POST", "/workflows/approval/runs", body, { "idempotency-key": `${key}-2` });
    expect(fresh.status).toBe(202);
    expect(fresh.body.runId).not.toBe(runId);
    await settled(String(fresh.body.runId), (s) => s === "waiting");
    await api.idle();
    const q = await aws.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.queueUrls[aws.resources.requestsQueue.name],
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(Number(q.Attributes?.ApproximateNumberOfMessages)).toBe(0);
    expect(Number(q.Attributes?.ApproximateNumberOfMessagesNotVisible)).toBe(0);
  });

  it("reconciles a day's files: 202, then succeeded with the URIs of its outputs", async () => {
    // Act
    const out = `.switchyard/test-runs/api-${Date.now()}/`;
    const started = await call("POST", "/workflows/reconciliation/runs", {
      input: { data: { uri: "docs/examples/data" }, out, partitionSize: 10 },
    });
    // Assess
    expect(started.status).toBe(202);
    const done = await settled(String(started.body.runId), (s) => s === "succeeded" || s === "failed");
    expect(done).toMatchObject({
      status: "succeeded",
      outputs: {
        breaks: `${out}breaks.json`,
        breaksCsv: `${out}breaks.csv`,
        matches: `${out}matches.json`,
        quarantine: `${out}quarantine.json`,
      },
    });
  });

  it.each([
    ["a folder that does not exist", "docs/examples/no-such-day", /no such file or object/],
    ["a folder that is not a day", "functions/core", /not a file of a trading day/],
  ])("refuses %s with 400 naming data.uri, and enqueues nothing", async (_name, uri, reason) => {
    // Act
    const res = await call("POST", "/workflows/reconciliation/runs", { input: { data: { uri } } });
    // Assess
    expect(res.status).toBe(400);
    const error = res.body.error as { code: string; issues: { path: string; message: string }[] };
    expect(error.code).toBe("Switchyard.InvalidRequest");
    expect(error.issues[0]?.path).toBe("body.input.data.uri");
    expect(error.issues[0]?.message).toMatch(reason);
    const q = await aws.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.queueUrls[aws.resources.requestsQueue.name],
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    expect(Number(q.Attributes?.ApproximateNumberOfMessages)).toBe(0);
  });

  it("refuses a caller that is not on loopback, even through the local server", async () => {
    const res = await api.handler({
      httpMethod: "GET",
      path: "/dead-letters",
      resource: "/{proxy+}",
      headers: {},
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      requestContext: { identity: { sourceIp: "198.51.100.7" } },
      body: null,
      isBase64Encoded: false,
    });

    expect(res.statusCode).toBe(401);
  });

  it("answers GET /metrics with the counters of the runs it started, in the Prometheus text format", async () => {
    // Prepare
    const counter = async (name: string) => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      const line = text.split("\n").find((l) => l.startsWith(`${name}{workflow="approval"} `));
      return Number(line?.split(" ").pop() ?? 0);
    };
    const startedBefore = await counter("switchyard_runs_started_total");
    const waitingBefore = await counter("switchyard_runs_waiting_total");

    // Act: one more run through the server, to its interrupt
    const started = await call("POST", "/workflows/approval/runs", { input: {} });
    await settled(String(started.body.runId), (s) => s === "waiting");
    const res = await fetch(`${api.url}/metrics`);
    const text = await res.text();

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await counter("switchyard_runs_started_total")).toBe(startedBefore + 1);
    expect(await counter("switchyard_runs_waiting_total")).toBe(waitingBefore + 1);
    expect(startedBefore).toBeGreaterThan(0); // the earlier tests' runs were counted too
    expect(text).toMatch(/switchyard_runs_succeeded_total\{workflow="approval"\} [1-9]/);
    expect(text).toMatch(
      /switchyard_node_duration_milliseconds_count\{workflow="approval",node="propose"\} [1-9]/,
    );
  });

  it("counts a request its dispatcher dead-letters, as the dispatcher Lambda does (DeadLetters on /metrics)", async () => {
    // Prepare: a message no producer would write, straight onto the requests queue
    const queueUrl = aws.queueUrls[aws.resources.requestsQueue.name] ?? "";
    const dlqUrl = aws.queueUrls[aws.resources.requestsQueue.deadLetter?.name ?? ""] ?? "";
    const deadLetters = async () => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      const line = text
        .split("\n")
        .find((l) => l.startsWith('switchyard_dead_letters_total{queue="requests-dlq"} '));
      return Number(line?.split(" ").pop() ?? 0);
    };
    const inDlq = async () => {
      const out = await aws.clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
      );
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
    };
    const before = await deadLetters();
    const dlqBefore = await inDlq();

    // Act: every delivery fails; after maxReceiveCount the queue moves it to the DLQ
    await aws.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "not a run request" }),
    );
    for (let i = 0; i < 400 && (await inDlq()) === dlqBefore; i++)
      await new Promise((r) => setTimeout(r, 50));

    // Assess: one dead letter, counted once
    expect(await inDlq()).toBe(dlqBefore + 1);
    expect(await deadLetters()).toBe(before + 1);
  }, 60_000);
});
