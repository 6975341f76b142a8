/** Fault-bench rows at the ingress: duplicate deliveries, StartExecution throttled past the DLQ, poison messages. */
import type { StartExecution } from "#ingress";
import { peekDeadLetters, redriveDeadLetters } from "#ops";
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
import { InjectionLog } from "./faults-inject.ts";
import { judge, referenceStates } from "./faults-ledger.ts";

/** Every request delivered twice: each run starts once. */
export async function duplicates(b: Bench): Promise<Row> {
  const runs = runsNamed("dup", 10);
  const references = await referenceStates(b.aws, b.workflow, runs);
  const log = new InjectionLog();
  for (const run of runs) {
    await enqueue(b.aws, requestBody(b.workflow, run));
    await enqueue(b.aws, requestBody(b.workflow, run));
    log.record("duplicate delivery");
  }
  const executions = executionsFor(b);
  await drain(b, executions);
  const verdicts = await judge(b.aws, b.workflow, executions.list(), references, runs);
  return row(`request delivered twice ×${runs.length}`, runs.length, log, verdicts);
}

/** StartExecution throttled on every delivery until the request reaches the DLQ; redriven, it runs once. */
export async function startThrottled(b: Bench): Promise<Row> {
  const [run] = runsNamed("sfn-throttle", 1);
  if (!run) throw new Error("no run");
  const references = await referenceStates(b.aws, b.workflow, [run]);
  const deliveries = b.aws.resources.requestsQueue.deadLetter?.maxReceiveCount ?? 5;
  const log = new InjectionLog();
  const executions = executionsFor(b);
  let left = deliveries;
  const throttled: StartExecution = async (request) => {
    if (left > 0) {
      left--;
      log.record("StartExecution");
      throw Object.assign(new Error("Rate exceeded (injected)"), { name: "ThrottlingException" });
    }
    return executions.startExecution(request);
  };
  await enqueue(b.aws, requestBody(b.workflow, run));
  await drain(b, executions, throttled);
  const dlq = queueUrl(b.aws, b.aws.resources.requestsQueue.deadLetter?.name);
  const dead = (await peekDeadLetters(b.aws.clients.sqs, dlq)).filter((l) => l.runId === run.runId).length;
  await redriveDeadLetters(b.aws.clients.sqs, dlq, {
    targetUrl: queueUrl(b.aws, b.aws.resources.requestsQueue.name),
    filter: { ids: [run.runId] },
  });
  await drain(b, executions, throttled);
  const verdicts = await judge(b.aws, b.workflow, executions.list(), references, [run]);
  return row(`StartExecution throttled ×${deliveries} (every delivery)`, deliveries, log, verdicts, {
    outcome: `${dead} in DLQ → redriven`,
  });
}

/** Poison messages first in the queue: each dead-lettered with its reason; the runs behind them run once. */
export async function poison(b: Bench): Promise<Row> {
  const runs = runsNamed("behind-poison", 3);
  const references = await referenceStates(b.aws, b.workflow, runs);
  const log = new InjectionLog();
  const poisons = [
    "{ not json",
    JSON.stringify({ runId: "poison-no-workflow", source: "api", requestedAt: new Date().toISOString() }),
  ];
  for (const body of poisons) {
    await enqueue(b.aws, body);
    log.record("poison message");
  }
  for (const run of runs) await enqueue(b.aws, requestBody(b.workflow, run));
  const executions = executionsFor(b);
  await drain(b, executions);
  const letters = await peekDeadLetters(
    b.aws.clients.sqs,
    queueUrl(b.aws, b.aws.resources.requestsQueue.deadLetter?.name),
  );
  const found = poisons.map((body) => letters.filter((l) => l.body === body));
  const verdicts = await judge(b.aws, b.workflow, executions.list(), references, runs);
  const reasons = found.map((ls) => (ls[0] ? `"${ls[0].error}"` : "not in DLQ")).join(", ");
  return row(
    `poison message ×${poisons.length}, ahead of ${runs.length} runs`,
    poisons.length,
    log,
    verdicts,
    {
      outcome: `DLQ with reason: ${reasons}`,
      lost: found.filter((ls) => ls.length === 0).length,
      doubled: found.filter((ls) => ls.length > 1).length,
    },
  );
}
