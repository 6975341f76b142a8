import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionStatusChangeEvent } from "#ops";
import { localInboxName } from "../../local/provision.ts";
import { failedRunTarget, runNotifier } from "../../local/triggers.ts";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * An alert storm — 100 runs failing the same way within one window — reaches people as ONE
 * notification with the count 100, on every channel, and never again.
 */
let aws: LocalAws;
let slack: Server;
let slackUrl: string;
const slackPosts: { text: string }[] = [];

beforeAll(async () => {
  aws = await startLocalAws({ stage: "alerts" });
  slack = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      slackPosts.push(JSON.parse(body) as { text: string });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/hook`;
});
afterAll(async () => {
  await new Promise((resolve) => slack?.close(resolve));
  await aws?.stop();
});

function failedExecution(i: number): ExecutionStatusChangeEvent {
  const name = `storm-run-${String(i).padStart(4, "0")}`;
  return {
    id: `event-${i}`,
    version: "0",
    account: "000000000000",
    region: "us-east-1",
    resources: [],
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    time: new Date().toISOString(),
    detail: {
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:switchyard-alerts-fan-out:${name}`,
      stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:switchyard-alerts-fan-out",
      name,
      status: "FAILED",
      startDate: Date.now() - 1000,
      stopDate: Date.now(),
      input: JSON.stringify({ workflow: "fan-out", threadId: name, runId: name }),
      output: null,
      error: "FeedDownError",
      cause: JSON.stringify({ code: "FeedDownError", message: "confirmation feed down", node: "match" }),
    },
  };
}

describe("alerts", () => {
  it("an alert storm of 100 identical failures → one notification with count 100", async () => {
    // Prepare: a clock at the start of a 60 s window.
    const windowStart = Math.floor(Date.now() / 60_000) * 60_000;
    let clock = new Date(windowStart + 1_000);
    const record = failedRunTarget(aws, () => fanOutWorkflow());
    const notifier = { windowSeconds: 60, slackWebhookUrl: slackUrl, now: () => clock };

    // Act: 100 failures inside the window, the notifier running meanwhile, then the window ends.
    for (let i = 0; i < 100; i++) await record(failedExecution(i));
    const duringWindow = await runNotifier(aws, notifier);
    clock = new Date(windowStart + 61_000);
    const afterWindow = await runNotifier(aws, notifier);
    clock = new Date(windowStart + 200_000);
    const later = await runNotifier(aws, notifier);
    const emails = await aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queueUrls[localInboxName(aws.resources.notificationsTopic.name)],
        MaxNumberOfMessages: 10,
      }),
    );

    // Assess
    expect(duringWindow).toEqual([]);
    expect(afterWindow).toHaveLength(1);
    expect(afterWindow[0]?.group).toMatchObject({
      key: "run-failed:fan-out:match:FeedDownError",
      count: 100,
    });
    expect(later).toEqual([]);
    expect(slackPosts).toHaveLength(1);
    expect(slackPosts[0]?.text).toMatch(/fan-out run failed at node match x100/);
    expect(emails.Messages).toHaveLength(1);
    const email = JSON.parse(emails.Messages?.[0]?.Body ?? "{}") as { Subject: string; Message: string };
    expect(email.Subject).toBe("[alerts] CRITICAL fan-out run failed at node match x100");
    expect(email.Message).toMatch(/100 identical alerts between/);
    expect(email.Message).toMatch(/resume: switchyard resume storm-run-0099/);
  });
});
