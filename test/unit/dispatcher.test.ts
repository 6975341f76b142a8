import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  dispatchBatch,
  executionInputFor,
  type RunRequest,
  type SqsEvent,
  sfnStartExecution,
  traceHeaderFrom,
} from "#ingress";

const ARN_PREFIX = "arn:aws:states:eu-west-1:111122223333:stateMachine:";
const sfn = mockClient(SFNClient);
afterAll(() => sfn.restore());
const start = sfnStartExecution(
  new SFNClient({ region: "eu-west-1" }),
  (w) => `${ARN_PREFIX}switchyard-qa-${w}`,
);

function request(runId: string, extra: Partial<RunRequest> = {}): RunRequest {
  return { runId, workflow: "triage", source: "api", requestedAt: "2025-01-02T03:04:05.000Z", ...extra };
}

function sqsEvent(bodies: unknown[]): SqsEvent {
  return {
    Records: bodies.map((b, i) => ({
      messageId: `m${i}`,
      receiptHandle: `h${i}`,
      body: typeof b === "string" ? b : JSON.stringify(b),
      attributes: {},
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:eu-west-1:111122223333:switchyard-qa-requests",
      awsRegion: "eu-west-1",
    })),
  };
}

beforeEach(() => sfn.reset());

describe("dispatcher on AWS (StartExecution)", () => {
  it("starts the workflow's state machine with an execution named by run id", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:exec", startDate: new Date() });

    const out = await dispatchBatch(sqsEvent([request("run-00000001", { input: { dataset: {} } })]), {
      startExecution: start,
    });

    expect(out.batchItemFailures).toEqual([]);
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.stateMachineArn).toBe(`${ARN_PREFIX}switchyard-qa-triage`);
    expect(call?.name).toBe("run-00000001");
    expect(JSON.parse(call?.input ?? "")).toEqual({
      workflow: "triage",
      threadId: "run-00000001",
      runId: "run-00000001",
      input: { dataset: {} },
    });
  });

  it("treats ExecutionAlreadyExists as done: a duplicate is not a failure and not a second run", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists", $metadata: {} }));

    const out = await dispatchBatch(sqsEvent([request("run-00000001")]), { startExecution: start });

    expect(out.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it("reports only the failed records of a partial batch: throttled and poison ones", async () => {
    sfn
      .on(StartExecutionCommand, { name: "run-throttled" })
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))
      .on(StartExecutionCommand, { name: "run-00000002" })
      .resolves({ executionArn: "arn:exec:2" });

    const out = await dispatchBatch(
      sqsEvent([request("run-throttled"), "{not json", request("run-00000002"), { runId: "x" }]),
      { startExecution: start },
    );

    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m0", "m1", "m3"]);
  });

  it("reports every record of an all-failed batch instead of throwing", async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error("down"), { name: "ServiceUnavailable" }));

    const out = await dispatchBatch(sqsEvent([request("run-00000001"), request("run-00000002")]), {
      startExecution: start,
    });

    expect(out.batchItemFailures).toHaveLength(2);
  });

  it("passes the request's trace context on as the execution's X-Ray header", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:exec" });
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    await dispatchBatch(sqsEvent([request("run-00000001", { traceparent })]), { startExecution: start });

    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.traceHeader).toBe(
      "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1",
    );
    expect(traceHeaderFrom("garbage")).toBeUndefined();
  });
});

describe("executionInputFor", () => {
  it("maps recover and resume requests to the engine's start events, on the request's thread", () => {
    expect(executionInputFor(request("run-r0000001", { threadId: "thread-0001", recover: true }))).toEqual({
      workflow: "triage",
      threadId: "thread-0001",
      runId: "run-r0000001",
      recover: true,
    });
    expect(executionInputFor(request("run-a0000001", { resume: { approve: true } }))).toMatchObject({
      resume: { approve: true },
    });
  });
});
