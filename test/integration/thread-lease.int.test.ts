import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  recoverOnStepFunctions,
  resumeOnStepFunctions,
  runInProcess,
  runOnStepFunctions,
  type StepFunctionsResult,
} from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASE_SORT_KEY, ThreadBusyError, ThreadLeases } from "#checkpoint";
import { createEngineSteps, type FunctionSlot } from "#engine";
import { localSaver } from "../../local/saver.ts";
import { approvalWorkflow, fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * One execution per thread: the lease in the checkpoint table lets exactly one of two racing
 * executions on a thread go on (the other fails at its start with `Switchyard.ThreadBusy`), and
 * a holder that died stops keeping others out once its lease expires.
 */
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "lease" });
});
afterAll(async () => {
  await aws?.stop();
});

function leasesAt(clock: { now: number }, seconds = 60): ThreadLeases {
  const { table } = localSaver(aws);
  return new ThreadLeases({
    client: table.client,
    tableName: table.name,
    partitionKey: table.pk,
    sortKey: table.sk,
    seconds,
    now: () => clock.now,
  });
}

async function busy(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return "taken";
  } catch (err) {
    return (err as ThreadBusyError).code;
  }
}

/**
 * Two executions raced on one thread: each one's start, once it has its answer (lease or
 * refusal), waits until one of the two has ended, so the winner cannot finish and give the
 * lease back before the loser has tried.
 */
function race(
  run: (wrap: StepOptions["wrapHandler"]) => [Promise<StepFunctionsResult>, Promise<StepFunctionsResult>],
): Promise<[StepFunctionsResult, StepFunctionsResult]> {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const wrap: StepOptions["wrapHandler"] = (slot: FunctionSlot, handler) => async (event) => {
    if (slot.role !== "start") return handler(event);
    const plan = await handler(event);
    await gate;
    return plan;
  };
  const runs = run(wrap);
  for (const r of runs) r.finally(open).catch(() => undefined);
  return Promise.all(runs) as Promise<[StepFunctionsResult, StepFunctionsResult]>;
}
type StepOptions = NonNullable<Parameters<typeof runOnStepFunctions>[2]>;

