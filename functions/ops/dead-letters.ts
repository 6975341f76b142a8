import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import {
  decodeMessageBody,
  parseRunRequest,
  type RunRequest,
  sdkAttributes,
  traceContextAttributes,
} from "#ingress";
import { type MessageAttributes, type Metrics, queueLabel, recordRedrive, traceAttributes } from "#telemetry";
import { UnsupportedOperationError } from "./errors.ts";
import { type FailedRun, readFailedRun } from "./failed-runs.ts";

/**
 * Dead letters, read and redriven with the plain queue API (receive / send / delete), which
 * works on AWS and on the emulator alike and allows filters and dry runs; on AWS,
 * {@link startBulkRedrive} offers `StartMessageMoveTask` for moving a whole DLQ at once.
 *
 * A sweep receives every visible message with a visibility timeout long enough to finish,
 * acts on the ones the filter selects, and makes the rest visible again at the end (so one
 * sweep never sees a message twice). Redrive sends first and deletes second: a crash in between
 * leaves a copy in both queues, and the dispatcher's run-id idempotency runs it once anyway.
 */
export interface DeadLetter {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly sentAt: Date;
  readonly receiveCount: number;
  readonly kind: "run-request" | "failed-run" | "unreadable";
  readonly runId?: string;
  readonly workflow?: string;
  /** Why it is here, as far as the message tells: the run's error, or why the request is poison. */
  readonly error?: string;
  readonly request?: RunRequest;
  readonly failedRun?: FailedRun;
  /** The message's string attributes (the producer's `traceparent` among them). */
  readonly attributes?: MessageAttributes;
}

export interface DeadLetterFilter {
  readonly workflow?: string;
  /** Case-insensitive substring of the error (code or message). */
  readonly error?: string;
  /** Only messages at least this old. */
  readonly minAgeSeconds?: number;
  /** Only messages at most this old. */
  readonly maxAgeSeconds?: number;
  /** Only these runs (run ids) or messages (message ids). */
  readonly ids?: readonly string[];
}

export interface SweepOptions {
  readonly filter?: DeadLetterFilter;
  /** Stop after this many selected messages. Default 1,000. */
  readonly max?: number;
  /** How long received messages stay hidden while the sweep runs. Default 120 s. */
  readonly visibilitySeconds?: number;
  readonly now?: Date;
}

const ALL_ATTRIBUTES = ["All"] as const;

/**
 * Lists dead letters without removing them (peek): every message is visible again afterwards.
 *
 * @example
 * const letters = await peekDeadLetters(sqs, dlqUrl, { filter: { workflow: "triage", minAgeSeconds: 3600 } });
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  queueUrl: string,
  options: SweepOptions = {},
): Promise<DeadLetter[]> {
  const { selected, held } = await sweep(sqs, queueUrl, options);
  await release(sqs, queueUrl, [...held, ...selected.map(asMessage)]);
  return selected;
}

export interface RedriveOptions extends SweepOptions {
  /** The queue to send them to: the DLQ's source (requests queue). */
  readonly targetUrl: string;
  /** Only show what would happen. */
  readonly dryRun?: boolean;
  /**
   * The message body to send for a dead letter (default: unchanged). Failed runs become resume
   * requests (`resumeRequestFor`); return undefined to leave a letter where it is.
   */
  readonly transform?: (letter: DeadLetter) => string | undefined;
  /** What re-executes, for previews (e.g. the tasks a resume would run). */
  readonly describe?: (letter: DeadLetter) => Promise<string>;
  /** Counts each letter sent back (`Redrives`, Queue = the DLQ's role, e.g. `requests-dlq`). */
  readonly metrics?: Metrics;
  /** Told about each letter sent back, after it left the DLQ (e.g. to measure recovery time). */
  readonly onRedriven?: (letter: DeadLetter) => void;
}

export interface RedriveEntry {
  readonly letter: DeadLetter;
  readonly action: "redriven" | "would-redrive" | "skipped";
  /** The body sent (or that would be). */
  readonly sent?: string;
  /** What re-executes: workflow, run, thread, tasks. */
  readonly reexecutes: string;
}

