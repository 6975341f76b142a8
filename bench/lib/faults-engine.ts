/**
 * Fault-bench rows inside a run: DynamoDB throttles, a node that throws, a node Lambda killed
 * while storing its output, and the commit Lambda dying after LangGraph applied the superstep.
 */
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBSaver } from "switchyard/checkpoint";
import { resumeFailedRuns } from "#ops";
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
import { failCommands, freezeCommand, InjectionLog, lambdaDied, throttle } from "./faults-inject.ts";
import { judge, referenceStates } from "./faults-ledger.ts";

type Handler = (event: unknown) => Promise<unknown>;
const taskOf = (event: unknown) => (event as { taskId?: string }).taskId ?? "";
const threadOf = (event: unknown) => (event as { threadId?: string }).threadId ?? "";

/** Checkpoint writes, batch writes and reads throttled: retried; each run's state equals its reference. */
export async function dynamoThrottles(b: Bench): Promise<Row> {
  const runs = runsNamed("ddb-throttle", 2);
  const references = await referenceStates(b.aws, b.workflow, runs);
  const log = new InjectionLog();
  const commands = ["PutItem", "BatchWriteItem", "Query"];
  const each = 6;
  const off = commands.map((c) =>
    failCommands(b.aws.clients.dynamodb, log, { commands: [c], count: each, error: throttle }),
  );
  const executions = executionsFor(b);
  try {
    for (const run of runs) await enqueue(b.aws, requestBody(b.workflow, run));
    await drain(b, executions);
  } finally {
    for (const remove of off) remove();
  }
  const verdicts = await judge(b.aws, b.workflow, executions.list(), references, runs);
  const fired = commands.map((c) => `${c} ×${log.count(c)}`).join(", ");
  return row("DynamoDB throttles", commands.length * each, log, verdicts, { outcome: `fired: ${fired}` });
}

/** A worker throws on every attempt while its siblings finish: failed-runs queue, resume, nothing redone. */
export async function nodeThrows(b: Bench): Promise<Row> {
  const [run] = runsNamed("node-throws", 1);
  if (!run) throw new Error("no run");
  const references = await referenceStates(b.aws, b.workflow, [run]);
  const log = new InjectionLog();
  let broken = true;
  let failing: string | undefined;
  const executions = executionsFor(b, {
    onFailed: failedRunTarget(b.aws, () => b.workflow),
    wrapHandler: (slot, handler: Handler) => async (event) => {
      if (slot.node === "match" && broken && (failing ?? taskOf(event)) === taskOf(event)) {
        failing = taskOf(event);
        log.record("node throws");
        throw Object.assign(new Error("feed down (injected)"), { name: "FeedDownError" });
      }
      return handler(event);
    },
  });
  await enqueue(b.aws, requestBody(b.workflow, run));
  const [first] = await drain(b, executions);
  broken = false;
  await resumeFailedRuns(b.aws.clients.sqs, {
    failedRunsUrl: queueUrl(b.aws, b.aws.resources.failedRunsQueue.name),
    requestsUrl: queueUrl(b.aws, b.aws.resources.requestsQueue.name),
    filter: { ids: [run.runId] },
  });
  const ended = await drain(b, executions);
  const resumed = ended.find((e) => e.threadId === run.runId && e.input.recover);
  const verdicts = await judge(b.aws, b.workflow, executions.list(), references, [run]);
  return row("node throws, every attempt (1 of 3 workers)", 2, log, verdicts, {
    outcome: `${first?.status ?? "?"} → failed-runs queue → resumed: ${resumed?.status ?? "not resumed"}`,
  });
}

/**
 * A worker's Lambda killed while it stores its output: its chunks are written, the item that
 * makes them a task's writes is not. The state machine retries the worker; the half-written
 * output must count as nothing, and the rerun's must count once.
 */
