import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { stampAnswers } from "#agents";
import {
  answersFor,
  compileWorkflow,
  readPosition,
  type WorkflowDefinition,
  waitingInterrupts,
} from "#engine";
import { encodeMessageBody, type RunRequest } from "#ingress";
import { checkpointLookup, peekDeadLetters, resumeFailedRuns } from "#ops";
import { localApprover } from "../local/identity.ts";
import type { LocalAws } from "../local/local-aws.ts";
import { localSaver } from "../local/saver.ts";
import { runDispatcher } from "./redrive.ts";

export interface ResumeCommandOptions {
  readonly aws: LocalAws;
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  /** The failed run to resume; absent with `list`. */
  readonly runId?: string;
  readonly list: boolean;
  readonly dryRun: boolean;
  /** Answer to a waiting interrupt (JSON) instead of recovering a failed run; needs `workflow`. */
  readonly answer?: unknown;
  readonly workflow?: string;
  /** LangGraph's `recursionLimit` for the resumed invoke (a resume starts a new count). */
  readonly recursionLimit?: number;
  readonly executionsFile?: string;
  /** Who answers (stamped on the answer); the OS user, `local:<name>`, by default. */
  readonly approver?: string;
  /** The clock an answer is stamped with and checked against an approval deadline. */
  readonly now?: () => Date;
  /** The watchdog for the executions the dispatcher starts. */
  readonly stallTimeoutMs?: number;
  readonly out: (text: string) => void;
  /**
   * A run that is not in the failed-runs queue (interrupted by Ctrl-C, a killed or crashed
   * process, the watchdog): continued from its checkpoints in this process. Returns the exit code.
   */
  readonly continueRun?: (runId: string) => Promise<number>;
}

/**
 * `switchyard resume <runId>`: resumes a failed run from its last checkpoint (finished tasks
 * are not redone) through the requests queue and the dispatcher — or, for a run that never
 * reached the failed-runs queue (stopped, killed, stalled), in this process — or with `--answer`
 * answers a waiting interrupt. `--list` shows the failed runs; `--dry-run` what would re-execute.
 */
export async function resumeCommand(o: ResumeCommandOptions): Promise<number> {
  const { aws } = o;
  const failedRunsUrl = aws.queueUrls[aws.resources.failedRunsQueue.name] ?? "";
  const requestsUrl = aws.queueUrls[aws.resources.requestsQueue.name] ?? "";
  if (o.list || !o.runId) {
    const letters = await peekDeadLetters(aws.clients.sqs, failedRunsUrl);
    o.out(`${letters.length} failed run(s)`);
    for (const l of letters) {
      const f = l.failedRun;
      o.out(
        `  ${l.runId ?? l.messageId}  ${l.workflow ?? "?"}  ${f?.status ?? ""}  ${f?.node ?? "-"}  ${l.error ?? ""}`,
      );
    }
    return 0;
  }
  if (o.answer !== undefined) {
    if (!o.workflow) throw new Error("--answer needs --workflow");
    // Refused here (exit 2) rather than by the execution: an answer by an unknown interrupt id,
    // or one value for several interrupts; for a four-eyes approval, an answer naming its own
    // approver, an excluded or repeated approver, or one after the deadline.
    const saver = localSaver(aws);
    const workflow = o.workflowNamed(o.workflow);
    const position = await readPosition({ saver }, compileWorkflow(workflow, saver), o.runId);
    const waiting = waitingInterrupts(position.tasks);
    const now = o.now?.() ?? new Date();
    const by = o.approver ?? localApprover();
    const answer = stampAnswers(waiting, answersFor(o.runId, waiting, o.answer), by, now);
    const request: RunRequest = {
      runId: `${o.runId.slice(0, 60)}-a${Date.now().toString(36)}`,
      workflow: o.workflow,
      threadId: o.runId,
      resume: answer,
      ...(o.recursionLimit === undefined ? {} : { recursionLimit: o.recursionLimit }),
      source: "cli",
      requestedAt: now.toISOString(),
    };
    await aws.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: requestsUrl, MessageBody: encodeMessageBody(request) }),
    );
    return runDispatcher(o);
  }
  const entries = await resumeFailedRuns(aws.clients.sqs, {
    failedRunsUrl,
    requestsUrl,
    filter: { ids: [o.runId] },
    dryRun: o.dryRun,
    source: "cli",
    lookupThread: checkpointLookup(localSaver(aws), o.workflowNamed),
  });
  if (entries.length === 0) {
    if (o.continueRun) return o.continueRun(o.runId);
    o.out(`no failed run "${o.runId}" in ${aws.resources.failedRunsQueue.name}`);
    return 2;
  }
  for (const e of entries) o.out(`  ${e.action}  ${e.letter.runId}: ${e.reexecutes}`);
  return o.dryRun ? 0 : runDispatcher(o);
}
