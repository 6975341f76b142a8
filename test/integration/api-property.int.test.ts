import fc from "fast-check";
import { resumeInProcess, runInProcess } from "switchyard/engine";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileWorkflow, threadConfig, type WorkflowDefinition } from "#engine";
import { workflows } from "#workflows";
import { localSaver } from "../../local/saver.ts";
import { type AwsDigest, awsDigest, peekAll } from "../fixtures/aws-digest.ts";
import { approvalWorkflow, supervisorWorkflow } from "../fixtures/graphs.ts";
import { anyJson, anyString } from "../fixtures/json-arbitraries.ts";

/**
 * Any valid JSON is safe end to end (issue #14, item 2): random JSON — astral characters,
 * controls, noncharacters, lone surrogates (escaped, as JSON allows), nesting — sent to every
 * route of the API over the embedded AWS never gets a 5xx, and writes all or nothing: a refusal
 * changes no table, queue or object (content digests, `test/fixtures/aws-digest.ts`); an
 * accepted start or resume adds exactly one message to the requests queue, whose input reads
 * back identical to what was sent, and nothing else (the idempotency table too, when keyed).
 */
const registry: Record<string, WorkflowDefinition> = { ...workflows, approval: approvalWorkflow() };
const WAITING = "approval_waiting-prop-0001";
const FINISHED = "approval_finished-prop-01";
/** Each property's runs: enough to meet every awkward character, a few seconds in all. */
const RUNS = 12;

let aws: LocalAws;
let api: ApiServer;
let REQUESTS: string;
let IDEMPOTENCY: string;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "apiprop" });
  REQUESTS = aws.resources.requestsQueue.name;
  IDEMPOTENCY = aws.resources.idempotencyTable.name;
  // No consumer: an accepted request stays on the queue, where the digest sees it.
  api = await startApiServer({ aws, consume: false, workflowNamed: nameIn(registry) });
  const approval = registry.approval as WorkflowDefinition;
  expect((await runInProcess(approval, {}, { aws, threadId: WAITING })).status).toBe("waiting");
  await runInProcess(approval, {}, { aws, threadId: FINISHED });
  expect((await resumeInProcess(approval, FINISHED, "approve", { aws })).status).toBe("succeeded");
});
afterAll(async () => {
  await api?.stop();
  await aws?.stop();
});

interface Sent {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
  readonly idempotencyKey?: string;
}

/** What differs between two digests: `table:<name>`, `queue:<name>`, `bucket`. */
function changed(before: AwsDigest, after: AwsDigest): string[] {
  const out: string[] = [];
  for (const [name, h] of Object.entries(after.tables))
    if (before.tables[name] !== h) out.push(`table:${name}`);
  for (const [name, h] of Object.entries(after.queues))
    if (before.queues[name] !== h) out.push(`queue:${name}`);
  if (before.bucket !== after.bucket) out.push("bucket");
  return out.sort();
}

/**
 * Sends one request and checks the property: no 5xx; a 4xx or a 200 writes nothing; a 202
 * writes one message (and its idempotency record, when keyed) and nothing else.
 */