/**
 * Moves the selected dead letters back to their source queue (send, then delete), or with
 * `dryRun` shows what would be sent and what would re-execute. Nothing unselected is touched.
 *
 * @example
 * const preview = await redriveDeadLetters(sqs, dlqUrl, { targetUrl: requestsUrl, dryRun: true });
 * const done = await redriveDeadLetters(sqs, dlqUrl, { targetUrl: requestsUrl, filter: { ids: ["run-0001"] } });
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  queueUrl: string,
  options: RedriveOptions,
): Promise<RedriveEntry[]> {
  const { selected, held } = await sweep(sqs, queueUrl, options);
  const entries: RedriveEntry[] = [];
  const keep: Message[] = [...held];
  let done = 0;
  try {
    for (const letter of selected) {
      entries.push(await redriveOne(sqs, queueUrl, letter, options, keep));
      done++;
    }
  } finally {
    // Whatever was left untouched (a failed send stops the sweep) is visible again at once.
    await release(sqs, queueUrl, [...keep, ...selected.slice(done).map(asMessage)]);
  }
  return entries;
}

async function redriveOne(
  sqs: SQSClient,
  queueUrl: string,
  letter: DeadLetter,
  options: RedriveOptions,
  keep: Message[],
): Promise<RedriveEntry> {
  const body = options.transform ? options.transform(letter) : letter.body;
  const reexecutes = options.describe ? await options.describe(letter) : describeLetter(letter);
  if (body === undefined || options.dryRun) {
    keep.push(asMessage(letter));
    return body === undefined
      ? { letter, action: "skipped", reexecutes }
      : { letter, action: "would-redrive", sent: body, reexecutes };
  }
  // The letter's own trace context, so the redriven run links to the original request's trace;
  // a letter without one (a failed-run record) continues the operator's trace instead.
  const carried = traceContextAttributes(letter.attributes ?? {});
  const trace = carried.traceparent ? carried : traceAttributes();
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: options.targetUrl,
      MessageBody: body,
      MessageAttributes: {
        ...trace,
        redrivenFrom: { DataType: "String", StringValue: queueName(queueUrl) },
        deadLetterMessageId: { DataType: "String", StringValue: letter.messageId },
      },
    }),
  );
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: letter.receiptHandle }));
  if (options.metrics) recordRedrive(options.metrics, queueLabel(queueUrl));
  options.onRedriven?.(letter);
  return { letter, action: "redriven", sent: body, reexecutes };
}

/**
 * AWS only: moves every message of a DLQ back to its source queue (or `destinationArn`) with
 * SQS's own message move task — fast for large queues, but without filters or previews.
 * The emulator has no `StartMessageMoveTask`: {@link redriveDeadLetters} works everywhere.
 *
 * @example
 * await startBulkRedrive(sqs, { sourceArn: dlqArn, maxPerSecond: 50 }); // { taskHandle }
 */
export async function startBulkRedrive(
  sqs: SQSClient,
  options: { sourceArn: string; destinationArn?: string; maxPerSecond?: number },
): Promise<{ taskHandle: string }> {
  try {
    const out = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: options.sourceArn,
        ...(options.destinationArn ? { DestinationArn: options.destinationArn } : {}),
        ...(options.maxPerSecond ? { MaxNumberOfMessagesPerSecond: options.maxPerSecond } : {}),
      }),
    );
    return { taskHandle: out.TaskHandle ?? "" };
  } catch (err) {
    const name = (err as { name?: string }).name ?? "";
    if (/UnsupportedOperation|UnknownOperation|InvalidAction|NotImplemented/i.test(name)) {
      throw new UnsupportedOperationError(
        "This SQS has no StartMessageMoveTask (the local emulator): use redrive without --bulk.",
        { cause: err },
      );
    }
    throw err;
  }
}

