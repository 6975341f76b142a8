import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  type DeadLetter,
  describeLetter,
  peekDeadLetters,
  type RedriveOptions,
  redriveDeadLetters,
} from "#ops";
import type { DeadLettersPort, DeadLetterView } from "./types.ts";

/** Bodies up to this size are shown in a listing; larger ones are counted, not copied. */
const LISTED_BODY_BYTES = 8 * 1024;
/** How long a sweep hides the DLQ's messages: long enough to finish inside the api Lambda's 25 s. */
const SWEEP_VISIBILITY_SECONDS = 30;

export interface SqsDeadLettersOptions {
  /** The requests DLQ (`REQUESTS_DLQ_URL`). */
  readonly deadLetterQueueUrl: string;
  /** Where redriven letters go: the DLQ's source, the requests queue (`REQUESTS_QUEUE_URL`). */
  readonly requestsQueueUrl: string;
  /** Counts each redrive (`Redrives`, Queue `requests-dlq`), as the CLI's redrive does. */
  readonly metrics?: RedriveOptions["metrics"] | undefined;
}

/**
 * The requests DLQ as the API's {@link DeadLettersPort}, over `#ops`' receive/send/delete
 * sweep (filters and dry runs; the same code the CLI's `switchyard redrive` runs). A listing
 * is a peek: every message is visible again afterwards. A redrive sends each selected letter
 * back unchanged (its run id makes a second start a no-op) and skips unreadable ones, which
 * would only come back.
 *
 * @example
 * const deadLetters = sqsDeadLetters(new SQSClient({}), { deadLetterQueueUrl, requestsQueueUrl });
 * await deadLetters.redrive({ dryRun: true, max: 100, filter: { workflow: "triage" } });
 */
export function sqsDeadLetters(sqs: SQSClient, options: SqsDeadLettersOptions): DeadLettersPort {
  const dlq = options.deadLetterQueueUrl;
  const queue = dlq.split("/").pop() ?? dlq;
  return {
    async list({ filter, limit }) {
      const letters = await peekDeadLetters(sqs, dlq, {
        filter,
        max: limit,
        visibilitySeconds: SWEEP_VISIBILITY_SECONDS,
      });
      return letters.map((l) => viewOf(l, queue));
    },
    async redrive({ filter, max, dryRun }) {
      const entries = await redriveDeadLetters(sqs, dlq, {
        targetUrl: options.requestsQueueUrl,
        filter,
        max,
        dryRun,
        visibilitySeconds: SWEEP_VISIBILITY_SECONDS,
        transform: (l) => (l.kind === "unreadable" ? undefined : l.body),
        ...(options.metrics ? { metrics: options.metrics } : {}),
      });
      return {
        dryRun,
        matched: entries.length,
        redriven: entries.filter((e) => e.action === "redriven").length,
        entries: entries.map((e) => ({
          id: e.letter.messageId,
          ...(e.letter.runId ? { runId: e.letter.runId } : {}),
          ...(e.letter.workflow ? { workflow: e.letter.workflow } : {}),
          action: e.action,
          reexecutes: e.reexecutes,
        })),
      };
    },
  };
}

function viewOf(letter: DeadLetter, queue: string): DeadLetterView {
  const bodyBytes = Buffer.byteLength(letter.body);
  return {
    id: letter.messageId,
    queue,
    kind: letter.kind,
    ...(letter.runId ? { runId: letter.runId } : {}),
    ...(letter.workflow ? { workflow: letter.workflow } : {}),
    ...(letter.error ? { error: letter.error } : {}),
    receiveCount: letter.receiveCount,
    sentAt: letter.sentAt.toISOString(),
    reexecutes: describeLetter(letter),
    bodyBytes,
    ...(bodyBytes <= LISTED_BODY_BYTES ? { body: parsedOrText(letter.body) } : {}),
  };
}

function parsedOrText(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
