/**
 * `npm run bench -- faults`: injects faults into the ingress, the checkpoint store and the nodes
 * on the embedded AWS, and counts what was lost or done twice. The figure is
 * "N faults, 0 lost, 0 doubled".
 *
 * Goals (exit 1 when one fails): 0 runs lost and 0 work doubled across all scenarios; and every
 * scenario really injected its faults (at least one each), so the zeros are not vacuous.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { runInProcess } from "switchyard/engine";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { Faults, parseFaults, peekDeadLetters, redriveDeadLetters, resumeFailedRuns, withFaults } from "#ops";
import { LocalExecutions } from "../local/executions.ts";
import { dispatchRequests, failedRunTarget } from "../local/triggers.ts";
import { fanOutWorkflow } from "../test/fixtures/graphs.ts";
import { reportGoals } from "./lib/goals.ts";
import { printTable } from "./lib/table.ts";

interface Row extends Record<string, string | number> {
  fault: string;
  injected: number;
  outcome: string;
  lost: number;
  doubled: number;
}

const workflow = fanOutWorkflow("per-node", 3);

export default async function faultsBench(_args: string[]): Promise<void> {
  const aws = await startLocalAws({ stage: "faultbench" });
  const rows: Row[] = [];
  try {
    rows.push(await duplicates(aws));
    rows.push(await poison(aws));
    rows.push(await dynamoThrottles(aws));
    rows.push(await nodeFailure(aws));
  } finally {
    await aws.stop();
  }
  printTable("Injected faults vs outcome (embedded AWS)", rows);
  const total = rows.reduce((n, r) => n + r.injected, 0);
  const lost = rows.reduce((n, r) => n + r.lost, 0);
  const doubled = rows.reduce((n, r) => n + r.doubled, 0);
  console.log(`\n${total} faults, ${lost} lost, ${doubled} doubled`);
  const idle = rows.filter((r) => r.injected === 0).map((r) => r.fault);
  const held = reportGoals([
    [
      `faults injected in every scenario: ${total} in ${rows.length} scenarios${idle.length ? `; none in: ${idle.join(", ")}` : ""}`,
      idle.length === 0,
    ],
    [`0 lost: ${lost} lost`, lost === 0],
    [`0 doubled: ${doubled} doubled`, doubled === 0],
  ]);
  if (!held) process.exitCode = 1;
}

function request(runId: string) {
  return JSON.stringify({
    runId,
    workflow: workflow.name,
    input: {},
    source: "api",
    requestedAt: new Date().toISOString(),
  });
}

async function enqueue(aws: LocalAws, body: string): Promise<void> {
  const url = aws.queueUrls[aws.resources.requestsQueue.name];
  await aws.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
}

/** Every request delivered twice: one execution each. */
async function duplicates(aws: LocalAws): Promise<Row> {
  const executions = new LocalExecutions({ aws, workflowNamed: () => workflow });
  for (let i = 0; i < 10; i++)
    for (let copy = 0; copy < 2; copy++) await enqueue(aws, request(`dup-bench-${i}`));
  const outcomes = await dispatchRequests(aws, executions);
  const ended = await executions.idle();
  const ok = ended.filter((e) => e.status === "SUCCEEDED").length;
  return {
    fault: "duplicate delivery ×10",
    injected: outcomes.filter((o) => o.outcome === "duplicate").length,
    outcome: `${ok}/10 runs succeeded once`,
    lost: 10 - ok,
    doubled: ended.length - 10,
  };
}

