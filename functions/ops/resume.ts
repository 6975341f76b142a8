import type { SQSClient } from "@aws-sdk/client-sqs";
import { encodeMessageBody, type RunRequest } from "#ingress";
import { type Metrics, recordRecovery } from "#telemetry";
import {
  type DeadLetterFilter,
  describeLetter,
  type RedriveEntry,
  redriveDeadLetters,
} from "./dead-letters.ts";
import { type LookupThread, resumeRequestFor } from "./failed-runs.ts";

export interface ResumeFailedRunsOptions {
  readonly failedRunsUrl: string;
  readonly requestsUrl: string;
  readonly filter?: DeadLetterFilter;
  readonly dryRun?: boolean;
  readonly source?: RunRequest["source"];
  /** Reads each thread now, so the preview names the tasks that would run again. */
  readonly lookupThread?: LookupThread;
  readonly now?: Date;
  /**
   * Counts each resumed run (`Redrives`, Queue `failed-runs`) and its recovery time from the
   * failure to this resume (`RecoveryTime`, per workflow).
   */
  readonly metrics?: Metrics;
}

/**
 * Resumes failed runs from their last checkpoint: each selected record on the failed-runs queue
 * becomes a recover request on the requests queue (through the dispatcher, like every run), and
 * leaves the failed-runs queue. Finished tasks keep their output; only unfinished ones run.
 * With `dryRun`, shows what would re-execute and changes nothing.
 *
 * @example
 * await resumeFailedRuns(sqs, { failedRunsUrl, requestsUrl, filter: { ids: ["run-0001"] } });
 */
export function resumeFailedRuns(sqs: SQSClient, options: ResumeFailedRunsOptions): Promise<RedriveEntry[]> {
  return redriveDeadLetters(sqs, options.failedRunsUrl, {
    targetUrl: options.requestsUrl,
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    onRedriven: (letter) => {
      const run = letter.failedRun;
      if (run && options.metrics)
        recordRecovery(options.metrics, run.workflow, new Date(run.failedAt), options.now ?? new Date());
    },
    transform: (letter) =>
      letter.failedRun
        ? encodeMessageBody(resumeRequestFor(letter.failedRun, options.source ?? "redrive", options.now))
        : undefined,
    describe: async (letter) => {
      const run = letter.failedRun;
      if (!run || !options.lookupThread) return describeLetter(letter);
      const thread = await options.lookupThread(run.workflow, run.threadId).catch(() => undefined);
      if (!thread) return `${describeLetter(letter)} — no checkpoint: starts over`;
      const pending = countBy(thread.pendingNodes ?? []);
      return (
        `resume ${run.workflow} thread ${run.threadId} from step ${thread.step}: re-runs ` +
        `${pending || "nothing (plans the next superstep)"}; ${thread.finishedTasks ?? 0} finished task(s) kept`
      );
    },
  });
}

function countBy(nodes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n)).join(", ");
}
