/** What every fault-bench row shares: requests, the dispatcher over the requests queue, a row. */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { LocalAws } from "switchyard/local";
import type { WorkflowDefinition } from "#engine";
import { dispatchBatch, type StartExecution } from "#ingress";
import {
  type ExecutionRecord,
  LocalExecutions,
  type LocalExecutionsOptions,
} from "../../local/executions.ts";
import { pollQueue } from "../../local/triggers.ts";
import type { InjectionLog } from "./faults-inject.ts";
import { describe, type RunSpec, type Verdict } from "./faults-ledger.ts";
import { inputFor } from "./faults-workflow.ts";

export interface Row extends Record<string, string | number> {
  fault: string;
  /** Failures the row armed, and how many of them the bench saw itself inject. */
  armed: number;
  injected: number;
  runs: number;
  outcome: string;
  lost: number;
  doubled: number;
}

export interface Bench {
  readonly aws: LocalAws;
  readonly workflow: WorkflowDefinition;
}

let next = 0;
/** `count` runs with distinct inputs, named `<prefix>-<i>` (run ids are 8–80 characters). */
export function runsNamed(prefix: string, count: number): RunSpec[] {
  return Array.from({ length: count }, (_, i) => ({ runId: `${prefix}-run-${i}`, input: inputFor(next++) }));
}

export function requestBody(workflow: WorkflowDefinition, run: RunSpec): string {
  return JSON.stringify({
    runId: run.runId,
    workflow: workflow.name,
    input: run.input,
    source: "api",
    requestedAt: new Date().toISOString(),
  });
}

export const queueUrl = (aws: LocalAws, name: string | undefined) => aws.queueUrls[name ?? ""] ?? "";

export async function enqueue(aws: LocalAws, body: string): Promise<void> {
  await aws.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl(aws, aws.resources.requestsQueue.name), MessageBody: body }),
  );
}

/** The local Step Functions registry for one row; Retry waits shortened to milliseconds. */
export function executionsFor(b: Bench, options: Partial<LocalExecutionsOptions> = {}): LocalExecutions {
  return new LocalExecutions({ aws: b.aws, workflowNamed: () => b.workflow, retryIntervalMs: 5, ...options });
}

/**
 * The SQS event source over the requests queue into the dispatcher, until the queue is empty,
 * then every started execution to its end. `start` replaces StartExecution (to fail it).
 */
export async function drain(
  b: Bench,
  executions: LocalExecutions,
  start: StartExecution = executions.startExecution,
): Promise<ExecutionRecord[]> {
  await pollQueue(b.aws, queueUrl(b.aws, b.aws.resources.requestsQueue.name), (event) =>
    dispatchBatch(event, { startExecution: start }),
  );
  return executions.idle();
}

/** A row from the bench's own injection log and the per-run verdicts. */
export function row(
  fault: string,
  armed: number,
  log: InjectionLog,
  verdicts: readonly Verdict[],
  extra: { outcome?: string; lost?: number; doubled?: number } = {},
): Row {
  const outcome = [extra.outcome, describe(verdicts)].filter(Boolean).join("; ");
  return {
    fault,
    armed,
    injected: log.count(),
    runs: verdicts.length,
    outcome,
    lost: verdicts.filter((v) => v.lost).length + (extra.lost ?? 0),
    doubled: verdicts.filter((v) => v.doubled).length + (extra.doubled ?? 0),
  };
}