async function sendAndCheck(req: Sent, expectInput?: unknown): Promise<number> {
  const before = await awsDigest(aws);
  const res = await fetch(`${api.url}${req.path}`, {
    method: req.method,
    headers: {
      ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(req.idempotencyKey ? { "idempotency-key": req.idempotencyKey } : {}),
    },
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  const answer = (await res.json()) as { runId?: string; resumeId?: string; error?: { code: string } };
  const after = await awsDigest(aws);

  expect(res.status, JSON.stringify(answer)).toBeLessThan(500);
  if (res.status !== 202) {
    expect(changed(before, after)).toEqual([]);
    return res.status;
  }
  const expected = [`queue:${REQUESTS}`, ...(req.idempotencyKey ? [`table:${IDEMPOTENCY}`] : [])].sort();
  expect(changed(before, after)).toEqual(expected);
  expect(after.counts[REQUESTS]).toBe((before.counts[REQUESTS] ?? 0) + 1);
  if (expectInput !== undefined) {
    const id = answer.resumeId ?? answer.runId;
    const queued = (await peekAll(aws, REQUESTS))
      .map((m) => JSON.parse(m.body) as { runId: string; input?: unknown })
      .find((r) => r.runId === id);
    expect(queued?.input).toEqual(expectInput);
  }
  return res.status;
}

/**
 * A path or query component as a client escapes it: UTF-8 percent-escapes, and a lone surrogate
 * (which `encodeURIComponent` refuses) as the three bytes a lax encoder writes for it — invalid
 * UTF-8 the server must refuse with a 400, not a 500.
 */
const enc = (s: string) =>
  [...s]
    .map((ch) => {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp < 0xd800 || cp > 0xdfff) return encodeURIComponent(ch);
      const bytes = [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
      return bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    })
    .join("");
/** A query string of random keys and values (escaped as a client would). */
const anyQuery = fc.dictionary(anyString(12), anyString(24), { maxKeys: 3 }).map((q) =>
  Object.entries(q)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join("&"),
);
/** `JSON.stringify` of a value, which escapes lone surrogates: a valid JSON text. */
const text = (value: unknown) => JSON.stringify(value);
/** Nesting anywhere from 1 to 30 levels around an awkward string: within the API's 32. */
const deep = fc
  .tuple(fc.integer({ min: 1, max: 30 }), anyString(8), fc.boolean())
  .map(([depth, leaf, arrays]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { k: value };
    return value;
  });
const someJson = fc.oneof(anyJson(5), deep);

describe("random valid JSON on every route: never a 5xx, all or nothing", () => {
  it("POST /workflows/{name}/runs with random input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("triage", "reconciliation", "investigation"),
        someJson,
        async (name, input) => {
          await sendAndCheck({ method: "POST", path: `/workflows/${name}/runs`, body: text({ input }) });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("POST /workflows/{name}/runs with a random body", async () => {
    await fc.assert(
      fc.asyncProperty(someJson, async (body) => {
        await sendAndCheck({ method: "POST", path: "/workflows/triage/runs", body: text(body) });
      }),
      { numRuns: RUNS },
    );
  });

  it("a valid triage start with a random tradeId and Idempotency-Key: accepted once, input identical", async () => {
    const key = fc.stringMatching(/^[A-Za-z0-9._:~-]{1,128}$/);
    const tradeId = anyString(60).filter((s) => s.trim().length > 0);
    let accepted = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(tradeId, fc.option(key, { nil: undefined }), async (id, drawn) => {
        // A key drawn twice (a short one, "a") with another body would be a 422 by design: one key per request.
        const idempotencyKey = drawn === undefined ? undefined : `${++n}.${drawn}`.slice(0, 128);
        const input = { tradeId: id };
        const status = await sendAndCheck(
          {
            method: "POST",
            path: "/workflows/triage/runs",
            body: text({ input }),
            ...(idempotencyKey ? { idempotencyKey } : {}),
          },
          input,
        );
        if (status === 202) accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBe(RUNS); // every one of them valid: none refused for its characters
  });

  it("POST /runs/{id}/resume with a random body", async () => {
    await fc.assert(
      fc.asyncProperty(someJson, fc.boolean(), async (decision, wrapped) => {
        const body = wrapped ? { decision } : decision;
        await sendAndCheck({ method: "POST", path: `/runs/${WAITING}/resume`, body: text(body) });
      }),
      { numRuns: RUNS },
    );
  });

  it("GET /runs/{id}, /runs/{id}/history and /dead-letters with random ids and queries", async () => {
    const runId = fc.oneof(fc.constantFrom(WAITING, FINISHED, "triage_nothing-here-01"), anyString(90));
    await fc.assert(
      fc.asyncProperty(runId, anyQuery, fc.constantFrom("", "/history"), async (id, query, tail) => {
        await sendAndCheck({ method: "GET", path: `/runs/${enc(id)}${tail}${query ? `?${query}` : ""}` });
        await sendAndCheck({ method: "GET", path: `/dead-letters${query ? `?${query}` : ""}` });
      }),
      { numRuns: RUNS },
    );
  });

  it("POST /dead-letters/redrive with a random body", async () => {
    await fc.assert(
      fc.asyncProperty(someJson, async (body) => {
        await sendAndCheck({ method: "POST", path: "/dead-letters/redrive", body: text(body) });
      }),
      { numRuns: RUNS },
    );
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

describe("awkward strings through the whole path: API → SQS → Step Functions → Lambdas → DynamoDB", () => {
  const AWKWARD = ["price-😀 \ufffe \uffff", "settle-\ud800 \u0000 \u007f é", "price-\udfff\u{10ffff}"];
  let aws2: LocalAws;
  let api2: ApiServer;
  const running: Record<string, WorkflowDefinition> = {
    supervisor: supervisorWorkflow(),
    approval: approvalWorkflow(),
  };

  beforeAll(async () => {
    aws2 = await startLocalAws({ stage: "apiprop2" });
    api2 = await startApiServer({ aws: aws2, workflowNamed: nameIn(running), retryIntervalMs: 1 });
  });
  afterAll(async () => {
    await api2?.stop();
    await aws2?.stop();
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${api2.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { runId: string } };
  };
  /** Polls the run until the consumer has run it to `status` (the queue is asynchronous, as on AWS). */
  const settled = async (runId: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      await api2.idle();
      const run = (await fetch(`${api2.url}/runs/${runId}`).then((r) => r.json())) as { status?: string };
      if (run.status === status) return run;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${runId} did not reach ${status}`);
  };
  const state = async (workflow: WorkflowDefinition, runId: string) =>
    (await compileWorkflow(workflow, localSaver(aws2)).getState(threadConfig(runId))).values as Record<
      string,
      unknown
    >;

  it("a run's input comes back from its checkpoints identical, and the run succeeds", async () => {
    const started = await post("/workflows/supervisor/runs", { input: { open: AWKWARD } });
    await settled(started.body.runId, "succeeded");

    expect(started.status).toBe(202);
    const values = await state(running.supervisor as WorkflowDefinition, started.body.runId);
    expect(values.open).toEqual(AWKWARD);
    expect([...(values.resolved as string[])].sort()).toEqual([...AWKWARD].sort());
  });

  it("a resume decision comes back from its checkpoints identical", async () => {
    const started = await post("/workflows/approval/runs", {});
    await settled(started.body.runId, "waiting");
    const decision = AWKWARD.join("|");
    const resumed = await post(`/runs/${started.body.runId}/resume`, { decision });
    await settled(started.body.runId, "succeeded");

    expect(resumed.status).toBe(202);
    const values = await state(running.approval as WorkflowDefinition, started.body.runId);
    expect(values.decision).toBe(decision);
    expect(values.log).toEqual(["propose", `approve:${decision}`]);
  });
});
