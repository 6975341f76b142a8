/**
 * Fault-bench row for alerting: SNS down while a failed run's alert is published. The failed-run
 * Lambda is invoked asynchronously by EventBridge: on AWS a failing invocation is tried 3 times
 * in all, then its event goes to the on-failure destination, the failed-runs queue
 * (lib/constructs/alerting.ts, FailedRunAsyncInvoke). That delivery is emulated here; the alert
 * must arrive, or its failure must be on that queue — never neither.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { type ExecutionStatusChangeEvent, peekDeadLetters } from "#ops";
import { localInboxName } from "../../local/provision.ts";
import { failedRunTarget } from "../../local/triggers.ts";
import {
  type Bench,
  drain,
  enqueue,
  executionsFor,
  queueUrl,
  type Row,
  requestBody,
  row,
  runsNamed,
} from "./faults-harness.ts";
import { failCommands, InjectionLog, serverError } from "./faults-inject.ts";
import type { Verdict } from "./faults-ledger.ts";

const ASYNC_ATTEMPTS = 3;

export async function snsOutage(b: Bench): Promise<Row> {
  const runs = runsNamed("sns-outage", 2);
  const log = new InjectionLog();
  const failedRunsUrl = queueUrl(b.aws, b.aws.resources.failedRunsQueue.name);
  const target = failedRunTarget(b.aws, () => b.workflow);
  const toDestination = new Map<string, number>();
  const onFailed = async (event: ExecutionStatusChangeEvent) => {
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
      try {
        return await target(event);
      } catch {
        // tried again, as Lambda's asynchronous invocation does
      }
    }
    await b.aws.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: failedRunsUrl, MessageBody: JSON.stringify(event) }),
    );
    toDestination.set(event.detail.name, (toDestination.get(event.detail.name) ?? 0) + 1);
  };
  const executions = executionsFor(b, {
    onFailed,
    wrapHandler: (slot, handler) => async (event) => {
      if (slot.node === "match")
        throw Object.assign(new Error("feed down (injected)"), { name: "FeedDownError" });
      return handler(event);
    },
  });
  // The SDK tries each Publish 3 times: 4 failures outlast one invocation, 9 outlast all three.
  const outages = [4, 3 * ASYNC_ATTEMPTS];
  for (const [i, run] of runs.entries()) {
    const off = failCommands(b.aws.clients.sns, log, {
      commands: ["Publish"],
      count: outages[i] ?? 0,
      error: serverError,
    });
    try {
      await enqueue(b.aws, requestBody(b.workflow, run));
      await drain(b, executions);
    } finally {
      off();
    }
  }
  const alerts = await alertsByRun(b);
  const records = await peekDeadLetters(b.aws.clients.sqs, failedRunsUrl);
  const verdicts: Verdict[] = [];
  const said: string[] = [];
  for (const [i, run] of runs.entries()) {
    const delivered = alerts.get(run.runId) ?? 0;
    const failed = toDestination.get(run.runId) ?? 0;
    const onQueue = records.filter((r) => r.runId === run.runId).length;
    said.push(
      `SNS down ×${outages[i]}: ${delivered} alert(s) delivered${failed ? `, ${failed} failed delivery to the on-failure destination` : ""}, ${onQueue} failed-runs record(s)`,
    );
    const status = executions.list().find((e) => e.threadId === run.runId)?.status;
    verdicts.push({
      runId: run.runId,
      starts: 1,
      succeeded: 0,
      sameState: true,
      redone: 0,
      // The run is meant to fail; what must not be lost is the news of it.
      lost: status !== "FAILED" || (delivered === 0 && failed === 0),
      doubled: delivered > 1,
    });
  }
  const armed = outages.reduce((a, n) => a + n, 0);
  const r = row("SNS outage while a failed run is alerted", armed, log, verdicts, {
    outcome: said.join("; "),
  });
  return { ...r, outcome: said.join("; ") };
}

/** Alerts that reached the alerts topic's subscriber, per run (drains its local inbox queue). */
async function alertsByRun(b: Bench): Promise<Map<string, number>> {
  const inbox = queueUrl(b.aws, localInboxName(b.aws.resources.alertsTopic.name));
  const counts = new Map<string, number>();
  for (;;) {
    const out = await b.aws.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: inbox,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return counts;
    for (const m of messages) {
      const alert = JSON.parse((JSON.parse(m.Body ?? "{}") as { Message?: string }).Message ?? "{}") as {
        fields?: { run?: string };
      };
      const run = alert.fields?.run ?? "";
      counts.set(run, (counts.get(run) ?? 0) + 1);
      await b.aws.clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: inbox, ReceiptHandle: m.ReceiptHandle }),
      );
    }
  }
}