/** StartExecution throttled past maxReceiveCount: DLQ, redrive, exactly once. */
async function poison(aws: LocalAws): Promise<Row> {
  const n = aws.resources.requestsQueue.deadLetter?.maxReceiveCount ?? 5;
  const faults = new Faults([{ kind: "aws", name: "StartExecution", mode: "throttle", count: n }]);
  const executions = new LocalExecutions({ aws, workflowNamed: () => workflow, faults });
  await enqueue(aws, request("poison-bench-1"));
  await dispatchRequests(aws, executions);
  const dlq = aws.queueUrls[aws.resources.requestsQueue.deadLetter?.name ?? ""] ?? "";
  const dead = (await peekDeadLetters(aws.clients.sqs, dlq)).length;
  await redriveDeadLetters(aws.clients.sqs, dlq, {
    targetUrl: aws.queueUrls[aws.resources.requestsQueue.name] ?? "",
  });
  await dispatchRequests(aws, executions);
  const ended = await executions.idle();
  const ok = ended.filter((e) => e.name === "poison-bench-1" && e.status === "SUCCEEDED").length;
  return {
    fault: `StartExecution throttled ×${n}`,
    injected: faults.injected.length,
    outcome: `${dead} in DLQ → redriven → ${ok === 1 ? "succeeded" : "not run"}`,
    lost: 1 - ok,
    doubled: Math.max(0, ended.length - 1),
  };
}

/** Checkpoint writes and reads throttled: retried, the final state equal to an unthrottled run's. */
async function dynamoThrottles(aws: LocalAws): Promise<Row> {
  const reference = await runInProcess(workflow, {}, { aws });
  const faults = new Faults(
    parseFaults(
      "aws:DynamoDB.PutItem=throttle*8,aws:DynamoDB.BatchWriteItem=throttle*8,aws:DynamoDB.Query=throttle*8",
      "bench",
    ),
  );
  withFaults(aws.clients.dynamodb, faults);
  const executions = new LocalExecutions({ aws, workflowNamed: () => workflow });
  await enqueue(aws, request("throttle-bench-1"));
  await dispatchRequests(aws, executions);
  const [run] = await executions.idle().then((all) => all.filter((e) => e.name === "throttle-bench-1"));
  const same = JSON.stringify(run?.result?.state) === JSON.stringify(reference.state);
  const injected = faults.injected.length;
  // Unconsumed faults stay armed on this client's middleware: spend them so the next scenario runs clean.
  faults.disarm();
  return {
    fault: "DynamoDB throttles",
    injected,
    outcome: `${run?.status ?? "?"}, state ${same ? "equal to" : "DIFFERENT from"} reference`,
    lost: same ? 0 : 1,
    doubled: 0,
  };
}

/** A node fails after its superstep's siblings finished: failed-runs queue, resume, no task redone. */
async function nodeFailure(aws: LocalAws): Promise<Row> {
  let broken = true;
  let failedTask: string | undefined;
  const calls = new Map<string, number>();
  const executions = new LocalExecutions({
    aws,
    workflowNamed: () => workflow,
    onFailed: failedRunTarget(aws, () => workflow),
    wrapHandler: (slot, handler) => async (event) => {
      if (slot.node !== "match") return handler(event);
      const task = (event as { taskId: string }).taskId;
      calls.set(task, (calls.get(task) ?? 0) + 1);
      if (broken && (failedTask === undefined || failedTask === task)) {
        failedTask = task;
        throw Object.assign(new Error("feed down"), { name: "FeedDownError" });
      }
      return handler(event);
    },
  });
  await enqueue(aws, request("node-bench-1"));
  await dispatchRequests(aws, executions);
  await executions.idle();
  broken = false;
  await resumeFailedRuns(aws.clients.sqs, {
    failedRunsUrl: aws.queueUrls[aws.resources.failedRunsQueue.name] ?? "",
    requestsUrl: aws.queueUrls[aws.resources.requestsQueue.name] ?? "",
    filter: { ids: ["node-bench-1"] },
  });
  await dispatchRequests(aws, executions);
  const ended = await executions.idle();
  const resumed = ended.find((e) => e.threadId === "node-bench-1" && e.input.recover);
  const redone = [...calls.entries()].filter(([task, n]) => task !== failedTask && n > 1).length;
  return {
    fault: "node throws (1 of 3 tasks)",
    injected: 1,
    outcome: `failed → failed-runs → resumed: ${resumed?.status ?? "not resumed"}`,
    lost: resumed?.status === "SUCCEEDED" ? 0 : 1,
    doubled: redone,
  };
}
