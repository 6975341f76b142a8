import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { runInProcess, runOnStepFunctions } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DISTRIBUTED_ABOVE } from "#engine";
import { BAD_PARTITION, wideFanOutWorkflow } from "../fixtures/distributed-graphs.ts";

/**
 * A superstep above its nodes' `distributedAbove` leaves the payload: start/commit write its task
 * list to S3 and the plan carries only where it is; locally the Distributed Map's emulation reads
 * the list from the embedded S3, runs it, writes a `ResultWriter` manifest, and commit reads the
 * failures from there (docs/engine.md, "Scale: the inline Map and the Distributed Map").
 */
const PAYLOAD_LIMIT = 256 * 1024;

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "dmap" });
});
afterAll(async () => {
  await aws?.stop();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await aws.clients.s3.send(
      new ListObjectsV2Command({
        Bucket: aws.resources.dataBucket.name,
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function json(key: string): Promise<unknown> {
  const object = await aws.clients.s3.send(
    new GetObjectCommand({ Bucket: aws.resources.dataBucket.name, Key: key }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? "null");
}

const WIDE_TASKS = Number(process.env.SWITCHYARD_WIDE_TASKS ?? 240);

describe("Distributed Map superstep", () => {
  // The suite runs a 240-task superstep over a lowered threshold; `npm run test:wide` runs the
  // issue's 2,000 tasks at the default threshold (minutes: a task's CPU grows with the width).
  it(`runs ${WIDE_TASKS} tasks from a task list in S3, every payload under 256 KB, like the in-process run`, async () => {
    const workers = WIDE_TASKS;
    const workflow = wideFanOutWorkflow({
      workers,
      ...(workers > DEFAULT_DISTRIBUTED_ABOVE ? {} : { nodes: { match: { distributedAbove: workers - 1 } } }),
    });
    const input = { trades: Array.from({ length: workers }, (_, i) => i + 1) };
    const ran: string[] = [];
    const payloads: { state: string; bytes: number }[] = [];

    const run = await runOnStepFunctions(workflow, input, {
      aws,
      threadId: `wide-${workers}`,
      wrapHandler: (slot, handler) => async (event) => {
        payloads.push({ state: slot.stateName, bytes: JSON.stringify(event).length });
        const result = await handler(event);
        if (slot.node === "match") ran.push((event as { taskId: string }).taskId);
        return result;
      },
    });
    const reference = await runInProcess(workflow, input, { aws });

    expect(run.status).toBe("succeeded");
    expect(run.state).toEqual(reference.state);
    expect(new Set(ran).size).toBe(workers);
    expect(ran).toHaveLength(workers);
    // The emulated Distributed Map ran every task (its child state names), the inline Map none.
    expect(run.stats.invocationsByState["Child Run match"]).toBe(workers);
    expect(run.stats.invocationsByState["Run match"]).toBeUndefined();
    // The commit after the wide superstep got a manifest, not 2,000 results.
    for (const p of payloads.filter((p) => p.state === "Commit")) expect(p.bytes).toBeLessThan(PAYLOAD_LIMIT);

    const keys = await keysUnder(`engine/wide-fan-out/wide-${workers}/`);
    const list = keys.filter((k) => k.endsWith("/tasks.json"));
    expect(list).toHaveLength(1);
    const tasks = (await json(list[0] as string)) as { id: string; node: string }[];
    expect(tasks).toHaveLength(workers);
    expect(new Set(tasks.map((t) => t.id))).toEqual(new Set(ran));
    expect(keys.filter((k) => k.endsWith("/manifest.json"))).toHaveLength(1);
  }, 900_000);

  it("fails the run as the inline Map does, the failed task in the manifest's FAILED file", async () => {
    const failing = { workers: 6, failing: [4] };
    const input = { trades: [1, 2, 3, 4, 5, 6] };

    const run = await runOnStepFunctions(
      wideFanOutWorkflow({ ...failing, nodes: { match: { distributedAbove: 3 } } }),
      input,
      { aws, threadId: "wide-failing" },
    );
    const inline = await runOnStepFunctions(wideFanOutWorkflow(failing), input, {
      aws,
      threadId: "inline-failing",
    });

    expect(run.status).toBe("failed");
    expect(inline.status).toBe("failed");
    expect(run.stats.invocationsByState["Child Run match"]).toBe(6);
    // Task ids derive from each thread's checkpoints; the rest of the error is the same.
    const withoutTask = (e: typeof run.error) => ({ code: e?.code, message: e?.message, node: e?.node });
    expect(withoutTask(run.error)).toEqual(withoutTask(inline.error));
    expect(run.error?.node).toBe("match");
    const keys = await keysUnder("engine/wide-fan-out/wide-failing/");
    const failed = keys.filter((k) => /\/FAILED_\d+\.json$/.test(k));
    expect(failed).toHaveLength(1);
    const entries = (await json(failed[0] as string)) as { Input: string; Error: string }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.Error).toBe(BAD_PARTITION);
    expect(JSON.parse(entries[0]?.Input ?? "{}")).toMatchObject({ node: "match", taskId: run.error?.taskId });
  }, 60_000);

  it("keeps a superstep at or under the threshold inline: no task list is written", async () => {
    const workflow = wideFanOutWorkflow({ workers: 3, nodes: { match: { distributedAbove: 3 } } });

    const run = await runOnStepFunctions(workflow, { trades: [1, 2, 3] }, { aws, threadId: "narrow" });

    expect(run.status).toBe("succeeded");
    expect(run.stats.invocationsByState["Run match"]).toBe(3);
    expect(await keysUnder("engine/wide-fan-out/narrow/")).toEqual([]);
  }, 60_000);
});
