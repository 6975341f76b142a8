import { type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type FailedRun, readFailedRun } from "#ops";
import type { FailedRunsPort, RunFailure } from "./types.ts";

export interface SqsFailedRunsOptions {
  /** `FAILED_RUNS_QUEUE_URL`: where the failed-run handler records failed executions. */
  readonly queueUrl: string;
  /** Receive calls per lookup (10 messages each). Default 10: a status read stays fast. */
  readonly maxReceives?: number;
}

/**
 * The failed-runs queue as the API's {@link FailedRunsPort}, read without hiding anything: each
 * receive uses `VisibilityTimeout: 0`, so operators' resume sweeps and other readers see every
 * record at all times, and nothing is deleted. Records are the `#ops` `FailedRun`s the
 * failed-run handler writes (`readFailedRun` also reads a raw EventBridge event).
 *
 * ```
 * GET /runs/{id} ─ checkpoint says running ─▶ receive ×≤10 (visibility 0, dedup by message id)
 *                                           ─▶ newest record whose threadId is the run ─▶ failed
 * ```
 *
 * Best effort by nature: SQS short polling samples its servers, so in a queue of hundreds of
 * unhandled failures a lookup may miss one and the run reads `running`, as it would without
 * this port. A failed-runs index written by the failed-run handler would make it exact.
 *
 * @example
 * const failedRuns = sqsFailedRuns(new SQSClient({}), { queueUrl: env.FAILED_RUNS_QUEUE_URL });
 * await failedRuns.latestFailure("triage_3f0c…"); // { status: "FAILED", error, node, checkpointId }
 */
export function sqsFailedRuns(sqs: SQSClient, options: SqsFailedRunsOptions): FailedRunsPort {
  const maxReceives = options.maxReceives ?? 10;
  return {
    async latestFailure(threadId) {
      const seen = new Set<string>();
      let latest: FailedRun | undefined;
      for (let i = 0, idle = 0; i < maxReceives && idle < 2; i++) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 0,
          }),
        );
        const fresh = (out.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ""));
        idle = fresh.length === 0 ? idle + 1 : 0;
        for (const m of fresh) {
          seen.add(m.MessageId ?? "");
          const run = await failedRunIn(m);
          if (run?.threadId === threadId && (!latest || run.failedAt > latest.failedAt)) latest = run;
        }
      }
      return latest ? failureOf(latest) : undefined;
    },
  };
}

async function failedRunIn(message: Message): Promise<FailedRun | undefined> {
  try {
    return await readFailedRun(message.Body ?? "");
  } catch {
    return undefined; // not a record this port can read: the operators' tools will show it
  }
}

function failureOf(run: FailedRun): RunFailure {
  return {
    status: run.status,
    error: run.error,
    ...(run.node ? { node: run.node } : {}),
    failedAt: run.failedAt,
    ...(run.checkpoint ? { checkpointId: run.checkpoint.id } : {}),
  };
}
