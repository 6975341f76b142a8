import { hostname } from "node:os";
import { runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThreadLeases } from "#checkpoint";
import type { WorkflowDefinition } from "#engine";
import { listLocalRuns, releaseAbandonedLease } from "../../local/runs.ts";
import { localLeases, localSaver } from "../../local/saver.ts";
import { approvalWorkflow, fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * `switchyard runs` reads what became of every run from the checkpoint table: finished, waiting,
 * failed, interrupted (tasks left, nobody holding it) or running (a live holder) — skipping the
 * audit chains that share the table — and a lease left by a dead CLI process is freed.
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "runs" });
});
afterAll(async () => {
  await aws?.stop();
});

const fanOut = fanOutWorkflow("per-node", 3);
const approval = approvalWorkflow("per-node");
const named = (name: string): WorkflowDefinition => {
  const found = [fanOut, approval].find((w) => w.name === name);
  if (!found) throw new Error(`unknown ${name}`);
  return found;
};

function leasesOwnedBy(owner: string): ThreadLeases {
  const { table } = localSaver(aws);
  return new ThreadLeases({
    client: table.client,
    tableName: table.name,
    partitionKey: table.pk,
    sortKey: table.sk,
    owner,
  });
}

describe("local runs", () => {
  it("lists each run with its status, step and tasks done, newest first", async () => {
    const succeeded = await runOnStepFunctions(fanOut, {}, { aws });
    const waiting = await runOnStepFunctions(approval, {}, { aws });
    const failed = await runOnStepFunctions(
      fanOut,
      {},
      {
        aws,
        wrapHandler: (slot, handler) => async (event) => {
          if (slot.node === "summarize")
            throw Object.assign(new Error("report store down"), { name: "StoreDownError" });
          return handler(event);
        },
      },
    );
    const stop = new AbortController();
    const interrupted = await runOnStepFunctions(
      fanOut,
      {},
      {
        aws,
        signal: stop.signal,
        wrapHandler: (slot, handler) => async (event) => {
          if (slot.node === "match") stop.abort();
          return handler(event);
        },
      },
    );
    const running = await runOnStepFunctions(fanOut, {}, { aws, signal: AbortSignal.abort() });
    // A live execution elsewhere holds this one (no local owner: trusted until it expires).
    await leasesOwnedBy("").take(running.threadId, "exec-elsewhere", { workflow: fanOut.name });

    const runs = await listLocalRuns(aws, named);
    const byId = new Map(runs.map((r) => [r.runId, r]));

    expect(succeeded.status).toBe("succeeded");
    expect(byId.get(succeeded.threadId)).toMatchObject({ status: "succeeded", tasks: { done: 0, total: 0 } });
    expect(byId.get(waiting.threadId)).toMatchObject({ status: "waiting", workflow: "approval" });
    expect(byId.get(failed.threadId)).toMatchObject({
      status: "failed",
      error: { code: "StoreDownError", node: "summarize" },
    });
    expect(byId.get(interrupted.threadId)).toMatchObject({
      status: "interrupted",
      step: 1,
      tasks: { total: 3 },
    });
    expect(byId.get(running.threadId)).toMatchObject({ status: "running", heldBy: "exec-elsewhere" });
    expect(runs.some((r) => r.runId.startsWith("audit#"))).toBe(false);
    expect(runs[0]?.runId).toBe(running.threadId);
  });

  it("frees a lease whose holder was a local process that is gone, and leaves a live one", async () => {
    const stop = new AbortController();
    const run = await runOnStepFunctions(
      fanOut,
      {},
      {
        aws,
        signal: stop.signal,
        wrapHandler: (_s, h) => async (e) => {
          stop.abort();
          return h(e);
        },
      },
    );
    const deadPid = 2 ** 22 + 17; // above Linux's pid_max default: never a live process
    await leasesOwnedBy(`pid ${deadPid} on ${hostname()}`).take(run.threadId, "exec-killed", {
      workflow: fanOut.name,
    });
    const other = await runOnStepFunctions(fanOut, {}, { aws, signal: AbortSignal.abort() });
    await leasesOwnedBy(`pid ${process.pid} on ${hostname()}`).take(other.threadId, "exec-live", {
      workflow: fanOut.name,
    });

    const freed = await releaseAbandonedLease(aws, run.threadId);
    const kept = await releaseAbandonedLease(aws, other.threadId);
    const after = await localLeases(aws).read(run.threadId);
    const runs = new Map((await listLocalRuns(aws, named)).map((r) => [r.runId, r]));

    expect(freed).toMatchObject({ holder: "exec-killed" });
    expect(kept).toBeUndefined();
    expect(after?.expiresAt).toBe(0);
    expect(runs.get(run.threadId)?.status).toBe("interrupted");
    expect(runs.get(other.threadId)?.status).toBe("running");
  });
});
