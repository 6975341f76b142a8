import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resumeInProcess, runInProcess } from "switchyard/engine";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FourEyesAsk } from "#agents";
import type { ProxyEvent } from "#api";
import { compileWorkflow, readPosition, waitingInterrupts } from "#engine";
import { bindEffectsLedger, type EffectsLedger, inMemoryEffectsLedger } from "#tools";
import { writeDay } from "#trading/generate";
import { getWorkflow, PROPOSER, type TriageStateValue, triage } from "#workflows";
import { checkpointReader, statusCommand } from "../../cli/aws-target/index.ts";
import { resumeCommand } from "../../cli/resume.ts";
import { localSaver } from "../../local/saver.ts";
import { treasuryDuplicate } from "../fixtures/trading.ts";

/**
 * Four-eyes approval through each resume path on the embedded AWS — `resumeInProcess`, the
 * CLI's `switchyard resume --answer`, and `POST /runs/{id}/resume` — each stamping the caller it
 * authenticated (the OS user as `local:…`, the IAM principal as `iam:…`) and refusing before
 * anything is enqueued: an answer naming its approver, the proposer approving, the same approver
 * twice, an answer after the deadline. Clocks are fixed; no assertion waits on time.
 */

/** Before the deadline, and after it. */
const BEFORE = new Date("2026-11-24T15:00:00Z");
const AFTER = new Date("2026-11-24T16:30:00Z");
const DEADLINE = "2026-11-24T16:00:00Z";

let aws: LocalAws;
let ledger: EffectsLedger;
let unbind: () => void;
let dir: string;
/** A duplicate booking of a US Treasury: its cancellation needs two approvers. */
let bondCancel: { data: { uri: string }; tradeId: string };

