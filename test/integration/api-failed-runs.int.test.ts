import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { RunView } from "#api";
import { defineWorkflow } from "#engine";
import { peekDeadLetters } from "#ops";
import { localLeases } from "../../local/saver.ts";

/**
 * `GET /runs/{id}` for a run whose node always fails: the execution ends FAILED, the failed-run
 * handler's domain records it beside the run's checkpoints (the lease item) and on the failed-runs
 * queue, and the API answers `failed` with the error and the failing node — read from that one
 * item, as the api Lambda reads it on AWS (`ThreadLeases.beside(saver)`).
 */
const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});
const booking = defineWorkflow({
  name: "booking",
  graph: new StateGraph(State)
    .addNode("intake", () => ({ log: ["intake"] }))
    .addNode(
      "book",
      () => {
        throw Object.assign(new Error("booking system down"), { name: "BookingDownError" });
      },
      { retryPolicy: { maxAttempts: 2, initialInterval: 10, jitter: false } },
    )
    .addEdge(START, "intake")
    .addEdge("intake", "book")
    .addEdge("book", END),
  hosting: "per-node",
  input: z.object({}),
});

let aws: LocalAws;
let api: ApiServer;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "apifailed" });
  api = await startApiServer({
    aws,
    retryIntervalMs: 1,
    workflowNamed: (name) => {
      if (name !== booking.name) throw Object.assign(new Error(name), { code: "Switchyard.UnknownWorkflow" });
      return booking;
    },
  });
});
afterAll(async () => {
  await api?.stop();
  await aws?.stop();
});

describe("failed runs through the API", () => {
  it("a run whose node always fails → GET /runs/{id} → 200 failed, with the error code and node", async () => {
    // Act
    const started = await fetch(`${api.url}/workflows/booking/runs`, { method: "POST" });
    const { runId } = (await started.json()) as { runId: string };
    let view: RunView | undefined;
    for (let i = 0; i < 200 && view?.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await api.idle();
      const res = await fetch(`${api.url}/runs/${runId}`);
      if (res.status === 200) view = (await res.json()) as RunView;
    }
    // The view can read failed (the task's own error) before the failed-run handler has run.
    await api.idle();
    const failedRunsUrl = aws.queueUrls[aws.resources.failedRunsQueue.name] as string;
    const recorded = await localLeases(aws).failureOf(runId);

    // Assess: failed, with what the failed-run record says; the record is read, not consumed.
    expect(started.status).toBe(202);
    expect(view).toMatchObject({
      runId,
      status: "failed",
      error: { code: "BookingDownError", message: "booking system down", node: "book" },
    });
    expect(api.executions.get(runId)?.status).toBe("FAILED");
    expect(recorded).toMatchObject({
      status: "FAILED",
      code: "BookingDownError",
      node: "book",
      checkpointId: view?.checkpointId,
    });
    expect(await localLeases(aws).failureOf("booking_no-such-run")).toBeUndefined();
    const records = await peekDeadLetters(aws.clients.sqs, failedRunsUrl);
    expect(records.map((r) => r.runId)).toEqual([runId]);
  });
});
