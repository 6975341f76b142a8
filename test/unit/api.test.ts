import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from "@aws-lambda-powertools/idempotency";
import { BasePersistenceLayer, type IdempotencyRecord } from "@aws-lambda-powertools/idempotency/persistence";
import { MemorySaver } from "@langchain/langgraph-checkpoint";
import { describe, expect, it } from "vitest";
import {
  createApiHandler,
  type DeadLettersPort,
  type FailedRunsPort,
  type ProxyEvent,
  type RedriveOptions,
} from "#api";
import { compileWorkflow, type WorkflowDefinition } from "#engine";
import { type RunRequest, RunRequestSchema } from "#ingress";
import { workflows } from "#workflows";
import { approvalWorkflow } from "../fixtures/graphs.ts";

/** Idempotency records in a Map: the Powertools contract (put fails on a live key), no network. */
class MemoryPersistence extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();
  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.records.get(record.idempotencyKey);
    if (existing && !existing.isExpired()) throw new IdempotencyItemAlreadyExistsError("exists", existing);
    this.records.set(record.idempotencyKey, record);
  }
  protected async _getRecord(key: string): Promise<IdempotencyRecord> {
    const found = this.records.get(key);
    if (!found) throw new IdempotencyItemNotFoundError();
    return found;
  }
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.records.set(record.idempotencyKey, record);
  }
  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}

const NOW = new Date("2026-11-25T18:00:00.000Z");
const registry: Record<string, WorkflowDefinition> = { ...workflows, approval: approvalWorkflow() };

/** A handler over fakes: the queue is an array, the saver in memory, ids counted. */
function setup(
  options: {
    auth?: "iam" | "cognito";
    deadLetters?: DeadLettersPort;
    failedRuns?: FailedRunsPort;
    saver?: MemorySaver;
    failQueue?: boolean;
  } = {},
) {
  const sent: RunRequest[] = [];
  const logged: unknown[] = [];
  let n = 0;
  const store = new MemoryPersistence();
  const handler = createApiHandler({
    ports: {
      queue: {
        enqueue: async (r) => {
          if (options.failQueue) throw new Error("SQS is down: secret internals");
          sent.push(r);
        },
      },
      saver: options.saver ?? new MemorySaver(),
      workflowNamed: (name) => {
        const found = registry[name];
        if (!found) throw Object.assign(new Error(name), { code: "Switchyard.UnknownWorkflow" });
        return found as WorkflowDefinition;
      },
      deadLetters: options.deadLetters ?? {
        list: async () => [],
        redrive: async (o) => ({ dryRun: o.dryRun, matched: 0, redriven: 0, entries: [] }),
      },
      ...(options.failedRuns ? { failedRuns: options.failedRuns } : {}),
      now: () => NOW,
      newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    },
    workflows: Object.values(registry),
    idempotencyStore: store,
    idempotencyTtlSeconds: 3600,
    auth: options.auth ?? "iam",
    log: (_m, e) => logged.push(e),
  });
  return { handler, sent, logged, store };
}

function event(method: string, path: string, init: Partial<ProxyEvent> = {}): ProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: "/{proxy+}",
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { identity: { userArn: "arn:aws:iam::123456789012:role/ops" } },
    body: null,
    isBase64Encoded: false,
    ...init,
  };
}
const start = (body: unknown, headers: Record<string, string> = {}, init: Partial<ProxyEvent> = {}) =>
  event("POST", "/workflows/triage/runs", {
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    ...init,
  });

describe("POST /workflows/{name}/runs", () => {
  it("enqueues one run request the dispatcher accepts, and answers 202 with its run id", async () => {
    const { handler, sent } = setup();
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    const res = await handler(
      start({ input: { dataset: { trades: 10 } } }, { traceparent, "Idempotency-Key": "k-1" }),
    );

    expect(res.statusCode).toBe(202);
    const runId = "triage_00000000-0000-4000-8000-000000000001";
    expect(JSON.parse(res.body)).toEqual({ runId });
    expect(res.headers?.location).toBe(`/runs/${runId}`);
    expect(sent).toHaveLength(1);
    expect(RunRequestSchema.parse(sent[0])).toEqual({
      runId,
      workflow: "triage",
      input: { dataset: { trades: 10 } },
      source: "api",
      idempotencyKey: "k-1",
      requestedAt: NOW.toISOString(),
      // The authenticated caller, for four-eyes rules that exclude the requester.
      requestedBy: "iam:arn:aws:iam::123456789012:role/ops",
      traceparent,
    });
  });

  it("never starts two runs for one key; scopes keys per caller", async () => {
    const { handler, sent } = setup();
    const body = { input: {} };

    const first = await handler(start(body, { "idempotency-key": "same" }));
    const again = await handler(start(body, { "idempotency-key": "same" }));
    const other = await handler(
      start(
        body,
        { "idempotency-key": "same" },
        { requestContext: { identity: { userArn: "arn:aws:iam::1:user/b" } } },
      ),
    );

    expect(JSON.parse(again.body)).toEqual(JSON.parse(first.body));
    expect(JSON.parse(other.body)).not.toEqual(JSON.parse(first.body));
    expect(sent).toHaveLength(2);
  });

  it("frees the key when the queue fails, answering 500 without internals", async () => {
    const { handler, logged, store } = setup({ failQueue: true });

    const res = await handler(start({}, { "idempotency-key": "k" }));

    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/SQS|secret/);
    expect(JSON.parse(res.body).error.code).toBe("Switchyard.Internal");
    expect(logged).toHaveLength(1);
    expect(store.records.size).toBe(0);
  });

  it("names each bad field of the workflow's input", async () => {
    const { handler, sent } = setup();

    const res = await handler(start({ input: { dataset: { trades: "x", seed: -1.5 } } }));

    expect(res.statusCode).toBe(400);
    const paths = (JSON.parse(res.body).error.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toContain("body.input.dataset.trades");
    expect(sent).toHaveLength(0);
  });
});