beforeAll(async () => {
  aws = await startLocalAws({ stage: "foureyes" });
  ledger = inMemoryEffectsLedger();
  unbind = bindEffectsLedger(ledger);
  dir = await mkdtemp(join(tmpdir(), "switchyard-four-eyes-int-"));
  const { day, repeat } = treasuryDuplicate();
  await writeDay(dir, day);
  bondCancel = { data: { uri: dir }, tradeId: repeat.tradeId };
});
afterAll(async () => {
  unbind?.();
  await aws?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The four-eyes part of the run's waiting interrupt, read from its checkpoint. */
async function askOf(threadId: string): Promise<FourEyesAsk | undefined> {
  const saver = localSaver(aws);
  const position = await readPosition({ saver }, compileWorkflow(triage, saver), threadId);
  return (waitingInterrupts(position.tasks)[0]?.value as { fourEyes?: FourEyesAsk } | undefined)?.fourEyes;
}

/** Who gave each answer on the run's audit chain, in order. */
async function approversOnChain(runId: string): Promise<unknown[]> {
  const records = (await aws.audit.log.stored(runId)).map(
    (s) => JSON.parse(s.body) as { kind: string; data: { by?: unknown } },
  );
  return records.filter((r) => r.kind === "approval").map((r) => r.data.by);
}

const codeOf = (attempt: Promise<unknown>) =>
  attempt.then(
    () => "accepted",
    (err: unknown) => (err as { code?: string }).code,
  );

describe("resumeInProcess", () => {
  it("counts two distinct approvers, refusing the proposer, the same approver twice and a body naming its approver", async () => {
    // Prepare
    const waiting = await runInProcess(triage, bondCancel, { aws });
    const as = (approver: string) => ({ aws, approver, now: () => BEFORE });
    // Act
    const named = await codeOf(
      resumeInProcess(
        triage,
        waiting.threadId,
        { decision: "approve", by: "local:ops.raj" },
        as("local:ops.jane"),
      ),
    );
    const proposer = await codeOf(
      resumeInProcess(triage, waiting.threadId, { decision: "approve" }, as(PROPOSER)),
    );
    const first = await resumeInProcess(
      triage,
      waiting.threadId,
      { decision: "approve" },
      as("local:ops.jane"),
    );
    const twice = await codeOf(
      resumeInProcess(triage, waiting.threadId, { decision: "approve" }, as("local:ops.jane")),
    );
    const afterOne = await askOf(waiting.threadId);
    const done = await resumeInProcess(
      triage,
      waiting.threadId,
      { decision: "approve" },
      as("local:ops.raj"),
    );
    // Assess
    expect([named, proposer, twice]).toEqual([
      "FourEyes.IdentityInAnswer",
      "FourEyes.Excluded",
      "FourEyes.AlreadyApproved",
    ]);
    expect(first.status).toBe("waiting");
    expect(afterOne).toMatchObject({
      policy: { rule: "govt-bond-cancel", approvers: 2 },
      approvals: [{ decision: "approve", by: "local:ops.jane", at: BEFORE.toISOString() }],
      needed: 1,
    });
    expect(done.status).toBe("succeeded");
    expect((done.state as unknown as TriageStateValue).approval).toMatchObject({
      by: "local:ops.jane and local:ops.raj",
      approvers: ["local:ops.jane", "local:ops.raj"],
    });
    // Each accepted answer is on the run's audit chain with who gave it; refused ones are not.
    expect(await approversOnChain(waiting.threadId)).toEqual(["local:ops.jane", "local:ops.raj"]);
  });

  it("refuses an answer after the request's approveBy, and takes one before it", async () => {
    // Prepare
    const waiting = await runInProcess(triage, { ...bondCancel, approveBy: DEADLINE }, { aws });
    // Act
    const late = await codeOf(
      resumeInProcess(
        triage,
        waiting.threadId,
        { decision: "approve" },
        { aws, approver: "local:a", now: () => AFTER },
      ),
    );
    const onTime = await resumeInProcess(
      triage,
      waiting.threadId,
      { decision: "reject", comment: "not ours to cancel" },
      { aws, approver: "local:a", now: () => BEFORE },
    );
    // Assess
    expect(late).toBe("FourEyes.DeadlinePassed");
    expect(onTime.status).toBe("succeeded");
    expect((onTime.state as unknown as TriageStateValue).triageReport).toMatchObject({
      outcome: "escalated",
    });
  });
});

describe("switchyard resume --answer", () => {
  it("answers as the given local user, refuses the same user twice (exit 2 by its code), applies at the second", async () => {
    // Prepare
    const waiting = await runInProcess(triage, bondCancel, { aws });
    const lines: string[] = [];
    const resume = (approver: string, answer: unknown = { decision: "approve" }) =>
      resumeCommand({
        aws,
        workflowNamed: getWorkflow,
        runId: waiting.threadId,
        list: false,
        dryRun: false,
        answer,
        workflow: "triage",
        approver,
        now: () => BEFORE,
        out: (line) => lines.push(line),
      });
    // Act
    const first = await resume("local:ops.jane");
    const status: string[] = [];
    await statusCommand({
      runId: waiting.threadId,
      workflow: triage,
      read: checkpointReader(localSaver(aws)),
      where: "the local AWS",
      json: false,
      out: (text) => status.push(text),
    });
    const twice = await codeOf(resume("local:ops.jane"));
    const named = await codeOf(resume("local:ops.raj", { decision: "approve", by: "local:ops.jane" }));
    const second = await resume("local:ops.raj");
    // Assess
    expect(first, lines.join("\n")).toBe(0);
    expect(status.join("\n")).toContain(
      "approvals   1 of 2 approvals (local:ops.jane, rule govt-bond-cancel); 1 more from anyone but agent:triage.fixer (proposer), local:ops.jane",
    );
    expect([twice, named]).toEqual(["FourEyes.AlreadyApproved", "FourEyes.IdentityInAnswer"]);
    expect(second).toBe(0);
    expect(await askOf(waiting.threadId)).toBeUndefined();
    expect(await approversOnChain(waiting.threadId)).toEqual(["local:ops.jane", "local:ops.raj"]);
  });
});

describe("POST /runs/{id}/resume", () => {
  let api: ApiServer;
  let clock = BEFORE;
  beforeAll(async () => {
    api = await startApiServer({ aws, now: () => clock });
  });
  afterAll(async () => {
    await api?.stop();
  });

  /** A REST proxy event as API Gateway sends it, signed by the IAM user `user`. */
  function request(method: string, path: string, user: string, body?: unknown): ProxyEvent {
    return {
      httpMethod: method,
      path,
      resource: "/{proxy+}",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      requestContext: {
        identity: { userArn: `arn:aws:iam::123456789012:user/${user}`, caller: "AIDAEXAMPLE" },
      },
      body: body === undefined ? null : JSON.stringify(body),
      isBase64Encoded: false,
    } as ProxyEvent;
  }
  async function call(method: string, path: string, user: string, body?: unknown) {
    const res = await api.handler(request(method, path, user, body));
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
  }
  /** The run's view once `until` holds (the queue is asynchronous, as on AWS): polled, never timed. */
  async function view(runId: string, until: (body: Record<string, unknown>) => boolean) {
    for (let i = 0; i < 200; i++) {
      await api.idle();
      const res = await call("GET", `/runs/${runId}`, "viewer");
      if (res.status === 200 && until(res.body)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${runId} did not settle`);
  }
  const approvalsIn = (body: Record<string, unknown>) =>
    (body as { waiting?: { interrupts: { value: { fourEyes: FourEyesAsk } }[] } }).waiting?.interrupts[0]
      ?.value.fourEyes.approvals.length;
  const waitingWith = (n: number) => (body: Record<string, unknown>) =>
    body.status === "waiting" && approvalsIn(body) === n;
  const finished = (body: Record<string, unknown>) => body.status === "succeeded" || body.status === "failed";

  /** `POST /runs/{id}/resume` with `{ "decision": <answer> }`, as `user`. */
  const resume = (runId: string, user: string, answer: unknown) =>
    call("POST", `/runs/${runId}/resume`, user, { decision: answer });

  it("shows who approved and who still may; 400 for a body naming its approver, 409 for the same principal twice; applies at the second", async () => {
    // Prepare
    const started = await call("POST", "/workflows/triage/runs", "requester", { input: bondCancel });
    const runId = String(started.body.runId);
    await view(runId, waitingWith(0));
    // Act
    const named = await resume(runId, "jane", {
      decision: "approve",
      by: "iam:arn:aws:iam::123456789012:user/raj",
    });
    const namedBeside = await call("POST", `/runs/${runId}/resume`, "jane", {
      decision: "approve",
      by: "raj",
    });
    const first = await resume(runId, "jane", { decision: "approve", comment: "a double booking" });
    const afterOne = await view(runId, waitingWith(1));
    const twice = await resume(runId, "jane", "approve");
    const second = await resume(runId, "raj", "approve");
    const done = await view(runId, finished);
    // Assess
    expect(started.status).toBe(202);
    expect(named).toMatchObject({ status: 400, body: { error: { code: "FourEyes.IdentityInAnswer" } } });
    expect(namedBeside).toMatchObject({
      status: 400,
      body: { error: { code: "Switchyard.InvalidRequest" } },
    });
    expect(first.status).toBe(202);
    expect(afterOne).toMatchObject({
      status: "waiting",
      waiting: {
        interrupts: [
          {
            value: {
              fourEyes: {
                policy: { rule: "govt-bond-cancel", approvers: 2 },
                approvals: [
                  {
                    decision: "approve",
                    by: "iam:arn:aws:iam::123456789012:user/jane",
                    at: BEFORE.toISOString(),
                    comment: "a double booking",
                  },
                ],
                excluded: [
                  { role: "requester", id: "iam:arn:aws:iam::123456789012:user/requester" },
                  { role: "proposer", id: PROPOSER },
                ],
                needed: 1,
              },
            },
          },
        ],
      },
    });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: "FourEyes.AlreadyApproved" } } });
    expect(second.status).toBe(202);
    expect(done.status).toBe("succeeded");
  });

  it("refuses the approval of whoever asked for the run (403), taking another person's", async () => {
    // Prepare: the principal that starts the run is its requester (the API records it, never the body)
    const started = await call("POST", "/workflows/triage/runs", "requester", { input: bondCancel });
    const runId = String(started.body.runId);
    await view(runId, waitingWith(0));
    // Act
    const self = await resume(runId, "requester", "approve");
    const other = await resume(runId, "jane", "approve");
    const afterOne = await view(runId, waitingWith(1));
    // Assess
    expect(self).toMatchObject({ status: 403, body: { error: { code: "FourEyes.Excluded" } } });
    expect(self.body.error).toMatchObject({ message: expect.stringContaining("requester") });
    expect(other.status).toBe(202);
    expect(afterOne.status).toBe("waiting");
  });

  it("takes no requester from the request body: an input naming one is refused", async () => {
    const named = await call("POST", "/workflows/triage/runs", "requester", {
      input: { ...bondCancel, requestedBy: "iam:arn:aws:iam::123456789012:user/someone-else" },
    });
    expect(named).toMatchObject({ status: 400, body: { error: { code: "Switchyard.InvalidRequest" } } });
    expect(JSON.stringify(named.body)).toContain("requestedBy");
  });

  it("refuses an approval after the run's deadline with 409, by the API's clock", async () => {
    // Prepare
    const started = await call("POST", "/workflows/triage/runs", "requester", {
      input: { ...bondCancel, approveBy: DEADLINE },
    });
    const runId = String(started.body.runId);
    await view(runId, waitingWith(0));
    // Act
    clock = AFTER;
    const late = await resume(runId, "jane", "approve");
    clock = BEFORE;
    const still = await view(runId, waitingWith(0));
    // Assess
    expect(late).toMatchObject({ status: 409, body: { error: { code: "FourEyes.DeadlinePassed" } } });
    expect(still).toMatchObject({
      status: "waiting",
      waiting: { interrupts: [{ value: { fourEyes: { approvals: [] } } }] },
    });
  });
});
