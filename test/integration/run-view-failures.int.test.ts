import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { type ApiServer, type LocalAws, startApiServer, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { compileWorkflow, defineWorkflow, type WorkflowDefinition } from "#engine";
import type { ExecutionStatusChangeEvent } from "#ops";
import { checkpointReader, statusCommand } from "../../cli/aws-target/index.ts";
import { localLeases, localSaver } from "../../local/saver.ts";
import { failedRunTarget } from "../../local/triggers.ts";

/**
 * An execution that stops without a task error (a timeout): its checkpoint still says running,
 * and only the failure the failed-run handler records beside the checkpoints (the lease item)
 * says failed — read by `GET /runs/{id}` on the local server and by `switchyard status` alike,
 * through the same reader the api Lambda uses on AWS (`ThreadLeases.beside(saver)`).
 */
const State = Annotation.Root({ booked: Annotation<number>({ reducer: (_, b) => b, default: () => 0 }) });
const booking: WorkflowDefinition = defineWorkflow({
  name: "booking",
  graph: new StateGraph(State)
    .addNode("intake", () => ({ booked: 0 }))
    .addNode("book", () => ({ booked: 1 }))
    .addEdge(START, "intake")
    .addEdge("intake", "book")
    .addEdge("book", END),
  input: z.object({}),
});
const workflowNamed = (name: string) => {
  if (name !== booking.name) throw Object.assign(new Error(name), { code: "Switchyard.UnknownWorkflow" });
  return booking;
};

let aws: LocalAws;
let api: ApiServer;

beforeAll(async () => {
  aws = await startLocalAws({ stage: "runview" });
  api = await startApiServer({ aws, workflowNamed });
});
afterAll(async () => {
  await api?.stop();
  await aws?.stop();
});

/** A run stopped mid-way: intake done, `book` planned and never run; its execution holds the lease. */
async function stoppedRun(runId: string): Promise<string> {
  const graph = compileWorkflow(booking, localSaver(aws));
  const config = await graph.updateState({ configurable: { thread_id: runId } }, { booked: 0 }, "intake");
  await localLeases(aws).take(runId, runId, { workflow: booking.name });
  return String(config.configurable?.checkpoint_id);
}

/** The execution status change EventBridge delivers for a timed-out execution named by its run id. */
function timedOut(runId: string): ExecutionStatusChangeEvent {
  const machine = `arn:aws:states:${aws.region}:000000000000:stateMachine:${aws.resources.prefix}-booking`;
  return {
    version: "0",
    id: `timeout-${runId}`,
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    account: "000000000000",
    time: "2026-12-05T15:00:00Z",
    region: aws.region,
    resources: [],
    detail: {
      executionArn: `${machine.replace(":stateMachine:", ":execution:")}:${runId}`,
      stateMachineArn: machine,
      name: runId,
      status: "TIMED_OUT",
      startDate: 1_796_000_000_000,
      stopDate: 1_796_000_060_000,
      input: JSON.stringify({ workflow: "booking", threadId: runId, runId }),
      output: null,
      error: "States.Timeout",
      cause: null,
    },
  } as ExecutionStatusChangeEvent;
}

const getRun = async (runId: string) => {
  const res = await fetch(`${api.url}/runs/${runId}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function cliStatus(runId: string): Promise<{ code: number; view: Record<string, unknown> }> {
  const lines: string[] = [];
  const code = await statusCommand({
    runId,
    workflow: booking,
    read: checkpointReader(localSaver(aws), localLeases(aws)),
    where: "the local AWS",
    json: true,
    out: (t) => lines.push(t),
  });
  return { code, view: JSON.parse(lines.join("\n")) as Record<string, unknown> };
}

describe("a run that stopped without a task error", () => {
  it("reads running, then failed once the failed-run handler records it — API and CLI alike", async () => {
    const runId = "booking_0a1b2c3d-0000-4000-8000-000000000001";
    const checkpointId = await stoppedRun(runId);
    const before = await getRun(runId);

    await failedRunTarget(aws, workflowNamed)(timedOut(runId));
    const after = await getRun(runId);
    const cli = await cliStatus(runId);

    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: "running", statusSource: "checkpoint" });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      status: "failed",
      statusSource: "failed-runs",
      checkpointId,
      error: { code: "States.Timeout", message: "The execution ended TIMED_OUT." },
      nodes: [{ node: "book", progress: "not-run" }],
    });
    expect(cli.code).toBe(1);
    expect(cli.view).toMatchObject({
      status: after.body.status,
      statusSource: after.body.statusSource,
      error: after.body.error,
    });
    expect(await localLeases(aws).failureOf(runId)).toEqual({
      code: "States.Timeout",
      message: "The execution ended TIMED_OUT.",
      status: "TIMED_OUT",
      checkpointId,
    });
  });

  it("a resume takes the thread: the failure is gone, and a late record of the old execution stays out", async () => {
    const runId = "booking_0a1b2c3d-0000-4000-8000-000000000002";
    await stoppedRun(runId);
    await failedRunTarget(aws, workflowNamed)(timedOut(runId));

    await localLeases(aws).take(runId, `${runId}-resume`, { workflow: booking.name });
    const resumed = await getRun(runId);
    await failedRunTarget(aws, workflowNamed)(timedOut(runId)); // delivered again, late
    const late = await getRun(runId);

    expect(resumed.body).toMatchObject({ status: "running", statusSource: "checkpoint" });
    expect(resumed.body.error).toBeUndefined();
    expect(late.body).toMatchObject({ status: "running", statusSource: "checkpoint" });
    expect((await localLeases(aws).read(runId))?.holder).toBe(`${runId}-resume`);
  });

  it("a lease item whose failure cannot be read is a 500, never a made-up status", async () => {
    const runId = "booking_0a1b2c3d-0000-4000-8000-000000000003";
    await stoppedRun(runId);
    const { table } = localSaver(aws);
    await aws.clients.dynamodb.send(
      new PutItemCommand({
        TableName: table.name,
        Item: {
          [table.pk]: { S: runId },
          [table.sk]: { S: "lease" },
          holder: { S: runId },
          takenAt: { N: "0" },
          leaseUntil: { N: "0" },
          failure: { S: "{not json" },
        },
      }),
    );

    const res = await getRun(runId);

    expect(res.status).toBe(500);
    expect(res.body.status).toBeUndefined();
  });
});
