import type { WorkflowDefinition } from "#engine";
import { type DeadLetterFilter, peekDeadLetters, redriveDeadLetters, startBulkRedrive } from "#ops";
import { LocalExecutions } from "../local/executions.ts";
import type { LocalAws } from "../local/local-aws.ts";
import { dispatchRequests, failedRunTarget } from "../local/triggers.ts";

export interface RedriveCommandOptions {
  readonly aws: LocalAws;
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  /** Only list (peek) the requests DLQ. */
  readonly list: boolean;
  readonly dryRun: boolean;
  /** StartMessageMoveTask: AWS only (the emulator has none). */
  readonly bulk: boolean;
  readonly filter: DeadLetterFilter;
  /** Keeps execution names between CLI runs (duplicates refused across invocations). */
  readonly executionsFile?: string;
  /** The watchdog for the executions the dispatcher starts. */
  readonly stallTimeoutMs?: number;
  readonly out: (text: string) => void;
}

/**
 * `switchyard redrive`: lists, previews or redrives the requests DLQ back to the requests queue,
 * then lets the local dispatcher start what was redriven. Returns the exit code.
 */
export async function redriveCommand(o: RedriveCommandOptions): Promise<number> {
  const { aws } = o;
  const dlqName = aws.resources.requestsQueue.deadLetter?.name ?? "";
  const dlqUrl = aws.queueUrls[dlqName] ?? "";
  const requestsUrl = aws.queueUrls[aws.resources.requestsQueue.name] ?? "";
  if (o.bulk) {
    const task = await startBulkRedrive(aws.clients.sqs, { sourceArn: aws.queueArns[dlqName] ?? "" });
    o.out(`move task started: ${task.taskHandle}`);
    return 0;
  }
  if (o.list) {
    const letters = await peekDeadLetters(aws.clients.sqs, dlqUrl, { filter: o.filter });
    o.out(`${letters.length} dead letter(s) in ${dlqName}`);
    for (const l of letters) {
      o.out(
        `  ${l.runId ?? l.messageId}  ${l.workflow ?? "?"}  ${l.sentAt.toISOString()}  received ${l.receiveCount}×  ${l.error ?? ""}`,
      );
    }
    return 0;
  }
  const entries = await redriveDeadLetters(aws.clients.sqs, dlqUrl, {
    targetUrl: requestsUrl,
    filter: o.filter,
    dryRun: o.dryRun,
  });
  for (const e of entries) o.out(`  ${e.action}  ${e.letter.runId ?? e.letter.messageId}: ${e.reexecutes}`);
  o.out(`${entries.length} dead letter(s) ${o.dryRun ? "would be redriven (dry run)" : "redriven"}`);
  if (o.dryRun || entries.length === 0) return 0;
  return runDispatcher(o);
}

/** The local dispatcher over the requests queue, then the ended executions; 1 if any failed. */
export async function runDispatcher(o: {
  aws: LocalAws;
  workflowNamed: (name: string) => WorkflowDefinition;
  executionsFile?: string;
  stallTimeoutMs?: number;
  out: (text: string) => void;
}): Promise<number> {
  const executions = new LocalExecutions({
    aws: o.aws,
    workflowNamed: o.workflowNamed,
    ...(o.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: o.stallTimeoutMs }),
    onFailed: failedRunTarget(o.aws, o.workflowNamed),
    ...(o.executionsFile ? { file: o.executionsFile } : {}),
  });
  const outcomes = await dispatchRequests(o.aws, executions);
  await executions.idle();
  let failed = 0;
  for (const d of outcomes) {
    const status =
      d.outcome === "duplicate" ? "duplicate (already ran)" : (executions.get(d.runId)?.status ?? "?");
    if (status === "FAILED" || status === "TIMED_OUT" || status === "ABORTED") failed++;
    o.out(`  ${d.runId}  ${d.workflow}  ${status}`);
  }
  return failed > 0 ? 1 : 0;
}