export async function nodeKilled(b: Bench): Promise<Row> {
  const [run] = runsNamed("node-killed", 1);
  if (!run) throw new Error("no run");
  const references = await referenceStates(b.aws, b.workflow, [run]);
  const log = new InjectionLog();
  // Small chunks: a worker's 16 KB digest is stored as several items, so a kill can land between them.
  const saver = new DynamoDBSaver({
    client: b.aws.clients.dynamodb,
    tableName: b.aws.resources.checkpointTable.name,
    chunkBytes: 4_096,
  });
  let target: string | undefined;
  let kill: ((err: Error) => void) | undefined;
  let partial = "";
  const writeOf = (task: string) => `#w#${encodeURIComponent(task)}#`;
  const off = freezeCommand(b.aws.clients.dynamodb, log, {
    label: "node Lambda killed mid-write",
    matches: (command, input) =>
      target !== undefined &&
      command === "PutItem" &&
      String((input as { Item?: { sk?: { S?: string } } }).Item?.sk?.S).includes(writeOf(target)),
    onFreeze: () => kill?.(lambdaDied()),
  });
  const executions = executionsFor(b, {
    saver,
    onFailed: failedRunTarget(b.aws, () => b.workflow),
    wrapHandler: (slot, handler: Handler) => async (event) => {
      if (slot.node !== "match" || target !== undefined) return handler(event);
      target = taskOf(event);
      const killed = new Promise<never>((_, reject) => {
        kill = reject;
      });
      try {
        return await Promise.race([handler(event), killed]);
      } finally {
        partial = await writtenItems(b, threadOf(event), writeOf(target));
      }
    },
  });
  try {
    await enqueue(b.aws, requestBody(b.workflow, run));
    await drain(b, executions);
  } finally {
    off();
  }
  const verdicts = await judge(
    b.aws,
    b.workflow,
    executions.list(),
    references,
    [run],
    new Map([[run.runId, 1]]),
  );
  return row("node Lambda killed mid-write (1 of 3 workers)", 1, log, verdicts, {
    outcome: `at the kill: ${partial}; retried by the state machine`,
  });
}

/** What of one task's writes is in the table: chunks and the head item. */
async function writtenItems(b: Bench, threadId: string, marker: string): Promise<string> {
  const out = await b.aws.clients.dynamodb.send(
    new QueryCommand({
      TableName: b.aws.resources.checkpointTable.name,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: threadId } },
    }),
  );
  const items = (out.Items ?? []).filter((i) => i.sk?.S?.includes(marker));
  const parts = items.filter((i) => i.k?.S === "p").length;
  const heads = items.filter((i) => i.k?.S === "w").length;
  return `${parts} chunk item(s), ${heads} write item(s)`;
}

/** The commit Lambda dies after LangGraph applied the superstep, before it returned: retried, applied once. */
export async function commitDies(b: Bench): Promise<Row> {
  const [run] = runsNamed("commit-dies", 1);
  if (!run) throw new Error("no run");
  const references = await referenceStates(b.aws, b.workflow, [run]);
  const log = new InjectionLog();
  let commits = 0;
  const executions = executionsFor(b, {
    onFailed: failedRunTarget(b.aws, () => b.workflow),
    wrapHandler: (slot, handler: Handler) => async (event) => {
      const out = await handler(event);
      // The second commit applies the three workers' outputs: it is the one that dies.
      if (slot.role === "commit" && ++commits === 2) {
        log.record("commit died after applying");
        throw lambdaDied();
      }
      return out;
    },
  });
  await enqueue(b.aws, requestBody(b.workflow, run));
  const [ended] = await drain(b, executions);
  const verdicts = await judge(b.aws, b.workflow, executions.list(), references, [run]);
  return row("commit Lambda dies after LangGraph applied the superstep", 1, log, verdicts, {
    outcome: `execution ${ended?.status ?? "?"}, ${ended?.result?.stats.retries ?? 0} Step Functions retries`,
  });
}
