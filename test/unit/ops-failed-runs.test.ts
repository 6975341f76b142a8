/**
 * A failed execution becomes a failed-run record that names the failing node. On AWS the node
 * and task come from the execution's cause: the `RunFailed` Fail state carries the run's error as
 * JSON (`ErrorPath: $.error.code`, `CausePath: $.cause`), so the record is complete even when the
 * checkpoint cannot be read (a raw event on the failed-runs queue).
 */
import { describe, expect, it } from "vitest";
import {
  alertForFailedRun,
  type ExecutionStatusChangeEvent,
  failedRunFromEvent,
  type LookupThread,
  readFailedRun,
} from "#ops";

// Factories -------------------------------------------------------------------------------

const ARN = "arn:aws:states:eu-west-1:123456789012:execution:switchyard-dev-triage:run-0001";

function failedEvent(detail: Partial<ExecutionStatusChangeEvent["detail"]> = {}): ExecutionStatusChangeEvent {
  return {
    id: "evt-1",
    version: "0",
    account: "123456789012",
    region: "eu-west-1",
    resources: [],
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    time: "2026-11-24T10:00:05Z",
    detail: {
      executionArn: ARN,
      stateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:switchyard-dev-triage",
      name: "run-0001",
      status: "FAILED",
      startDate: Date.parse("2026-11-24T10:00:00Z"),
      stopDate: Date.parse("2026-11-24T10:00:05Z"),
      input: JSON.stringify({ workflow: "triage", threadId: "run-0001", runId: "run-0001", input: {} }),
      output: null,
      ...detail,
    },
  };
}

const runError = {
  code: "Models.Unavailable",
  message: "Model call still failing after 3 attempts: Rate exceeded",
  node: "classify",
  taskId: "6f1c2a9e-task",
};

// Tests -----------------------------------------------------------------------------------

describe("failedRunFromEvent with the run's error as the execution's cause", () => {
  it("reads code, message, node and task from a JSON cause {code, message, node, taskId}", async () => {
    // Prepare
    const event = failedEvent({ error: runError.code, cause: JSON.stringify(runError) });
    // Act
    const run = await failedRunFromEvent(event);
    // Assess
    expect(run).toMatchObject({
      runId: "run-0001",
      workflow: "triage",
      status: "FAILED",
      error: { code: "Models.Unavailable", message: runError.message },
      node: "classify",
      taskId: "6f1c2a9e-task",
      failedAt: "2026-11-24T10:00:05.000Z",
    });
    expect(run.checkpoint).toBeUndefined();
  });

  it("keeps the checkpoint from the thread and the node from the cause when the thread names none", async () => {
    // Prepare
    const event = failedEvent({ error: runError.code, cause: JSON.stringify(runError) });
    const lookupThread: LookupThread = async () => ({ checkpointId: "1f0-ckpt", step: 3 });
    // Act
    const run = await failedRunFromEvent(event, lookupThread);
    // Assess
    expect(run).toMatchObject({ node: "classify", checkpoint: { id: "1f0-ckpt", step: 3 } });
    expect(run.error.code).toBe("Models.Unavailable");
  });

  it("prefers what the checkpoint recorded over the cause", async () => {
    // Prepare
    const event = failedEvent({ error: runError.code, cause: JSON.stringify(runError) });
    const lookupThread: LookupThread = async () => ({
      checkpointId: "1f0-ckpt",
      step: 3,
      node: "risk_check",
      taskId: "task-from-checkpoint",
      error: { code: "ThrottlingException", message: "Rate exceeded" },
    });
    // Act
    const run = await failedRunFromEvent(event, lookupThread);
    // Assess
    expect(run).toMatchObject({
      node: "risk_check",
      taskId: "task-from-checkpoint",
      error: { code: "ThrottlingException" },
    });
  });

  it("survives a failing thread lookup: the cause alone still names the node", async () => {
    const event = failedEvent({ error: runError.code, cause: JSON.stringify(runError) });
    const run = await failedRunFromEvent(event, async () => {
      throw new Error("checkpoint table unreachable");
    });
    expect(run).toMatchObject({ node: "classify", error: { code: "Models.Unavailable" } });
  });

  it("unwraps a caught state error {Error, Cause} whose cause is Lambda's own JSON", async () => {
    // Prepare
    const lambdaCause = JSON.stringify({
      errorType: "ThrottlingException",
      errorMessage: "Rate exceeded",
      trace: [],
    });
    const event = failedEvent({
      error: "ThrottlingException",
      cause: JSON.stringify({ Error: "ThrottlingException", Cause: lambdaCause }),
    });
    // Act
    const run = await failedRunFromEvent(event);
    // Assess
    expect(run.error).toEqual({ code: "ThrottlingException", message: "Rate exceeded" });
    expect(run.node).toBeUndefined();
  });

  it("reads Lambda's {errorType, errorMessage} cause", async () => {
    const cause = JSON.stringify({
      errorType: "Switchyard.InvalidInput",
      errorMessage: "triage: tradeId required",
    });
    const run = await failedRunFromEvent(failedEvent({ error: "Switchyard.InvalidInput", cause }));
    expect(run.error).toEqual({ code: "Switchyard.InvalidInput", message: "triage: tradeId required" });
  });

  it("keeps a plain-text cause as the message, and malformed JSON as text", async () => {
    // Prepare
    const plain = failedEvent({ error: "Switchyard.RunFailed", cause: "A task failed after its retries." });
    const broken = failedEvent({ error: "Switchyard.RunFailed", cause: '{"code": "X", ' });
    // Act
    const [a, b] = await Promise.all([failedRunFromEvent(plain), failedRunFromEvent(broken)]);
    // Assess
    expect(a.error).toEqual({ code: "Switchyard.RunFailed", message: "A task failed after its retries." });
    expect(b.error).toEqual({ code: "Switchyard.RunFailed", message: '{"code": "X", ' });
  });

  it("names States.Timeout for a timed-out execution without error or cause", async () => {
    const run = await failedRunFromEvent(failedEvent({ status: "TIMED_OUT", error: null, cause: null }));
    expect(run.error).toEqual({ code: "States.TimedOut", message: "The execution ended TIMED_OUT." });
  });

  it("reads the node from the cause of a raw event on the failed-runs queue (Lambda on-failure record)", async () => {
    // Prepare: the failed-run Lambda kept failing, so Lambda put its input on the queue.
    const event = failedEvent({ error: runError.code, cause: JSON.stringify(runError) });
    const body = JSON.stringify({ requestContext: { condition: "RetriesExhausted" }, requestPayload: event });
    // Act
    const run = await readFailedRun(body);
    // Assess
    expect(run).toMatchObject({ runId: "run-0001", node: "classify", taskId: runError.taskId });
    expect(alertForFailedRun(run).key).toBe("run-failed:triage:classify:Models.Unavailable");
  });
});
