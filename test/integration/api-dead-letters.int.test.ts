import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeadLetterView, RedriveReport } from "#api";
import { Faults, parseFaults } from "#faults";
import { approvalWorkflow } from "../fixtures/graphs.ts";

/**
 * The dead-letter routes over the embedded AWS, as `npm run serve` runs them: Step Functions
 * throttles every start of one request until the requests queue gives up on it (maxReceiveCount)
 * and moves it to the DLQ; the API lists it, previews a redrive that changes nothing, then
 * redrives it, and the dispatcher runs it exactly once.
 */
const STAGE = "apidlq";
const approval = approvalWorkflow();
let aws: LocalAws;
let api: ApiServer;
let requestsUrl: string;

beforeAll(async () => {
  aws = await startLocalAws({ stage: STAGE });
  requestsUrl = aws.queueUrls[aws.resources.requestsQueue.name] as string;
  const maxReceiveCount = aws.resources.requestsQueue.deadLetter?.maxReceiveCount ?? 5;
  api = await startApiServer({
    aws,
    // Every delivery of the first request is throttled: after the last one it is a dead letter.
    faults: new Faults(parseFaults(`aws:StartExecution=throttle*${maxReceiveCount}`, STAGE)),
    workflowNamed: (name) => {
      if (name !== approval.name)
        throw Object.assign(new Error(name), { code: "Switchyard.UnknownWorkflow" });
      return approval;
    },
  });
});
afterAll(async () => {
  await api?.stop();
  await aws?.stop();
});

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const list = async (query = "") =>
  (await call<{ items: DeadLetterView[] }>("GET", `/dead-letters${query}`)).body.items;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out waiting");
}

/** Requests on the queue, visible or being dispatched. */
async function queuedRequests(): Promise<number> {
  const q = await aws.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: requestsUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(q.Attributes?.ApproximateNumberOfMessages) +
    Number(q.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

describe("dead letters through the API", () => {
  it("lists a poison request, a dry run changes nothing, a redrive runs it exactly once", async () => {
    // Prepare: one run request the dispatcher cannot start, and one body nothing can read.
    const started = await call<{ runId: string }>("POST", "/workflows/approval/runs", { input: {} });
    await aws.clients.sqs.send(new SendMessageCommand({ QueueUrl: requestsUrl, MessageBody: "{not json" }));
    const runId = started.body.runId;
    const letters = await until(list, (items) => items.length === 2);

    // Assess: listed with what an operator needs; filters narrow the listing.
    expect(started.status).toBe(202);
    const request = letters.find((l) => l.kind === "run-request");
    expect(request).toMatchObject({
      runId,
      workflow: "approval",
      queue: `switchyard-${STAGE}-requests-dlq`,
      error: expect.stringMatching(/^not started after \d+ deliveries$/),
      reexecutes: `start approval run ${runId} on thread ${runId}`,
      body: { runId, workflow: "approval", source: "api" },
    });
    expect(letters.find((l) => l.kind === "unreadable")).toMatchObject({ body: "{not json" });
    expect((await list("?workflow=approval")).map((l) => l.runId)).toEqual([runId]);
    expect(await list("?minAgeSeconds=3600")).toEqual([]);
    expect(await list("?error=deliveries")).toHaveLength(1);
    expect(api.executions.get(runId)).toBeUndefined();

    // Act 1: the default is a dry run.
    const dry = await call<RedriveReport>("POST", "/dead-letters/redrive", {});

    // Assess 1: what would happen, and nothing happened.
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, matched: 2, redriven: 0 });
    const byAction = [...dry.body.entries].sort((a, b) => a.action.localeCompare(b.action));
    expect(byAction.map((e) => [e.action, e.runId])).toEqual([
      ["skipped", undefined],
      ["would-redrive", runId],
    ]);
    await api.idle();
    expect(await list()).toHaveLength(2);
    expect(api.executions.get(runId)).toBeUndefined();

    // Act 2: redrive that run only.
    const real = await call<RedriveReport>("POST", "/dead-letters/redrive", { dryRun: false, ids: [runId] });
    await until(
      async () => api.executions.get(runId),
      (e) => e !== undefined,
    );
    await api.idle();

    // Assess 2: moved back, started once, ran to its interrupt; the unreadable letter stays.
    expect(real.body).toMatchObject({ dryRun: false, matched: 1, redriven: 1 });
    expect((await list()).map((l) => l.kind)).toEqual(["unreadable"]);
    expect(api.executions.list().filter((e) => e.name === runId)).toHaveLength(1);
    expect(api.executions.get(runId)?.status).toBe("SUCCEEDED");
    const run = await call<{ status: string }>("GET", `/runs/${runId}`);
    expect(run.body.status).toBe("waiting");

    // Act 3: a second copy of the request (a redrive that crashed between send and delete).
    await aws.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: requestsUrl, MessageBody: JSON.stringify(request?.body) }),
    );
    await until(queuedRequests, (n) => n === 0);
    await api.idle();

    // Assess 3: still one execution of that run id.
    expect(api.executions.list().filter((e) => e.name === runId)).toHaveLength(1);
    expect(api.executions.list()).toHaveLength(1);
  });
});