describe("thread lease", () => {
  it("keeps a second holder out until the first releases it or it expires", async () => {
    const clock = { now: 1_000_000 };
    const leases = leasesAt(clock);

    await leases.take("t-lease", "exec-a", { workflow: "fan-out" });
    const retake = await busy(leases.take("t-lease", "exec-a"));
    const second = await busy(leases.take("t-lease", "exec-b"));
    clock.now += 30_000;
    const renewed = await busy(leases.renew("t-lease", "exec-a"));
    clock.now += 61_000;
    const afterExpiry = await busy(leases.take("t-lease", "exec-b"));
    const lateRenewal = await busy(leases.renew("t-lease", "exec-a"));
    await leases.release("t-lease", "exec-a");
    const held = await leases.read("t-lease");

    expect([retake, second, renewed, afterExpiry, lateRenewal]).toEqual([
      "taken",
      "Switchyard.ThreadBusy",
      "taken",
      "taken",
      "Switchyard.ThreadBusy",
    ]);
    expect(held).toMatchObject({ holder: "exec-b", expiresAt: clock.now + 60_000 });
  });

  it("moves the item's TTL with every renewal, so a run longer than a day keeps its lease", async () => {
    const clock = { now: Date.UTC(2026, 0, 2) };
    const leases = leasesAt(clock);
    const { table } = localSaver(aws);
    const ttlOf = async () => {
      const { Item } = await table.client.send(
        new GetItemCommand({
          TableName: table.name,
          Key: { [table.pk]: { S: "t-long" }, [table.sk]: { S: LEASE_SORT_KEY } },
          ConsistentRead: true,
        }),
      );
      return Number(Item?.ttl?.N);
    };
    await leases.take("t-long", "exec-a");
    const taken = await ttlOf();

    clock.now += 2 * 86_400_000; // two days of supersteps, each commit renewing
    await leases.renew("t-long", "exec-a");
    const renewed = await ttlOf();
    await leases.release("t-long", "exec-a");

    expect(taken).toBe((Date.UTC(2026, 0, 2) + 60_000) / 1000 + 86_400);
    expect(renewed).toBe((clock.now + 60_000) / 1000 + 86_400);
    expect(await ttlOf()).toBe(renewed); // a plain release leaves it to expire a day on
  });

  it("names the holder and its expiry in the refusal", async () => {
    const clock = { now: Date.UTC(2026, 0, 2) };
    const leases = leasesAt(clock);
    await leases.take("t-named", "exec-a");

    const refusal = await leases.take("t-named", "exec-b").catch((err: unknown) => err);

    expect(refusal).toBeInstanceOf(ThreadBusyError);
    expect((refusal as Error).message).toBe(
      'Thread "t-named" is held by execution exec-a until 2026-01-02T00:01:00.000Z: one execution per thread.',
    );
  });

  it("lets a recovery in once a crashed holder's lease expired, and stops the old holder at its commit", async () => {
    const workflow = fanOutWorkflow("per-node", 2);
    const clock = { now: Date.now() };
    const engine = createEngineSteps(
      { saver: localSaver(aws), leases: leasesAt(clock, 120) },
      () => workflow,
    );
    const threadId = "crashed-holder";
    // Execution A starts, then dies before its first commit.
    const crashed = await engine.start({ workflow: workflow.name, threadId, runId: "exec-a", input: {} });

    const tooSoon = await busy(
      engine.start({ workflow: workflow.name, threadId, runId: "exec-b", recover: true }),
    );
    clock.now += 121_000;
    const recovered = await engine.start({
      workflow: workflow.name,
      threadId,
      runId: "exec-b",
      recover: true,
    });
    for (const t of recovered.tasks)
      await engine.runNode({
        workflow: workflow.name,
        threadId,
        checkpointId: recovered.checkpointId,
        taskId: t.id,
        node: t.node,
      });
    const lateCommit = await busy(engine.commit({ ...crashed, results: [] }));
    const ownCommit = await engine.commit({ ...recovered, results: [] });

    expect(crashed.lease).toBe("exec-a");
    expect(tooSoon).toBe("Switchyard.ThreadBusy");
    expect(recovered).toMatchObject({ lease: "exec-b", checkpointId: crashed.checkpointId });
    expect(lateCommit).toBe("Switchyard.ThreadBusy");
    expect(ownCommit).toMatchObject({ lease: "exec-b", step: crashed.step + 1, status: "running" });
  });

  it("recover against recover: one continues the failed run, the other fails fast, no task runs twice", async () => {
    const workflow = fanOutWorkflow("per-node", 5);
    let failing: string | undefined;
    const failed = await runOnStepFunctions(
      workflow,
      {},
      {
        aws,
        wrapHandler: (slot, handler) => async (event) => {
          const id = (event as { taskId: string }).taskId;
          if (slot.node === "match" && (failing === undefined || failing === id)) {
            failing = id;
            throw Object.assign(new Error("feed down"), { name: "FeedDownError" });
          }
          return handler(event);
        },
      },
    );
    const matched: string[] = [];
    const counting =
      (wrap: StepOptions["wrapHandler"]): StepOptions["wrapHandler"] =>
      (slot, handler) => {
        const inner = wrap ? wrap(slot, handler) : handler;
        return async (event) => {
          if (slot.node === "match") matched.push((event as { taskId: string }).taskId);
          return inner(event);
        };
      };

    const [a, b] = await race((wrap) => [
      recoverOnStepFunctions(workflow, failed.threadId, { aws, wrapHandler: counting(wrap) }),
      recoverOnStepFunctions(workflow, failed.threadId, { aws, wrapHandler: counting(wrap) }),
    ]);
    const reference = await runInProcess(workflow, {}, { aws });

    expect(failed.status).toBe("failed");
    const results = [a, b].map((r) => r.error?.code ?? r.status).sort();
    expect(results).toEqual(["Switchyard.ThreadBusy", "succeeded"]);
    expect(matched).toEqual([failing]);
    expect([a, b].find((r) => r.status === "succeeded")?.state).toEqual(reference.state);
  });

  it("resume against redrive: exactly one of the two goes on with the waiting run", async () => {
    const workflow = approvalWorkflow("per-node");
    const waiting = await runOnStepFunctions(workflow, {}, { aws });

    const [resumed, redriven] = await race((wrap) => [
      resumeOnStepFunctions(workflow, waiting.threadId, "approve", { aws, wrapHandler: wrap }),
      recoverOnStepFunctions(workflow, waiting.threadId, { aws, wrapHandler: wrap }),
    ]);
    const outcomes = [resumed, redriven].map((r) => r.error?.code ?? r.status);
    // Whichever lost, the thread is free again, and the answer goes through.
    const after =
      resumed.status === "succeeded"
        ? resumed
        : await resumeOnStepFunctions(workflow, waiting.threadId, "approve", { aws });

    expect(waiting.status).toBe("waiting");
    expect(outcomes.filter((o) => o === "Switchyard.ThreadBusy")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "Switchyard.ThreadBusy")).toEqual([
      resumed.status === "succeeded" ? "succeeded" : "waiting",
    ]);
    expect(after.status).toBe("succeeded");
    expect((after.state as { log: string[] }).log).toEqual(["propose", "approve:approve", "apply"]);
  });
});