describe("authentication", () => {
  it("iam: takes the caller from the IAM identity, refuses a request without one", async () => {
    const { handler } = setup({ auth: "iam" });
    expect((await handler(start({}))).statusCode).toBe(202);
    expect((await handler(start({}, {}, { requestContext: { identity: {} } }))).statusCode).toBe(401);
  });

  it("cognito: takes the caller from the user pool's claims, ignores an IAM identity", async () => {
    const { handler } = setup({ auth: "cognito" });
    const withClaims = { requestContext: { authorizer: { claims: { sub: "user-1" } } } };
    expect((await handler(start({}, {}, withClaims))).statusCode).toBe(202);
    const res = await handler(start({}));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body).error.message).toMatch(/cognito/);
  });
});

describe("dead letters", () => {
  it("passes the validated query and body to the ops port: a dry run unless dryRun is false", async () => {
    // Prepare
    const lists: unknown[] = [];
    const redrives: RedriveOptions[] = [];
    const port: DeadLettersPort = {
      list: async (o) => {
        lists.push(o);
        return [];
      },
      redrive: async (o) => {
        redrives.push(o);
        return { dryRun: o.dryRun, matched: 1, redriven: o.dryRun ? 0 : 1, entries: [] };
      },
    };
    const { handler } = setup({ deadLetters: port });
    const redrive = (body: unknown) =>
      event("POST", "/dead-letters/redrive", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    // Act
    const dry = await handler(redrive({}));
    const real = await handler(
      redrive({
        dryRun: false,
        max: 5,
        filter: { workflow: "triage", minAgeSeconds: 60 },
        ids: ["run-0001"],
      }),
    );
    const list = await handler(
      event("GET", "/dead-letters", {
        queryStringParameters: { limit: "3", workflow: "triage", error: "Throttl", minAgeSeconds: "600" },
      }),
    );

    // Assess
    expect(JSON.parse(dry.body)).toMatchObject({ dryRun: true, redriven: 0 });
    expect(JSON.parse(real.body)).toMatchObject({ dryRun: false, redriven: 1 });
    expect(redrives).toEqual([
      { dryRun: true, max: 100, filter: {} },
      { dryRun: false, max: 5, filter: { workflow: "triage", minAgeSeconds: 60, ids: ["run-0001"] } },
    ]);
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(list.body)).toEqual({ items: [] });
    expect(lists).toEqual([
      { limit: 3, filter: { workflow: "triage", error: "Throttl", minAgeSeconds: 600 } },
    ]);
  });

  it("refuses a bad filter before the port is called", async () => {
    const calls: unknown[] = [];
    const port: DeadLettersPort = {
      list: async (o) => {
        calls.push(o);
        return [];
      },
      redrive: async (o) => {
        calls.push(o);
        return { dryRun: true, matched: 0, redriven: 0, entries: [] };
      },
    };
    const { handler } = setup({ deadLetters: port });
    const post = (body: unknown) =>
      handler(
        event("POST", "/dead-letters/redrive", {
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );

    const answers = await Promise.all([
      post({ ids: [] }),
      post({ ids: ["a/b"] }),
      post({ filter: { queue: "x" } }),
      post({ filter: { minAgeSeconds: -1 } }),
      handler(event("GET", "/dead-letters", { queryStringParameters: { error: "\u0000" } })),
      handler(event("GET", "/dead-letters", { queryStringParameters: { minAgeSeconds: "soon" } })),
    ]);

    expect(answers.map((a) => a.statusCode)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(calls).toEqual([]);
  });
});

describe("GET /runs/{id} and the failed-runs port", () => {
  const RUN = "approval_stopped-run-0001";

  /** A run whose checkpoint says `running` (its next task not run), as a timed-out execution leaves it. */
  async function stoppedRun(): Promise<{ saver: MemorySaver; checkpointId: string }> {
    const saver = new MemorySaver();
    const graph = compileWorkflow(registry.approval as WorkflowDefinition, saver);
    const config = await graph.updateState(
      { configurable: { thread_id: RUN } },
      { amendment: "x" },
      "propose",
    );
    return { saver, checkpointId: String(config.configurable?.checkpoint_id) };
  }
  const timedOut = (checkpointId?: string): FailedRunsPort => ({
    failureOf: async (threadId) =>
      threadId === RUN
        ? {
            status: "TIMED_OUT",
            code: "States.Timeout",
            message: "The execution timed out.",
            node: "approve",
            ...(checkpointId ? { checkpointId } : {}),
          }
        : undefined,
  });
  const get = async (setupOptions: Parameters<typeof setup>[0]) =>
    JSON.parse((await setup(setupOptions).handler(event("GET", `/runs/${RUN}`))).body);

  it("reads failed from the failure recorded beside the checkpoints when the checkpoint still says running", async () => {
    const { saver, checkpointId } = await stoppedRun();

    const view = await get({ saver, failedRuns: timedOut(checkpointId) });

    expect(view).toMatchObject({
      status: "failed",
      checkpointId,
      error: { code: "States.Timeout", node: "approve" },
      statusSource: "failed-runs",
    });
  });

  it("ignores a failure recorded at an older checkpoint: the run was resumed since", async () => {
    const { saver } = await stoppedRun();

    const stale = await get({ saver, failedRuns: timedOut("1f000000-0000-6000-8000-000000000000") });
    const without = await get({ saver });

    expect(stale).toMatchObject({ status: "running", statusSource: "checkpoint" });
    expect(stale.error).toBeUndefined();
    expect(without).toMatchObject({ status: "running", statusSource: "checkpoint" });
  });
});
