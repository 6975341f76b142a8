import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { runInProcess } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alertFromSns,
  checkpointLookup,
  peekDeadLetters,
  resumeFailedRuns,
  resumeRunId,
  type SnsMessage,
} from "#ops";
import { LocalExecutions } from "../../local/executions.ts";
import { localInboxName } from "../../local/provision.ts";
import { localSaver } from "../../local/saver.ts";
import { dispatchRequests, failedRunTarget } from "../../local/triggers.ts";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * A failed execution lands on the failed-runs queue with its failing node, error and last
 * checkpoint, and raises one alert; resuming it continues from that checkpoint, re-running only
 * the task that failed, to the same end as an unbroken run.
 */
let aws: LocalAws;
let failedRunsUrl: string;
let requestsUrl: string;
const workflow = fanOutWorkflow("per-node", 3);

beforeAll(async () => {
  aws = await startLocalAws({ stage: "failedruns" });
  failedRunsUrl = aws.queueUrls[aws.resources.failedRunsQueue.name] as string;
  requestsUrl = aws.queueUrls[aws.resources.requestsQueue.name] as string;
});
afterAll(async () => {
  await aws?.stop();
});

describe("failed runs", () => {
  it("failed run → failed-runs queue + alert → resume → succeeded, finished tasks not redone", async () => {
    // Prepare: the confirmation feed is down for one of the three match tasks.
    let broken = true;
    let failedTask: string | undefined;
    const matchCalls: string[] = [];
    const executions = new LocalExecutions({
      aws,
      workflowNamed: () => workflow,
      onFailed: failedRunTarget(aws, () => workflow),
      wrapHandler: (slot, handler) => async (event) => {
        if (slot.node !== "match") return handler(event);
        const task = (event as { taskId: string }).taskId;
        matchCalls.push(task);
        if (broken && (failedTask === undefined || failedTask === task)) {
          failedTask = task;
          throw Object.assign(new Error("confirmation feed down"), { name: "FeedDownError" });
        }
        return handler(event);
      },
    });
    await aws.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: requestsUrl,
        MessageBody: JSON.stringify({
          runId: "eod-run-0001",
          workflow: workflow.name,
          input: {},
          source: "schedule",
          requestedAt: new Date().toISOString(),
        }),
      }),
    );

    // Act 1: the run fails.
    await dispatchRequests(aws, executions);
    await executions.idle();
    const letters = await peekDeadLetters(aws.clients.sqs, failedRunsUrl);
    const alerts = await aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queueUrls[localInboxName(aws.resources.alertsTopic.name)],
        MaxNumberOfMessages: 10,
      }),
    );

    // Assess 1: one record with what an operator needs, one alert naming it.
    expect(executions.get("eod-run-0001")?.status).toBe("FAILED");
    expect(letters).toHaveLength(1);
    const run = letters[0]?.failedRun;
    expect(run).toMatchObject({
      runId: "eod-run-0001",
      threadId: "eod-run-0001",
      workflow: "fan-out",
      status: "FAILED",
      node: "match",
      taskId: failedTask,
      error: { code: "FeedDownError", message: "confirmation feed down" },
    });
    expect(run?.checkpoint?.step).toBeGreaterThan(0);
    expect(alerts.Messages).toHaveLength(1);
    const alert = alertFromSns(JSON.parse(alerts.Messages?.[0]?.Body ?? "{}") as SnsMessage);
    expect(alert.key).toBe("run-failed:fan-out:match:FeedDownError");
    expect(alert.fields.resume).toBe("switchyard resume eod-run-0001");

    // Act 2: preview, then resume once the feed is back.
    const lookupThread = checkpointLookup(localSaver(aws), () => workflow);
    const preview = await resumeFailedRuns(aws.clients.sqs, {
      failedRunsUrl,
      requestsUrl,
      dryRun: true,
      lookupThread,
      filter: { ids: ["eod-run-0001"] },
    });
    broken = false;
    const callsBefore = matchCalls.length;
    const resumed = await resumeFailedRuns(aws.clients.sqs, {
      failedRunsUrl,
      requestsUrl,
      filter: { ids: ["eod-run-0001"] },
      source: "cli",
    });
    const dispatched = await dispatchRequests(aws, executions);
    await executions.idle();
    const reference = await runInProcess(workflow, {}, { aws });

    // Assess 2
    expect(preview.map((e) => e.action)).toEqual(["would-redrive"]);
    expect(preview[0]?.reexecutes).toMatch(/re-runs match; 2 finished task\(s\) kept/);
    expect(resumed.map((e) => e.action)).toEqual(["redriven"]);
    const resumeId = resumeRunId(run as NonNullable<typeof run>);
    expect(dispatched).toEqual([expect.objectContaining({ runId: resumeId, outcome: "started" })]);
    const after = executions.get(resumeId);
    expect(after?.status).toBe("SUCCEEDED");
    expect(after?.threadId).toBe("eod-run-0001");
    expect(after?.result?.state).toEqual(reference.state);
    expect(matchCalls.slice(callsBefore)).toEqual([failedTask]);
    expect(await peekDeadLetters(aws.clients.sqs, failedRunsUrl)).toEqual([]);
  });

  it("resuming the same failure twice starts one execution", async () => {
    // Prepare
    const executions = new LocalExecutions({ aws, workflowNamed: () => workflow });
    const run = {
      kind: "switchyard.failed-run",
      runId: "twice-run-0001",
      threadId: "twice-run-0001",
      workflow: workflow.name,
      status: "TIMED_OUT",
      executionArn:
        "arn:aws:states:us-east-1:000000000000:execution:switchyard-failedruns-fan-out:twice-run-0001",
      failedAt: new Date().toISOString(),
      error: { code: "States.Timeout", message: "The execution ended TIMED_OUT." },
    };
    await runInProcess(workflow, {}, { aws, threadId: "twice-run-0001" });
    for (let i = 0; i < 2; i++) {
      await aws.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: failedRunsUrl, MessageBody: JSON.stringify(run) }),
      );
    }

    // Act
    await resumeFailedRuns(aws.clients.sqs, {
      failedRunsUrl,
      requestsUrl,
      filter: { ids: ["twice-run-0001"] },
    });
    const outcomes = await dispatchRequests(aws, executions);
    await executions.idle();

    // Assess
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["duplicate", "started"]);
    expect(executions.list()).toHaveLength(1);
  });
});