/** Reads one queue message as a dead letter: a run request, a failed run, or unreadable. */
export async function readDeadLetter(message: Message): Promise<DeadLetter> {
  const body = message.Body ?? "";
  const base = {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body,
    sentAt: new Date(Number(message.Attributes?.SentTimestamp ?? Date.now())),
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    attributes: sdkAttributes(message.MessageAttributes),
  };
  try {
    const failedRun = await readFailedRun(body);
    return {
      ...base,
      kind: "failed-run",
      runId: failedRun.runId,
      workflow: failedRun.workflow,
      error: `${failedRun.error.code}: ${failedRun.error.message}`,
      failedRun,
    };
  } catch {
    // not a failed run: try a run request
  }
  try {
    const request = parseRunRequest(body);
    return {
      ...base,
      kind: "run-request",
      runId: request.runId,
      workflow: request.workflow,
      error: `not started after ${base.receiveCount} deliveries`,
      request,
    };
  } catch (err) {
    const loose = safeJson(body) as { runId?: unknown; workflow?: unknown };
    return {
      ...base,
      kind: "unreadable",
      ...(typeof loose?.runId === "string" ? { runId: loose.runId } : {}),
      ...(typeof loose?.workflow === "string" ? { workflow: loose.workflow } : {}),
      error: (err as Error).message,
    };
  }
}

/** Whether a dead letter is selected by the filter. */
export function matches(letter: DeadLetter, filter: DeadLetterFilter = {}, now: Date = new Date()): boolean {
  const ageSeconds = (now.getTime() - letter.sentAt.getTime()) / 1000;
  if (filter.workflow && letter.workflow !== filter.workflow) return false;
  if (filter.error && !(letter.error ?? "").toLowerCase().includes(filter.error.toLowerCase())) return false;
  if (filter.minAgeSeconds !== undefined && ageSeconds < filter.minAgeSeconds) return false;
  if (filter.maxAgeSeconds !== undefined && ageSeconds > filter.maxAgeSeconds) return false;
  if (filter.ids && !filter.ids.some((id) => id === letter.runId || id === letter.messageId)) return false;
  return true;
}

/** A one-line account of what redriving the letter re-executes. */
export function describeLetter(letter: DeadLetter): string {
  if (letter.request) {
    const r = letter.request;
    const what = r.recover ? "recover" : r.resume !== undefined ? "resume (answer)" : "start";
    return `${what} ${r.workflow} run ${r.runId} on thread ${r.threadId ?? r.runId}`;
  }
  if (letter.failedRun) {
    const f = letter.failedRun;
    const from = f.checkpoint
      ? `from checkpoint step ${f.checkpoint.step}`
      : "from the start (no checkpoint)";
    return `resume ${f.workflow} thread ${f.threadId} ${from}${f.node ? `, re-running ${f.node}` : ""}`;
  }
  return "nothing (unreadable: fix or purge it)";
}

async function sweep(
  sqs: SQSClient,
  queueUrl: string,
  options: SweepOptions,
): Promise<{ selected: DeadLetter[]; held: Message[] }> {
  const max = options.max ?? 1_000;
  const now = options.now ?? new Date();
  const selected: DeadLetter[] = [];
  const held: Message[] = [];
  while (selected.length < max) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: options.visibilitySeconds ?? 120,
        MessageSystemAttributeNames: [...ALL_ATTRIBUTES],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      const letter = await readDeadLetter(message);
      if (selected.length < max && matches(letter, options.filter, now)) selected.push(letter);
      else held.push(message);
    }
  }
  return { selected, held };
}

async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, j) => ({
          Id: String(j),
          ReceiptHandle: m.ReceiptHandle ?? "",
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

function asMessage(letter: DeadLetter): Message {
  return { MessageId: letter.messageId, ReceiptHandle: letter.receiptHandle, Body: letter.body };
}

function queueName(url: string): string {
  return url.split("/").pop() ?? url;
}

function safeJson(text: string): unknown {
  try {
    return decodeMessageBody(text);
  } catch {
    return undefined;
  }
}
